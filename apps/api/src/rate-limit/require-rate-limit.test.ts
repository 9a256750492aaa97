import type { Request } from 'express';
import { describe, expect, test } from 'vitest';
import { requestCost } from './require-rate-limit.js';

const request = (method: string, path: string, body?: unknown) => ({ method, path, body }) as Request;
const items = (count: number) => ({ items: Array.from({ length: count }, () => ({})) });

describe('requestCost', () => {
  test('a request costs one token, a batch one per started 100 items', () => {
    expect(requestCost(request('GET', '/checkouts'))).toBe(1);
    expect(requestCost(request('POST', '/checkouts', { amount: '1.00' }))).toBe(1);
    expect(
      [0, 1, 100, 101, 250, 1_000].map((count) =>
        requestCost(request('POST', '/checkouts/batch', items(count))),
      ),
    ).toEqual([1, 1, 1, 2, 3, 10]);
  });

  test('a batch path spelled as Express still routes it costs the same; a batch-like body elsewhere costs 1', () => {
    expect(requestCost(request('POST', '/Checkouts/BATCH/', items(300)))).toBe(3);
    expect(requestCost(request('POST', '/checkouts', items(300)))).toBe(1);
    expect(requestCost(request('POST', '/checkouts/batch', { items: 'x'.repeat(5_000) }))).toBe(1);
  });
});
