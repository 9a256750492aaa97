import { describe, expect, test } from 'vitest';
import { computeKhqrCrc } from './compute-khqr-crc.js';

describe('computeKhqrCrc', () => {
  test('gives the CRC-16/CCITT-FALSE check value of "123456789"', () => {
    expect(computeKhqrCrc('123456789')).toBe('29B1');
  });

  test('is 0xFFFF (the initial value) for no input, and pads to four digits', () => {
    expect(computeKhqrCrc('')).toBe('FFFF');
    expect(computeKhqrCrc('A')).toMatch(/^[0-9A-F]{4}$/);
  });
});
