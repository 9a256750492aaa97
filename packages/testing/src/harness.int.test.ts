import pg from 'pg';
import { describe, expect, test } from './test.js';
import { countServiceSockets, waitForServiceSockets } from './count-service-sockets.js';
import { LeakError } from './track-resources.js';

describe('BullMQ through the harness', () => {
  test('round-trips a job through a real Redis under the test prefix', async ({ bullmq, createRedis }) => {
    const queue = bullmq.createQueue('round-trip');
    const events = bullmq.createQueueEvents('round-trip');
    const worker = bullmq.createWorker<{ amount: string }, string>('round-trip', (job) =>
      Promise.resolve(`paid ${job.data.amount}`),
    );
    await events.waitUntilReady();
    await worker.waitUntilReady();

    const job = await queue.add('pay', { amount: '12.50' });
    await expect(job.waitUntilFinished(events, 10_000)).resolves.toBe('paid 12.50');

    // The queue really lives in Redis, under this test's prefix and nowhere else.
    const redis = createRedis();
    const keys = await redis.keys(`${bullmq.prefix}:round-trip:*`);
    expect(keys.length).toBeGreaterThan(0);
    await Promise.all([worker.close(), events.close(), queue.close(), redis.quit()]);
  });

  test('gives each test its own prefix', ({ bullmq }) => {
    expect(bullmq.prefix).toMatch(/^test-[0-9a-f]{10}$/);
  });

  test('fails a test that leaves a worker or a connection open, and closes them', async ({
    bullmq,
    createRedis,
    resources,
  }) => {
    const worker = bullmq.createWorker('forgotten', () => Promise.resolve('never'));
    const redis = createRedis();
    await worker.waitUntilReady();
    const check = resources.closeAndAssertNoLeaks();
    await expect(check).rejects.toThrow(LeakError);
    await expect(check).rejects.toThrow(/BullMQ Worker 'forgotten'.*Redis connection/);
    expect(worker.closing).toBeDefined();
    expect(redis.status).toBe('end');
  });
});

describe('PostgreSQL through the harness', () => {
  test('gives each file a migrated database of its own', async ({ databaseUrl, services }) => {
    expect(new URL(databaseUrl).pathname).not.toBe(`/${services.templateDatabase}`);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const migrations = await client.query<{ count: string }>(
        'SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL',
      );
      expect(Number(migrations.rows[0]?.count)).toBeGreaterThan(0);
      const tables = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['checkout_intent', 'outbox_event', 'status_history']),
      );
    } finally {
      await client.end();
    }
  });

  test('creates empty databases on demand', async ({ createEmptyDatabase }) => {
    const client = new pg.Client({ connectionString: await createEmptyDatabase() });
    await client.connect();
    try {
      const tables = await client.query(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  test('sees a connection the test opened and its closing', async ({ databaseUrl, services }) => {
    const ports = new Set([Number(new URL(services.adminDatabaseUrl).port)]);
    const before = countServiceSockets(ports);
    expect(before).toBeDefined();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    expect(countServiceSockets(ports)).toBe((before ?? 0) + 1);
    await client.end();
    await expect(waitForServiceSockets(ports, before ?? 0)).resolves.toBe(before);
  });
});
