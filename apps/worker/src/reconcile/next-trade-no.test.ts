import { generateTradeNo } from '@vexora-checkout/contracts';
import { describe, expect, it } from 'vitest';
import { nextTradeNo } from './next-trade-no.js';

describe('nextTradeNo', () => {
  const createdAt = new Date('2026-11-26T07:30:00Z');

  it('is what generateTradeNo gives for the next generation, whatever the prefix and time zone', () => {
    for (const [prefix, timeZone] of [
      ['', 'Asia/Phnom_Penh'],
      ['SHOP1', 'UTC'],
    ] as const) {
      const live = generateTradeNo({ createdAt, seq: 4242n, generation: 0, prefix, timeZone });
      expect(nextTradeNo({ tradeNo: live, seq: 4242n, submissionGeneration: 0 }, 5)).toBe(
        generateTradeNo({ createdAt, seq: 4242n, generation: 1, prefix, timeZone }),
      );
    }
    const third = generateTradeNo({ createdAt, seq: 123456789n, generation: 2 });
    expect(nextTradeNo({ tradeNo: third, seq: 123456789n, submissionGeneration: 2 }, 5)).toBe(
      generateTradeNo({ createdAt, seq: 123456789n, generation: 3 }),
    );
  });

  it('gives up past the limit, or on a tradeNo this intent did not get from the generator', () => {
    const live = generateTradeNo({ createdAt, seq: 7n, generation: 5 });
    expect(nextTradeNo({ tradeNo: live, seq: 7n, submissionGeneration: 5 }, 5)).toBeNull();
    expect(nextTradeNo({ tradeNo: live, seq: 8n, submissionGeneration: 4 }, 99)).toBeNull();
    expect(nextTradeNo({ tradeNo: 'HANDMADE-1', seq: 7n, submissionGeneration: 0 }, 99)).toBeNull();
  });
});
