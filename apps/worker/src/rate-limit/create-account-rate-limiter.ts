import type { Redis } from 'ioredis';

/**
 * GCRA (the generic cell rate algorithm, as in leaky-bucket-as-a-meter): one Redis key per
 * account holds the "theoretical arrival time" of the next request. Atomic in one script, so every
 * worker process shares the same budget, and smooth: no burst at window edges as fixed windows
 * allow. Uses Redis' clock, so workers' clocks do not matter.
 * Returns 0 when the request may go now, else how many milliseconds to wait.
 */
const GCRA = `
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local next_tat = tat + interval
local early = next_tat - now - burst * interval
if early > 0 then return tostring(early) end
redis.call('SET', KEYS[1], tostring(next_tat), 'PX', math.ceil(next_tat - now) + 1000)
return '0'
`;

export interface AccountRateLimiter {
  /** Milliseconds to wait before this account may send (0: send now, and the slot is taken). */
  tryAcquire(accountId: string): Promise<number>;
  /** Waits for a slot (polling with the returned delay), or rejects when `signal` aborts. */
  acquire(accountId: string, signal?: AbortSignal): Promise<void>;
}

export function createAccountRateLimiter(
  redis: Redis,
  options: { keyPrefix: string; requestsPerSecond: (accountId: string) => number; burst?: number },
): AccountRateLimiter {
  const tryAcquire = async (accountId: string): Promise<number> => {
    const rate = options.requestsPerSecond(accountId);
    if (!Number.isFinite(rate) || rate <= 0) return 0;
    const interval = 1_000 / rate;
    const burst = options.burst ?? Math.max(1, Math.ceil(rate / 10));
    const result = (await redis.eval(
      GCRA,
      1,
      `${options.keyPrefix}:rate:${accountId}`,
      interval,
      burst,
    )) as string;
    return Math.max(0, Number(result));
  };
  return {
    tryAcquire,
    acquire: async (accountId, signal) => {
      for (;;) {
        signal?.throwIfAborted();
        const wait = await tryAcquire(accountId);
        if (wait <= 0) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(Math.ceil(wait), 1_000)));
      }
    },
  };
}
