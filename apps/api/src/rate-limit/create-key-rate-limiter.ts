import { Redis } from 'ioredis';

/**
 * GCRA over one Redis key per API key: the key holds the "theoretical arrival time" (ms, Redis'
 * clock) at which the bucket would be full again. A request of `cost` tokens is admitted when it
 * fits the burst; a refused one takes nothing. One script, so every api replica shares the key's
 * budget and a check is one round trip (EVALSHA; ioredis sends the script itself once per
 * connection). Returns {admitted, remaining, retry-after ms, ms until the bucket is full}.
 */
const KEY_GCRA = `
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local capacity = burst * emission
local next_tat = tat + cost * emission
local admit_at = next_tat - capacity
if admit_at > now then
  local left = math.floor((now + capacity - tat) / emission)
  if left < 0 then left = 0 end
  return {0, left, math.ceil(admit_at - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], tostring(next_tat), 'PX', math.ceil(next_tat - now) + 1000)
return {1, math.floor((now - admit_at) / emission), 0, math.ceil(next_tat - now)}
`;

export interface RateLimitDecision {
  admitted: boolean;
  /** The bucket's size: the most tokens a key can spend at once. */
  limit: number;
  /** Tokens left after this request (whole tokens). */
  remaining: number;
  /** When refused: milliseconds until a request of the same cost would be admitted. */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

export interface KeyRateLimiterOptions {
  /** Tokens added per second per key; each request costs at least one. */
  tokensPerSecond: number;
  /** Bucket size: what a key may spend at once after being idle. */
  burst: number;
  /** A check that takes longer fails (and the caller lets the request through). */
  timeoutMs: number;
  /** Redis key prefix; the API key's id follows it. */
  keyPrefix?: string;
}

export interface KeyRateLimiter {
  readonly limit: number;
  /** Takes `cost` tokens (capped at the burst) from `keyId`'s bucket, or refuses without taking. */
  take(keyId: string, cost: number): Promise<RateLimitDecision>;
}

type GcraReply = [number, number, number, number];

interface RedisWithGcra extends Redis {
  vexoraKeyGcra(key: string, emissionMs: number, burst: number, cost: number): Promise<GcraReply>;
}

export class RateLimitTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`the rate-limit check took more than ${timeoutMs} ms`);
    this.name = 'RateLimitTimeoutError';
  }
}

export const DEFAULT_RATE_LIMIT_KEY_PREFIX = 'vexora-checkout:api-rate';

export function createKeyRateLimiter(redis: Redis, options: KeyRateLimiterOptions): KeyRateLimiter {
  if (!(options.tokensPerSecond > 0) || !(options.burst >= 1)) {
    throw new Error('a rate limiter needs tokensPerSecond > 0 and burst >= 1');
  }
  if (!('vexoraKeyGcra' in redis)) redis.defineCommand('vexoraKeyGcra', { numberOfKeys: 1, lua: KEY_GCRA });
  const client = redis as RedisWithGcra;
  const emissionMs = 1_000 / options.tokensPerSecond;
  const prefix = options.keyPrefix ?? DEFAULT_RATE_LIMIT_KEY_PREFIX;

  return {
    limit: options.burst,
    take: async (keyId, cost) => {
      const tokens = Math.min(Math.max(1, Math.ceil(cost)), options.burst);
      let timer: NodeJS.Timeout | undefined;
      try {
        const reply = await Promise.race([
          client.vexoraKeyGcra(`${prefix}:${keyId}`, emissionMs, options.burst, tokens),
          new Promise<never>((_resolve, reject) => {
            timer = setTimeout(() => reject(new RateLimitTimeoutError(options.timeoutMs)), options.timeoutMs);
          }),
        ]);
        const [admitted, remaining, retryAfterMs, resetMs] = reply.map(Number) as GcraReply;
        return { admitted: admitted === 1, limit: options.burst, remaining, retryAfterMs, resetMs };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * The rate limiter's own connection: it never queues commands while disconnected (they fail at
 * once and the request goes through) and gives up on a command after `timeoutMs`.
 */
export function createRateLimitRedis(redisUrl: string, timeoutMs: number): Redis {
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: 2_000,
    connectionName: 'vexora-api-rate-limit',
  });
  redis.on('error', () => undefined); // the middleware reports failed checks; reconnects go on
  return redis;
}
