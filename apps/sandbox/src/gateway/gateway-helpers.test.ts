import type { VexoraAccount } from '@vexora-checkout/contracts';
import { describe, expect, test } from 'vitest';
import { formatPhnomPenhTime } from './format-phnom-penh-time.js';
import { resolveOrderCurrency } from './resolve-order-currency.js';

describe('formatPhnomPenhTime', () => {
  test('writes UTC+7 local time as yyyy-MM-dd HH:mm:ss, across midnight', () => {
    expect(formatPhnomPenhTime(Date.UTC(2026, 2, 31, 7, 5, 9))).toBe('2026-03-31 14:05:09');
    expect(formatPhnomPenhTime(Date.UTC(2026, 11, 31, 20, 0, 0))).toBe('2027-01-01 03:00:00');
  });
});

describe('resolveOrderCurrency', () => {
  const account = (currencies: VexoraAccount['currencies']): VexoraAccount => ({
    id: 'a',
    merchantNo: 'A',
    appSecret: 'secret-a',
    baseUrl: undefined,
    currencies,
    channelCode: 'KHQR',
    wayCode: 'KHQR',
  });

  test("is the account's currency when it has one, whatever the channel", () => {
    expect(resolveOrderCurrency(account(['KHR']), 'KHQR_USD')).toBe('KHR');
  });

  test('is named by the end of the channel code when the account has several', () => {
    expect(resolveOrderCurrency(account(['USD', 'KHR']), 'KHQR_KHR')).toBe('KHR');
    expect(resolveOrderCurrency(account(['USD', 'KHR']), 'khqr-usd')).toBe('USD');
    expect(resolveOrderCurrency(account(['KHR', 'USD']), 'KHQR')).toBe('KHR');
    // The currency must stand apart at the end: "KHQRUSD" names none.
    expect(resolveOrderCurrency(account(['KHR', 'USD']), 'KHQRUSD')).toBe('KHR');
  });
});
