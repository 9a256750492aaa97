import { describe, expect, it } from 'vitest';
import { normalizeCambodianMobile } from './normalize-cambodian-mobile.js';

describe('normalizeCambodianMobile', () => {
  it.each([
    ['+855 12 345 678', '12345678'],
    ['+855012345678', '12345678'],
    ['00855 96 123 4567', '961234567'],
    ['85512345678', '12345678'],
    ['855961234567', '961234567'],
    ['012-345-678', '12345678'],
    ['(096) 123.4567', '961234567'],
    ['12345678', '12345678'],
    ['961234567', '961234567'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalizeCambodianMobile(input)).toEqual({ ok: true, mobile: expected });
  });

  it.each([
    ['+66 81 234 5678', /Cambodian number \(\+855\)/],
    ['1234567', /8 or 9 digits/],
    ['0123456789012', /8 or 9 digits/],
    ['012-ABC-678', /only digits/],
    ['', /only digits/],
    ['00', /8 or 9 digits/],
  ])('refuses %s', (input, message) => {
    const result = normalizeCambodianMobile(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('refuses non-strings', () => {
    expect(normalizeCambodianMobile(12345678)).toEqual({ ok: false, message: 'must be a string of digits' });
  });
});
