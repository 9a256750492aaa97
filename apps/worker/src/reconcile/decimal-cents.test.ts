import { describe, expect, it } from 'vitest';
import { decimalCents, formatCents } from './decimal-cents.js';

describe('decimalCents', () => {
  it('reads money text exactly, whatever the trailing zeros', () => {
    expect(decimalCents('12.5')).toBe(1250n);
    expect(decimalCents('12.50')).toBe(1250n);
    expect(decimalCents('12.500')).toBe(1250n);
    expect(decimalCents('4000')).toBe(400000n);
    expect(decimalCents('0.01')).toBe(1n);
  });

  it('refuses what cannot equal a numeric(20,2) amount or is not plain decimal text', () => {
    expect(decimalCents('12.505')).toBeNull();
    expect(decimalCents('-1.00')).toBeNull();
    expect(decimalCents('1e3')).toBeNull();
    expect(decimalCents('')).toBeNull();
    expect(decimalCents(null)).toBeNull();
    expect(decimalCents(undefined)).toBeNull();
  });

  it('formats cents as two-decimal text', () => {
    expect(formatCents(1250n)).toBe('12.50');
    expect(formatCents(5n)).toBe('0.05');
    expect(formatCents(400000n)).toBe('4000.00');
  });
});
