import { randomBytes } from 'node:crypto';
import {
  Queue,
  QueueEvents,
  Worker,
  type ConnectionOptions,
  type Processor,
  type QueueOptions,
  type WorkerOptions,
} from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { inject, test as baseTest } from 'vitest';
import { countServiceSockets, waitForServiceSockets } from './count-service-sockets.js';
import { createDatabase, dropDatabase, uniqueDatabaseName } from './manage-databases.js';
import type { TestServices } from './test-services-context.js';
import { ResourceTracker } from './track-resources.js';

/** BullMQ objects bound to the test's own prefix and tracked for leaks. */
export interface BullmqKit {
  /** Unique per test: two tests never see each other's queues, even on one Redis. */
  prefix: string;
  connection: ConnectionOptions;
  createQueue(name: string, options?: Partial<QueueOptions>): Queue;
  createWorker<Data = unknown, Result = unknown>(
    name: string,
    processor: Processor<Data, Result>,
    options?: Partial<WorkerOptions>,
  ): Worker<Data, Result>;
  createQueueEvents(name: string): QueueEvents;
}

export interface HarnessFixtures {
  services: TestServices;
  adminDatabaseUrl: string;
  redisUrl: string;
  /** This test file's database, cloned from the migrated template; dropped after the file. */
  databaseUrl: string;
  /** A brand new empty database (no migrations), dropped after the test. */
  createEmptyDatabase: () => Promise<string>;
  resources: ResourceTracker;
  /** A Redis connection closed for you if the test forgets (and the test then fails). */
  createRedis: (options?: RedisOptions) => Redis;
  bullmq: BullmqKit;
  leakCheck: void;
}

function portOf(url: string, fallback: number): number {
  const port = new URL(url).port;
  return port ? Number(port) : fallback;
}

function redisOptions(redisUrl: string): RedisOptions & ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: portOf(redisUrl, 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    // BullMQ workers block on Redis; it requires this to be null.
    maxRetriesPerRequest: null,
  };
}

/**
 * The integration test API. Use it instead of vitest's `test` in `*.int.test.ts` files:
 *
 *   test('round-trips a job', async ({ bullmq }) => { ... });
 *
 * Every test also runs a leak check: what it opened through `createRedis` or `bullmq` must be
 * closed, and no connection it opened to the test PostgreSQL or Redis may outlive it.
 */
export const test = baseTest.extend<HarnessFixtures>({
  // eslint-disable-next-line no-empty-pattern
  services: [async ({}, use) => use(inject('testServices')), { scope: 'file' }],
  adminDatabaseUrl: [async ({ services }, use) => use(services.adminDatabaseUrl), { scope: 'file' }],
  redisUrl: [async ({ services }, use) => use(services.redisUrl), { scope: 'file' }],

  databaseUrl: [
    async ({ services }, use) => {
      const name = uniqueDatabaseName('test');
      const url = await createDatabase(services.adminDatabaseUrl, name, services.templateDatabase);
      await use(url);
      await dropDatabase(services.adminDatabaseUrl, name);
    },
    { scope: 'file' },
  ],

  createEmptyDatabase: async ({ adminDatabaseUrl }, use) => {
    const created: string[] = [];
    await use(async () => {
      const name = uniqueDatabaseName('empty');
      created.push(name);
      return createDatabase(adminDatabaseUrl, name);
    });
    for (const name of created) await dropDatabase(adminDatabaseUrl, name);
  },

  // eslint-disable-next-line no-empty-pattern
  resources: async ({}, use) => {
    const tracker = new ResourceTracker();
    await use(tracker);
    await tracker.closeAndAssertNoLeaks();
  },

  createRedis: async ({ redisUrl, resources }, use) => {
    await use((options) =>
      resources.track(new Redis({ ...redisOptions(redisUrl), ...options }), {
        label: 'Redis connection',
        isClosed: (redis) => redis.status === 'end',
        // quit() resolves on the server's reply; the socket ends a moment later.
        close: (redis) =>
          new Promise<void>((resolve) => {
            redis.once('end', () => resolve());
            redis.quit().catch(() => redis.disconnect());
          }),
      }),
    );
  },

  bullmq: async ({ redisUrl, resources }, use) => {
    const prefix = `test-${randomBytes(5).toString('hex')}`;
    const connection = redisOptions(redisUrl);
    const closing = (item: { closing: Promise<void> | undefined }) => item.closing !== undefined;
    await use({
      prefix,
      connection,
      createQueue: (name, options) =>
        resources.track(new Queue(name, { ...options, connection, prefix }), {
          label: `BullMQ Queue '${name}'`,
          isClosed: closing,
          close: (queue) => queue.close(),
        }),
      createWorker: (name, processor, options) =>
        resources.track(new Worker(name, processor, { ...options, connection, prefix }), {
          label: `BullMQ Worker '${name}'`,
          isClosed: closing,
          close: (worker) => worker.close(true),
        }),
      createQueueEvents: (name) =>
        resources.track(new QueueEvents(name, { connection, prefix }), {
          label: `BullMQ QueueEvents '${name}'`,
          isClosed: closing,
          close: (events) => events.close(),
        }),
    });
    // Leave nothing of this test in Redis.
    const cleaner = new Redis(connection);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await cleaner.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      await cleaner.quit();
    }
  },

  // Automatic, per file: when the file is done (its afterAll hooks included), no connection it
  // opened to the test PostgreSQL or Redis may remain. Per file rather than per test, because a
  // pool opened in beforeAll legitimately grows during the tests that share it.
  leakCheck: [
    async ({ services }, use) => {
      const ports = new Set([portOf(services.adminDatabaseUrl, 5432), portOf(services.redisUrl, 6379)]);
      const before = countServiceSockets(ports);
      await use();
      if (before === undefined) return;
      const after = await waitForServiceSockets(ports, before);
      if (after !== undefined && after > before) {
        throw new Error(
          `This test file left ${after - before} connection(s) to the test PostgreSQL/Redis open: ` +
            'disconnect every client, pool and Prisma client it created (in the test, or in afterAll).',
        );
      }
    },
    { auto: true, scope: 'file' },
  ],
});

export { afterAll, afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';
