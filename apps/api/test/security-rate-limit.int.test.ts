// Per-key rate limits, against the real app, database and Redis: over its budget a key gets a 429
// problem with Retry-After and nothing is done, other keys go on; two api processes share one
// budget; a batch costs one token per started 100 items; and when Redis is away or too slow the
// requests are served anyway (fail open), counted and logged without the key.
import net from 'node:net';
import { createPrismaClient } from '@vexora-checkout/db';
import {
  expect,
  runAppUntilListening,
  startTcpProxy,
  test,
  waitUntil,
  type HarnessFixtures,
} from '@vexora-checkout/testing';
import type { Redis } from 'ioredis';
import {
  createVexoraCheckoutClient,
  type CreateCheckoutInput,
  type RetryNotice,
} from '../../../packages/client/src/index.js';
import { createApiKey } from '../src/auth/manage-api-keys.js';
import { buildOpenApiDocument } from '../src/openapi/build-openapi-document.js';
import { problemSchema } from '../src/openapi/api-response-schemas.js';
import { validateJsonSchema } from '../src/openapi/validate-json-schema.js';
import {
  createKeyRateLimiter,
  createRateLimitRedis,
  type KeyRateLimiterOptions,
} from '../src/rate-limit/create-key-rate-limiter.js';
import { startTestApi, validCheckout, type TestApi } from './start-test-api.js';

type Answer = Awaited<ReturnType<TestApi['request']>>;

/** The test api with a rate limiter as main.ts wires it, on its own connection to `redisUrl`. */
async function startLimitedApi(
  context: Pick<HarnessFixtures, 'databaseUrl' | 'resources' | 'bullmq'>,
  redisUrl: string,
  limits: Limits,
) {
  const timeoutMs = limits.timeoutMs ?? 200;
  const redis: Redis = context.resources.track(createRateLimitRedis(redisUrl, timeoutMs), {
    label: 'rate-limit Redis connection',
    isClosed: (connection) => connection.status === 'end' || stoppedWhileReconnecting.has(connection),
    close: disconnect,
  });
  const api = await startTestApi(context.databaseUrl, {
    rateLimiter: createKeyRateLimiter(redis, { ...limits, timeoutMs, keyPrefix: context.bullmq.prefix }),
  });
  await waitUntil(
    () => redis.status,
    (status) => status === 'ready',
    { what: 'the rate-limit Redis connection' },
  );
  return {
    url: api.url,
    prisma: api.prisma,
    logs: api.logs,
    newKey: async () => (await api.newClient()).key,
    call: (path: string, key: string, body?: unknown, idempotencyKey?: string): Promise<Answer> =>
      api.request(path, { key, body, ...(idempotencyKey ? { idempotencyKey } : {}) }),
    failedOpenChecks: async () => {
      const metric = await api.metrics.registry.getSingleMetric('api_rate_limit_checks_total')?.get();
      return metric?.values.find((value) => value.labels.result === 'failed_open')?.value ?? 0;
    },
    close: async () => {
      await api.close();
      await disconnect(redis);
    },
  };
}

type Limits = Omit<KeyRateLimiterOptions, 'keyPrefix' | 'timeoutMs'> & { timeoutMs?: number };
type LimitedApi = Awaited<ReturnType<typeof startLimitedApi>>;

/** `startLimitedApi` as a fixture: what a test starts is closed after it, whatever happened. */
const limitedTest = test.extend<{
  startLimitedApi: (limits: Limits, redisUrl?: string) => Promise<LimitedApi>;
}>({
  startLimitedApi: async ({ databaseUrl, redisUrl, resources, bullmq }, use) => {
    const started: LimitedApi[] = [];
    await use(async (limits, url = redisUrl) => {
      const api = await startLimitedApi({ databaseUrl, resources, bullmq }, url, limits);
      started.push(api);
      return api;
    });
    for (const api of started) await api.close();
  },
});

/** Connections disconnected between reconnection attempts: ioredis never emits 'end' for those. */
const stoppedWhileReconnecting = new WeakSet<Redis>();

/** Disconnects and resolves once the connection is closed for good. */
function disconnect(redis: Redis): Promise<void> {
  if (redis.status === 'end' || stoppedWhileReconnecting.has(redis)) return Promise.resolve();
  if (redis.status === 'reconnecting') {
    // No socket, only a reconnection timer, which disconnect() clears: nothing is left open.
    redis.disconnect();
    stoppedWhileReconnecting.add(redis);
    return Promise.resolve();
  }
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  redis.disconnect();
  return ended;
}

const budget = (answer: Answer) => ({
  limit: answer.headers.get('ratelimit-limit'),
  remaining: answer.headers.get('ratelimit-remaining'),
});

function expectRateLimited(answer: Answer) {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(problemSchema.parse(answer.body).code).toBe('rate_limited');
  const retryAfter = answer.headers.get('retry-after');
  expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
  expect(answer.body.retryAfterSeconds).toBe(Number(retryAfter));
  // What is left, which is less than the request costs (a refusal takes nothing).
  expect(answer.headers.get('ratelimit-remaining')).toMatch(/^[0-9]+$/);
}

limitedTest(
  'over its budget a key gets 429 with Retry-After and nothing is created; other keys are unaffected; after Retry-After the same request succeeds',
  async ({ startLimitedApi }) => {
    const api = await startLimitedApi({
      tokensPerSecond: 0.2, // a token per 5 s: the first four requests come well within it
      burst: 3,
    });
    const [busy, quiet] = [await api.newKey(), await api.newKey()];
    const answers = [];
    for (let index = 0; index < 3; index += 1) answers.push(await api.call('/v1/checkouts', busy));
    expect(answers.map((answer) => [answer.status, budget(answer)])).toEqual([
      [200, { limit: '3', remaining: '2' }],
      [200, { limit: '3', remaining: '1' }],
      [200, { limit: '3', remaining: '0' }],
    ]);

    const refused = await api.call('/v1/checkouts', busy, validCheckout(), 'limited-create');
    expectRateLimited(refused);
    // A token comes every 5 s, so the wait is at most that, rounded up to whole seconds.
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    // The answer is the one the OpenAPI document gives for this operation.
    const documented = buildOpenApiDocument().paths['/v1/checkouts']?.post?.responses['429'];
    expect(Object.keys(documented?.content?.['application/problem+json']?.examples ?? {})).toEqual([
      'rate_limited',
    ]);
    expect(
      validateJsonSchema(
        { $ref: '#/components/schemas/Problem' },
        refused.body,
        buildOpenApiDocument().components.schemas,
      ),
    ).toEqual([]);
    expect(await api.prisma.checkoutIntent.count()).toBe(0);
    expect(await api.prisma.idempotencyKey.count()).toBe(0);

    // Another key has its own budget.
    const other = await api.call('/v1/checkouts', quiet);
    expect([other.status, budget(other)]).toEqual([200, { limit: '3', remaining: '2' }]);

    // Refused requests take nothing: retrying until admitted (at most 5 s) creates it once.
    const created = await waitUntil(
      () => api.call('/v1/checkouts', busy, validCheckout(), 'limited-create'),
      (answer) => answer.status !== 429,
      { timeoutMs: 15_000, intervalMs: 200, what: 'the key to earn a token' },
    );
    expect(created.status).toBe(202);
    expect(await api.prisma.checkoutIntent.count()).toBe(1);
  },
);

limitedTest(
  'the typed client waits out Retry-After on a 429 and then succeeds, with the same idempotency key',
  async ({ startLimitedApi }) => {
    const api = await startLimitedApi({
      tokensPerSecond: 0.2,
      burst: 1,
    });
    const retries: RetryNotice[] = [];
    const client = createVexoraCheckoutClient({
      baseUrl: api.url,
      apiKey: await api.newKey(),
      onRetry: (notice) => retries.push(notice),
    });
    const first = await client.createCheckout(validCheckout() as CreateCheckoutInput);
    const second = await client.createCheckout(validCheckout() as CreateCheckoutInput);
    expect([first.replayed, second.replayed]).toEqual([false, false]);
    expect(second.intent.id).not.toBe(first.intent.id);
    // The second create was refused first, then sent again after the delay the api asked for.
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ method: 'POST', path: '/v1/checkouts', reason: '429 rate_limited' });
    expect([1_000, 2_000, 3_000, 4_000, 5_000]).toContain(retries[0]?.delayMs);
    // One key, one intent: the refused attempt stored nothing under the key, the retry created it.
    expect(
      await api.prisma.idempotencyKey.findMany({
        where: { key: { in: [first.idempotencyKey, second.idempotencyKey] } },
        select: { key: true, responseStatus: true },
        orderBy: { createdAt: 'asc' },
      }),
    ).toEqual([
      { key: first.idempotencyKey, responseStatus: 202 },
      { key: second.idempotencyKey, responseStatus: 202 },
    ]);
  },
);

limitedTest('two api processes share one budget per key', async ({ startLimitedApi }) => {
  const limits = { tokensPerSecond: 0.01, burst: 4 };
  const first = await startLimitedApi(limits);
  const second = await startLimitedApi(limits);
  const key = await first.newKey();
  const statuses = [];
  for (const api of [first, second, first, second, first, second]) {
    statuses.push((await api.call('/v1/events', key)).status);
  }
  expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
});

limitedTest(
  'a batch costs one token per started 100 items, at most the burst',
  async ({ startLimitedApi }) => {
    const api = await startLimitedApi({
      tokensPerSecond: 0.01,
      burst: 10,
    });
    const key = await api.newKey();
    const batch = (size: number, tag: string) => ({
      items: Array.from({ length: size }, (_, index) => ({
        idempotencyKey: `${tag}-${index}`,
        checkout: validCheckout(),
      })),
    });
    const before = await api.prisma.checkoutIntent.count();
    const of250 = await api.call('/v1/checkouts/batch', key, batch(250, 'a'));
    expect([of250.status, budget(of250)]).toEqual([200, { limit: '10', remaining: '7' }]);
    const of1 = await api.call('/v1/checkouts/batch', key, batch(1, 'b'));
    expect([of1.status, budget(of1)]).toEqual([200, { limit: '10', remaining: '6' }]);
    // 1,000 items would cost 10: more than is left, so refused, and nothing of it is created.
    expectRateLimited(await api.call('/v1/checkouts/batch', key, batch(1_000, 'c')));
    expect((await api.prisma.checkoutIntent.count()) - before).toBe(251);

    // On a fresh key, a batch that costs more than the burst costs the burst: possible, not free.
    const fresh = await api.newKey();
    const whole = await api.call('/v1/checkouts/batch', fresh, batch(1_000, 'd'));
    expect([whole.status, budget(whole)]).toEqual([200, { limit: '10', remaining: '0' }]);
  },
);

limitedTest(
  'with Redis unreachable, requests are served unlimited, counted and logged at warn without the key; limits resume when it returns',
  async ({ startLimitedApi, redisUrl }) => {
    const proxy = await startTcpProxy({
      host: new URL(redisUrl).hostname,
      port: Number(new URL(redisUrl).port),
    });
    const api = await startLimitedApi({ tokensPerSecond: 0.01, burst: 2 }, proxy.rewrite(redisUrl));
    try {
      const key = await api.newKey();
      expect((await api.call('/v1/events', key)).status).toBe(200);
      await proxy.cut();

      // Four requests, twice the burst: all served, none with budget headers (nothing was counted).
      for (let index = 0; index < 4; index += 1) {
        const answer = await api.call('/v1/checkouts', key, validCheckout(), `down-${index}`);
        expect(answer.status).toBe(202);
        expect(answer.headers.get('ratelimit-remaining')).toBeNull();
      }
      expect(await api.failedOpenChecks()).toBe(4);
      const warnings = api.logs.filter((line) => String(line.msg).startsWith('rate-limit check failed'));
      expect(warnings).toHaveLength(1); // one line per 10 s, however many requests failed open
      expect(warnings[0]).toMatchObject({ level: 'warn', failures: 1 });
      expect(warnings[0]?.reason).toEqual(expect.any(String));
      const logged = JSON.stringify(api.logs);
      expect(logged).not.toContain(key);
      expect(logged).not.toContain(key.slice(4, 20));

      // Redis back: the key's bucket (1 token left of 2) is enforced again.
      await proxy.restore();
      const limited = await waitUntil(
        () => api.call('/v1/events', key),
        (answer) => answer.status === 429,
        { what: 'limits enforced again after Redis returned' },
      );
      expectRateLimited(limited);
    } finally {
      await proxy.close();
    }
  },
);

/** A relay to Redis that can stop forwarding commands: Redis "slow" for one connection. */
async function startStallingRelay(target: URL) {
  let stalled = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
    }
    client.on('data', (chunk) => {
      if (!stalled) upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    stall: () => {
      stalled = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

limitedTest(
  'with Redis too slow, a request waits at most the timeout, then is served',
  async ({ startLimitedApi, redisUrl }) => {
    const relay = await startStallingRelay(new URL(redisUrl));
    const api = await startLimitedApi({ tokensPerSecond: 0.01, burst: 1, timeoutMs: 100 }, relay.url);
    try {
      const key = await api.newKey();
      expect((await api.call('/v1/events', key)).status).toBe(200);
      expectRateLimited(await api.call('/v1/events', key));
      relay.stall();
      const served = await api.call('/v1/checkouts', key, validCheckout(), 'slow-redis');
      expect(served.status).toBe(202);
      expect(await api.failedOpenChecks()).toBe(1);
    } finally {
      await relay.close();
    }
  },
);

test('the api process (main.ts) limits per key as configured, and stops cleanly', async ({
  databaseUrl,
  redisUrl,
}) => {
  const prisma = createPrismaClient({ databaseUrl, poolSize: 1 });
  const { app, port } = await runAppUntilListening('apps/api/src/main.ts', {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    API_PORT: '0',
    API_RATE_LIMIT_PER_SECOND: '0.01',
    API_RATE_LIMIT_BURST: '2',
  });
  try {
    const { key } = await createApiKey(prisma, {
      name: 'main-limited',
      clientId: `main-limited-${process.pid}`,
      accountIds: ['sandbox-usd'],
      knownAccountIds: ['sandbox-usd', 'sandbox-khr'],
    });
    const call = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        headers: { authorization: `Bearer ${key}` },
      });
      await response.arrayBuffer();
      return response;
    };
    // The limiter's connection may still be opening: until then requests pass uncounted.
    const first = await waitUntil(call, (response) => response.headers.get('ratelimit-limit') !== null, {
      what: 'a counted request',
    });
    expect([first.status, first.headers.get('ratelimit-remaining')]).toEqual([200, '1']);
    expect((await call()).status).toBe(200);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  } finally {
    expect(await app.stop('SIGTERM')).toBe(0);
    await prisma.$disconnect();
  }
});
