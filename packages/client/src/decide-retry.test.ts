import { describe, expect, test } from 'vitest';
import { decideRetry, type RetryPolicy } from './decide-retry.js';

const policy: RetryPolicy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 60_000 };
const status = (code: number, name: string, retryAfterMs?: number) =>
  ({ kind: 'status', status: code, code: name, retryAfterMs }) as const;
const highest = () => 0.999_999;

describe('decideRetry', () => {
  test('retries network errors, 5xx, 429, 503 and an in-flight key; nothing else', () => {
    for (const outcome of [
      { kind: 'network' } as const,
      status(500, 'internal_error'),
      status(502, 'unexpected_response'),
      status(503, 'service_unavailable'),
      status(429, 'rate_limited'),
      status(409, 'idempotency_in_flight'),
    ]) {
      expect(decideRetry(outcome, 1, policy).retry, JSON.stringify(outcome)).toBe(true);
    }
    for (const outcome of [
      status(400, 'validation_failed'),
      status(401, 'unauthenticated'),
      status(404, 'not_found'),
      status(409, 'merchant_reference_conflict'),
      status(422, 'idempotency_key_reused'),
    ]) {
      expect(decideRetry(outcome, 1, policy), JSON.stringify(outcome)).toEqual({ retry: false });
    }
  });

  test('stops after the configured number of retries', () => {
    expect(decideRetry({ kind: 'network' }, 3, policy).retry).toBe(true);
    expect(decideRetry({ kind: 'network' }, 4, policy).retry).toBe(false);
  });

  test('backs off exponentially with full jitter, capped', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => {
      const decision = decideRetry({ kind: 'network' }, attempt, { ...policy, retries: 10 }, highest);
      return decision.retry ? decision.delayMs : -1;
    });
    expect(delays).toEqual([99, 199, 399, 799, 999]);
    const lowest = decideRetry({ kind: 'network' }, 3, policy, () => 0);
    expect(lowest).toMatchObject({ retry: true, delayMs: 0 });
  });

  test('honours Retry-After, but gives up on one longer than allowed', () => {
    expect(decideRetry(status(503, 'service_unavailable', 2_000), 1, policy)).toMatchObject({
      retry: true,
      delayMs: 2_000,
    });
    expect(decideRetry(status(429, 'rate_limited', 120_000), 1, policy)).toEqual({ retry: false });
  });

  test('never retries an in-flight key at once', () => {
    const decision = decideRetry(status(409, 'idempotency_in_flight'), 1, policy, () => 0);
    expect(decision).toMatchObject({ retry: true, delayMs: 100 });
  });
});
