import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCompactTime, generateTradeNo } from './generate-trade-no.js';

const createdAt = new Date('2026-11-26T12:30:05.123Z'); // 19:30:05 in Phnom Penh (UTC+7)

describe('generateTradeNo', () => {
  it("writes Vexora's recommended form in Cambodian time", () => {
    expect(generateTradeNo({ createdAt, seq: 42n, generation: 0 })).toBe(
      '20261126193005' + '00000042' + '00',
    );
    expect(generateTradeNo({ createdAt, seq: 42n, generation: 1, prefix: 'VX' })).toBe(
      'VX20261126193005' + '00000042' + '01',
    );
    expect(generateTradeNo({ createdAt, seq: 123456789012n, generation: 12, timeZone: 'UTC' })).toBe(
      '20261126123005' + '123456789012' + '12',
    );
  });

  it('crosses midnight by the configured zone, not UTC', () => {
    expect(formatCompactTime(new Date('2026-12-31T17:00:00Z'), 'Asia/Phnom_Penh')).toBe('20270101000000');
  });

  it('is a pure function of the intent and generation', () => {
    const input = { createdAt, seq: 7n, generation: 3, prefix: 'M1' };
    expect(generateTradeNo(input)).toBe(
      generateTradeNo({ ...input, createdAt: new Date(createdAt.getTime()) }),
    );
  });

  it('never gives two (intent, generation) pairs the same tradeNo, even in the same second (property)', () => {
    const pair = fc.record({
      seq: fc.bigInt({ min: 1n, max: 10n ** 14n }),
      generation: fc.integer({ min: 0, max: 99 }),
    });
    fc.assert(
      fc.property(pair, pair, (a, b) => {
        fc.pre(a.seq !== b.seq || a.generation !== b.generation);
        expect(generateTradeNo({ createdAt, ...a })).not.toBe(generateTradeNo({ createdAt, ...b }));
      }),
    );
  });

  it('refuses inputs that would break uniqueness or the format', () => {
    expect(() => generateTradeNo({ createdAt, seq: 1n, generation: 100 })).toThrow(/0 to 99/);
    expect(() => generateTradeNo({ createdAt, seq: 0n, generation: 0 })).toThrow(/positive/);
    expect(() => generateTradeNo({ createdAt, seq: 1n, generation: 0, prefix: 'VX-1' })).toThrow(/prefix/);
  });
});
