import pg from 'pg';
import { afterAll, beforeEach, describe, expect, test, waitUntil } from '@vexora-checkout/testing';
import {
  countJobs,
  countOutbox,
  createRecordingLogger,
  insertOutboxEvents,
  startCuttableQueue,
} from '../../test/outbox-test-support.js';
import { CHECKOUT_SUBMIT_QUEUE, submitJobId } from './outbox-routes.js';
import { startOutboxRelay, type OutboxRelay, type StartOutboxRelayOptions } from './run-outbox-relay.js';

let pool: pg.Pool;
let databaseUrl: string;

test.beforeAll(({ databaseUrl: url }) => {
  databaseUrl = url;
  pool = new pg.Pool({ connectionString: url, max: 4 });
});
afterAll(async () => {
  await pool.end();
});
beforeEach(async () => {
  await pool.query('TRUNCATE outbox_event, checkout_intent CASCADE');
});

const idle = (relay: OutboxRelay) =>
  waitUntil(
    () => relay.stats(),
    (stats) => stats.drains >= 1 && !stats.draining,
    { what: 'the relay to finish its first drain' },
  );

function problems(logger: ReturnType<typeof createRecordingLogger>) {
  return logger.entries.filter((entry) => entry.level === 'warn' || entry.level === 'error');
}

async function relayBackends(): Promise<{ pid: number; application_name: string }[]> {
  const result = await pool.query<{ pid: number; application_name: string }>(
    `SELECT pid, application_name FROM pg_stat_activity
     WHERE datname = current_database() AND application_name LIKE 'vexora-outbox-relay%'`,
  );
  return result.rows;
}

describe('startOutboxRelay', () => {
  test('a NOTIFY wakes it at once, long before its next poll', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const logger = createRecordingLogger();
    const relay = await startOutboxRelay({
      databaseUrl,
      queues: { [CHECKOUT_SUBMIT_QUEUE]: queue },
      logger,
      pollIntervalMs: 60_000,
    });
    try {
      await idle(relay);
      const started = Date.now();
      const [event] = await insertOutboxEvents(pool, 1, { notify: true });
      await waitUntil(
        () => queue.getJob(submitJobId(event?.intentId ?? '', 0)),
        (job) => job !== undefined,
        { timeoutMs: 2_000, what: 'the job after a NOTIFY' },
      );
      const latencyMs = Date.now() - started;
      console.log(`[outbox relay] NOTIFY to job in ${latencyMs} ms`);
      // The job is added before the relay's transaction commits; the count follows the commit.
      await waitUntil(
        () => relay.publishedTotal(),
        (total) => total >= 1,
        { timeoutMs: 2_000, what: 'the commit of the published batch' },
      );
      expect(relay.publishedTotal()).toBe(1);
      expect(await countOutbox(pool)).toEqual({ published: 1, unpublished: 0 });
      expect(problems(logger)).toEqual([]);
    } finally {
      await relay.stop();
      await queue.close();
    }
  });

  test('polls when no NOTIFY comes', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const relay = await startOutboxRelay({
      databaseUrl,
      queues: { [CHECKOUT_SUBMIT_QUEUE]: queue },
      logger: createRecordingLogger(),
      pollIntervalMs: 100,
    });
    try {
      await idle(relay);
      await insertOutboxEvents(pool, 3, { notify: false });
      await waitUntil(
        () => countOutbox(pool),
        (counts) => counts.published === 3,
        { timeoutMs: 5_000, what: 'the rows to be published by polling' },
      );
      expect(await countJobs(queue)).toBe(3);
    } finally {
      await relay.stop();
      await queue.close();
    }
  });

  test('two relays at once publish every row exactly once', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const loggers = [createRecordingLogger(), createRecordingLogger()];
    await insertOutboxEvents(pool, 1_000); // a backlog both find at start
    const options = (logger: StartOutboxRelayOptions['logger']): StartOutboxRelayOptions => ({
      databaseUrl,
      queues: { [CHECKOUT_SUBMIT_QUEUE]: queue },
      logger,
      batchSize: 50,
      pollIntervalMs: 1_000,
    });
    const relays = await Promise.all(loggers.map((logger) => startOutboxRelay(options(logger))));
    try {
      // And rows arriving while both drain, announced as the api does.
      for (let chunk = 0; chunk < 10; chunk += 1) await insertOutboxEvents(pool, 100, { notify: true });
      await waitUntil(
        () => countOutbox(pool),
        (counts) => counts.published === 2_000,
        { timeoutMs: 20_000, what: 'every row to be published' },
      );
      const totals = relays.map((relay) => relay.publishedTotal());
      console.log(`[outbox relay] two relays published ${totals.join(' + ')} rows`);
      expect(totals.reduce((sum, total) => sum + total, 0)).toBe(2_000);
      const attempts = await pool.query<{ attempts: number; rows: number }>(
        'SELECT publish_attempts AS attempts, count(*)::int AS rows FROM outbox_event GROUP BY 1',
      );
      expect(attempts.rows).toEqual([{ attempts: 1, rows: 2_000 }]);
      expect(await countJobs(queue)).toBe(2_000);
      expect(loggers.flatMap(problems)).toEqual([]);
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
      await queue.close();
    }
  });

  test('keeps rows in the outbox while Redis is away, and publishes them when it is back', async ({
    bullmq,
    redisUrl,
  }) => {
    const cuttable = await startCuttableQueue(redisUrl, bullmq);
    const { queue, observer, proxy } = cuttable;
    const logger = createRecordingLogger();
    let relay: OutboxRelay | undefined;
    try {
      await queue.waitUntilReady();
      relay = await startOutboxRelay({
        databaseUrl,
        queues: { [CHECKOUT_SUBMIT_QUEUE]: queue },
        logger,
        pollIntervalMs: 60_000,
        publishTimeoutMs: 300,
        maxBackoffMs: 300,
      });
      await idle(relay);
      await proxy.cut();
      await insertOutboxEvents(pool, 30, { notify: true });
      const running = relay;
      await waitUntil(
        () => running.stats(),
        (stats) => stats.failedDrains >= 2,
        { what: 'failed drains while Redis is away' },
      );
      expect(await countOutbox(pool)).toEqual({ published: 0, unpublished: 30 });
      expect(problems(logger).map((entry) => entry.msg)).toContain(
        'outbox relay: publishing failed; rows stay in the outbox and are retried',
      );

      await proxy.restore();
      // Nothing notifies now: the retry backoff alone brings the rows out.
      await waitUntil(
        () => countOutbox(pool),
        (counts) => counts.published === 30,
        { timeoutMs: 15_000, what: 'the rows to be published after Redis is back' },
      );
      expect(await countJobs(observer)).toBe(30);
      await waitUntil(
        () => running.stats(),
        (stats) => stats.consecutiveFailures === 0,
      );
    } finally {
      await relay?.stop();
      await cuttable.close();
    }
  });

  test('re-establishes a lost LISTEN connection, and notifications work again', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const logger = createRecordingLogger();
    const relay = await startOutboxRelay({
      databaseUrl,
      queues: { [CHECKOUT_SUBMIT_QUEUE]: queue },
      logger,
      pollIntervalMs: 60_000,
      maxBackoffMs: 200,
    });
    try {
      await idle(relay);
      const [listener] = (await relayBackends()).filter((row) => row.application_name.endsWith(':listen'));
      expect(listener).toBeDefined();
      await pool.query('SELECT pg_terminate_backend($1)', [listener?.pid]);

      await waitUntil(
        () => relayBackends(),
        (rows) => rows.some((row) => row.application_name.endsWith(':listen') && row.pid !== listener?.pid),
        { what: 'a new LISTEN connection' },
      );
      await waitUntil(
        () => relay.stats(),
        (stats) => stats.listening && !stats.draining,
      );
      const [event] = await insertOutboxEvents(pool, 1, { notify: true });
      await waitUntil(
        () => queue.getJob(submitJobId(event?.intentId ?? '', 0)),
        (job) => job !== undefined,
        { timeoutMs: 2_000, what: 'the job after a NOTIFY on the new connection' },
      );
      expect(logger.entries.map((entry) => entry.msg)).toEqual(
        expect.arrayContaining([
          'outbox relay: LISTEN connection lost; polling until it is back',
          'outbox relay: LISTEN connection re-established',
        ]),
      );
    } finally {
      await relay.stop();
      await queue.close();
    }
  });

  test('prunes published rows past the retention period, and reports rows no route publishes', async ({
    bullmq,
  }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const logger = createRecordingLogger();
    const day = 24 * 60 * 60 * 1000;
    await insertOutboxEvents(pool, 5, { publishedAgoMs: 8 * day });
    const recent = await insertOutboxEvents(pool, 2, { publishedAgoMs: day });
    const [unrouted] = await insertOutboxEvents(pool, 1, { eventType: 'checkout.teleport' });
    const relay = await startOutboxRelay({
      databaseUrl,
      queues: { [CHECKOUT_SUBMIT_QUEUE]: queue },
      logger,
      retentionMs: 7 * day,
      pruneIntervalMs: 50,
    });
    try {
      await waitUntil(
        async () => (await pool.query<{ id: string }>('SELECT id::text FROM outbox_event ORDER BY id')).rows,
        (rows) => rows.length === 3,
        { what: 'the old published rows to be pruned' },
      );
      const left = await pool.query<{ id: string }>('SELECT id::text FROM outbox_event ORDER BY id');
      expect(left.rows.map((row) => row.id)).toEqual([...recent, unrouted].map((event) => event?.id));
      expect(logger.entries).toContainEqual({
        level: 'error',
        obj: { eventType: 'checkout.teleport', count: 1 },
        msg: 'outbox relay: unpublished outbox rows of an event type no route publishes; they stay in the outbox',
      });
      expect(await relay.lagMs()).toBeGreaterThanOrEqual(0);
    } finally {
      await relay.stop();
      await queue.close();
    }
  });

  test('fails to start, leaving nothing open, without PostgreSQL or without a queue', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const unreachable = new URL(databaseUrl);
    unreachable.port = '1';
    await expect(
      startOutboxRelay({
        databaseUrl: unreachable.toString(),
        queues: { [CHECKOUT_SUBMIT_QUEUE]: queue },
        logger: createRecordingLogger(),
      }),
    ).rejects.toThrow();
    await expect(
      startOutboxRelay({ databaseUrl, queues: {}, logger: createRecordingLogger() }),
    ).rejects.toThrow(/no queue given for checkout-submit/);
    expect(await relayBackends()).toEqual([]);
    await queue.close();
  });

  test('stop() waits for the drain in progress and closes every connection', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    await insertOutboxEvents(pool, 3_000);
    const relay = await startOutboxRelay({
      databaseUrl,
      queues: { [CHECKOUT_SUBMIT_QUEUE]: queue },
      logger: createRecordingLogger(),
      batchSize: 100,
    });
    await waitUntil(
      () => relay.publishedTotal(),
      (published) => published > 0,
    );
    await relay.stop();
    await relay.stop(); // idempotent

    // Whatever was published is in the queue, the rest is untouched, and no row is left locked.
    const counts = await countOutbox(pool);
    expect(counts.published + counts.unpublished).toBe(3_000);
    expect(counts.published).toBe(relay.publishedTotal());
    expect(await countJobs(queue)).toBe(counts.published);
    const locked = await pool.query(
      'SELECT id FROM outbox_event WHERE published_at IS NULL FOR UPDATE SKIP LOCKED',
    );
    expect(locked.rowCount).toBe(counts.unpublished);
    await waitUntil(
      () => relayBackends(),
      (rows) => rows.length === 0,
      { what: 'the relay connections to close' },
    );
    await queue.close();
  });

  test('drains a 10,000-row backlog (throughput printed, not asserted)', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    await insertOutboxEvents(pool, 10_000);
    const started = performance.now();
    const relay = await startOutboxRelay({
      databaseUrl,
      queues: { [CHECKOUT_SUBMIT_QUEUE]: queue },
      logger: createRecordingLogger(),
    });
    try {
      await waitUntil(
        () => relay.publishedTotal(),
        (published) => published === 10_000,
        { timeoutMs: 60_000, intervalMs: 5 },
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `[outbox relay] 10,000-row backlog, batch 500: ${seconds.toFixed(2)} s, ${Math.round(10_000 / seconds)} rows/s`,
      );
      expect(await countJobs(queue)).toBe(10_000);
      expect(await relay.lagMs()).toBe(0);
    } finally {
      await relay.stop();
      await queue.close();
    }
  });
});
