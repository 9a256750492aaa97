import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMinorUnits, MAX_AMOUNT_MINOR, parseAmount, toMinorUnits } from './money.js';

describe('parseAmount', () => {
  it('accepts whole riel and dollars with up to two decimals, keeping the text as given', () => {
    expect(parseAmount('4000', 'KHR')).toEqual({ ok: true, amount: '4000', minor: 4000n });
    expect(parseAmount('12.5', 'USD')).toEqual({ ok: true, amount: '12.5', minor: 1250n });
    expect(parseAmount('0.01', 'USD')).toEqual({ ok: true, amount: '0.01', minor: 1n });
    expect(parseAmount('100000.00', 'USD')).toMatchObject({ ok: true, minor: 10_000_000n });
  });

  it('refuses anything else with a message saying why', () => {
    const cases: [unknown, 'KHR' | 'USD', RegExp][] = [
      [12.5, 'USD', /decimal string.*not a number/],
      ['12.345', 'USD', /at most 2 decimal places for USD/],
      ['4000.5', 'KHR', /whole number of riel/],
      ['0', 'KHR', /greater than zero/],
      ['0.00', 'USD', /greater than zero/],
      ['-5', 'USD', /plain decimal number/],
      ['1e3', 'USD', /plain decimal number/],
      ['012', 'KHR', /plain decimal number/],
      [' 12', 'USD', /plain decimal number/],
      ['12.', 'USD', /plain decimal number/],
      ['100000.01', 'USD', /must not exceed 100000.00 USD/],
      ['400000001', 'KHR', /must not exceed 400000000 KHR/],
    ];
    for (const [value, currency, message] of cases) {
      const result = parseAmount(value, currency);
      expect(result.ok, `${String(value)} ${currency}`).toBe(false);
      if (!result.ok) expect(result.message).toMatch(message);
    }
  });

  it('round-trips minor units for every valid amount (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_AMOUNT_MINOR.USD }), (minor) => {
        const text = formatMinorUnits(minor, 'USD');
        expect(parseAmount(text, 'USD')).toEqual({ ok: true, amount: text, minor });
        expect(toMinorUnits(text, 'USD')).toBe(minor);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_AMOUNT_MINOR.KHR }), (minor) => {
        expect(toMinorUnits(formatMinorUnits(minor, 'KHR'), 'KHR')).toBe(minor);
      }),
    );
  });

  it('formats canonical text', () => {
    expect(formatMinorUnits(5n, 'USD')).toBe('0.05');
    expect(formatMinorUnits(1250n, 'USD')).toBe('12.50');
    expect(formatMinorUnits(4000n, 'KHR')).toBe('4000');
    expect(formatMinorUnits(-150n, 'USD')).toBe('-1.50');
    expect(() => toMinorUnits('1.234', 'USD')).toThrow(RangeError);
  });
});
