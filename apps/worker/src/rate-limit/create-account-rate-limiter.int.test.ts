import { describe, expect, test } from '@vexora-checkout/testing';
import { createAccountRateLimiter } from './create-account-rate-limiter.js';

describe('createAccountRateLimiter', () => {
  test('lets a burst through, then spaces requests by the rate, per account', async ({
    createRedis,
    bullmq,
  }) => {
    const redis = createRedis();
    const limiter = createAccountRateLimiter(redis, {
      keyPrefix: bullmq.prefix,
      requestsPerSecond: (account) => (account === 'slow' ? 10 : 0),
      burst: 3,
    });
    const waits = [];
    for (let index = 0; index < 4; index += 1) waits.push(await limiter.tryAcquire('slow'));
    // Three fit the burst; the fourth must wait about one interval (100 ms at 10/s).
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(0);
    expect(waits[3]).toBeLessThanOrEqual(100);
    // Another account has its own budget; a rate of 0 means unlimited.
    expect(await limiter.tryAcquire('fast')).toBe(0);
    await redis.quit();
  });

  test('shares one budget between limiters (several worker processes)', async ({ createRedis, bullmq }) => {
    const [a, b] = [createRedis(), createRedis()];
    const options = { keyPrefix: bullmq.prefix, requestsPerSecond: () => 5, burst: 2 };
    const first = createAccountRateLimiter(a, options);
    const second = createAccountRateLimiter(b, options);
    expect([await first.tryAcquire('m'), await second.tryAcquire('m')]).toEqual([0, 0]);
    expect(await first.tryAcquire('m')).toBeGreaterThan(0);
    expect(await second.tryAcquire('m')).toBeGreaterThan(0);
    await Promise.all([a.quit(), b.quit()]);
  });

  test('acquire waits for the slot instead of failing', async ({ createRedis, bullmq }) => {
    const redis = createRedis();
    const limiter = createAccountRateLimiter(redis, {
      keyPrefix: bullmq.prefix,
      requestsPerSecond: () => 50,
      burst: 1,
    });
    await limiter.acquire('m');
    await limiter.acquire('m'); // had to wait ~20 ms, then took the slot
    expect(await limiter.tryAcquire('m')).toBeGreaterThan(0);
    await redis.quit();
  });
});
