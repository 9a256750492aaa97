import pg from 'pg';
import { afterAll, beforeEach, describe, expect, test, waitUntil } from '@vexora-checkout/testing';
import { findUnroutedEvents, measureOutboxLag } from './measure-outbox-lag.js';
import {
  countJobs,
  countOutbox,
  insertOutboxEvents,
  startCuttableQueue,
} from '../../test/outbox-test-support.js';
import { CHECKOUT_SUBMIT_QUEUE, submitJobId } from './outbox-routes.js';
import { pruneOutbox } from './prune-outbox.js';
import { publishOutboxBatch } from './publish-outbox-batch.js';

let pool: pg.Pool;

test.beforeAll(({ databaseUrl }) => {
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
});
afterAll(async () => {
  await pool.end();
});
beforeEach(async () => {
  await pool.query('TRUNCATE outbox_event, checkout_intent CASCADE');
});

async function rowsById(ids: readonly string[]) {
  const result = await pool.query<{ id: string; published: boolean; publish_attempts: number }>(
    `SELECT id::text, published_at IS NOT NULL AS published, publish_attempts
     FROM outbox_event WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [ids],
  );
  return result.rows;
}

describe('publishOutboxBatch', () => {
  test('adds one job per row under its intent and generation, and marks the rows published', async ({
    bullmq,
  }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const first = await insertOutboxEvents(pool, 2);
    const regenerated = await insertOutboxEvents(pool, 1, { generation: 3 });
    const events = [...first, ...regenerated];

    expect(await publishOutboxBatch({ pool, queues: { [CHECKOUT_SUBMIT_QUEUE]: queue } })).toBe(3);

    for (const event of events) {
      const job = await queue.getJob(submitJobId(event.intentId, event.generation));
      expect(job?.name).toBe('submit');
      expect(job?.data).toEqual({ intentId: event.intentId, generation: event.generation });
    }
    expect(await queue.getJob(`submit-${regenerated[0]?.intentId}-g3`)).toBeDefined();
    expect(await countJobs(queue)).toBe(3);
    expect(await rowsById(events.map((event) => event.id))).toEqual(
      events.map((event) => ({ id: event.id, published: true, publish_attempts: 1 })),
    );
    expect(await publishOutboxBatch({ pool, queues: { [CHECKOUT_SUBMIT_QUEUE]: queue } })).toBe(0);
    await queue.close();
  });

  test('publishes oldest first, at most batchSize rows per call', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const events = await insertOutboxEvents(pool, 5);
    const queues = { [CHECKOUT_SUBMIT_QUEUE]: queue };

    expect(await publishOutboxBatch({ pool, queues, batchSize: 2 })).toBe(2);
    expect((await rowsById(events.map((event) => event.id))).map((row) => row.published)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(await publishOutboxBatch({ pool, queues, batchSize: 2 })).toBe(2);
    expect(await publishOutboxBatch({ pool, queues, batchSize: 2 })).toBe(1);
    expect(await publishOutboxBatch({ pool, queues, batchSize: 2 })).toBe(0);
    expect(await countJobs(queue)).toBe(5);
    await queue.close();
  });

  test('a re-published row collapses into the job it already has', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const queues = { [CHECKOUT_SUBMIT_QUEUE]: queue };
    const events = await insertOutboxEvents(pool, 4);
    expect(await publishOutboxBatch({ pool, queues })).toBe(4);
    const countsBefore = await queue.getJobCounts();

    // As after a commit that failed once the jobs were in Redis.
    await pool.query('UPDATE outbox_event SET published_at = NULL');
    expect(await publishOutboxBatch({ pool, queues })).toBe(4);

    expect(await queue.getJobCounts()).toEqual(countsBefore);
    expect(await countJobs(queue)).toBe(4);
    expect((await rowsById(events.map((event) => event.id))).map((row) => row.publish_attempts)).toEqual([
      2, 2, 2, 2,
    ]);
    await queue.close();
  });

  test('leaves rows of an event type without a route in the outbox, and reports them', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const queues = { [CHECKOUT_SUBMIT_QUEUE]: queue };
    const [unknown] = await insertOutboxEvents(pool, 1, { eventType: 'checkout.teleport' });
    await insertOutboxEvents(pool, 2);

    // Never claimed, so they can neither be dropped nor stall the head of the batch.
    expect(await publishOutboxBatch({ pool, queues, batchSize: 1 })).toBe(1);
    expect(await publishOutboxBatch({ pool, queues, batchSize: 1 })).toBe(1);
    expect(await publishOutboxBatch({ pool, queues, batchSize: 1 })).toBe(0);

    expect(await rowsById([unknown?.id ?? '0'])).toEqual([
      { id: unknown?.id, published: false, publish_attempts: 0 },
    ]);
    expect(await findUnroutedEvents(pool, ['checkout.submit'])).toEqual(new Map([['checkout.teleport', 1]]));
    expect(await measureOutboxLag(pool)).toBeGreaterThanOrEqual(0);
    expect(await countJobs(queue)).toBe(2);
    await queue.close();
  });

  test('refuses to run without a queue for a route', async () => {
    await expect(publishOutboxBatch({ pool, queues: {} })).rejects.toThrow(
      /no queue given for checkout-submit/,
    );
  });

  test('rolls back when Redis cannot be reached; the rows are published after it is back', async ({
    bullmq,
    redisUrl,
  }) => {
    const cuttable = await startCuttableQueue(redisUrl, bullmq);
    const { queue, observer, proxy } = cuttable;
    try {
      await queue.waitUntilReady();
      const events = await insertOutboxEvents(pool, 20);
      const queues = { [CHECKOUT_SUBMIT_QUEUE]: queue };

      await proxy.cut();
      await expect(publishOutboxBatch({ pool, queues, publishTimeoutMs: 300 })).rejects.toThrow(/timed out/);

      // Rolled back: unpublished, unlocked (another call claims them at once), attempt counted.
      expect(await countOutbox(pool)).toEqual({ published: 0, unpublished: 20 });
      expect(
        new Set((await rowsById(events.map((event) => event.id))).map((row) => row.publish_attempts)),
      ).toEqual(new Set([1]));
      await expect(publishOutboxBatch({ pool, queues, publishTimeoutMs: 300 })).rejects.toThrow(/timed out/);
      expect(await countOutbox(pool)).toEqual({ published: 0, unpublished: 20 });

      await proxy.restore();
      // Retried as the relay does, until the queue has reconnected.
      await waitUntil(
        () => publishOutboxBatch({ pool, queues, publishTimeoutMs: 1_000 }).catch(() => -1),
        (published) => published === 20,
        { what: 'a publication after Redis is back', intervalMs: 100 },
      );
      expect(await countOutbox(pool)).toEqual({ published: 20, unpublished: 0 });
      // The adds that waited in ioredis's offline queue ran on reconnect; the ids collapse them.
      expect(await countJobs(observer)).toBe(20);
    } finally {
      await cuttable.close();
    }
  });
});

describe('pruneOutbox', () => {
  test('deletes only published rows older than the retention period, in chunks', async () => {
    const day = 24 * 60 * 60 * 1000;
    const old = await insertOutboxEvents(pool, 25, { publishedAgoMs: 8 * day });
    const recent = await insertOutboxEvents(pool, 3, { publishedAgoMs: 6 * day });
    const unpublished = await insertOutboxEvents(pool, 2);
    // An unpublished row older than the retention period stays too.
    await pool.query(`UPDATE outbox_event SET created_at = now() - interval '30 days' WHERE id = $1`, [
      unpublished[0]?.id,
    ]);

    expect(await pruneOutbox({ pool, retentionMs: 7 * day, chunkSize: 10 })).toBe(25);

    const left = await pool.query<{ id: string }>('SELECT id::text FROM outbox_event ORDER BY id');
    expect(left.rows.map((row) => row.id)).toEqual([...recent, ...unpublished].map((event) => event.id));
    expect(await rowsById(old.map((event) => event.id))).toEqual([]);
    expect(await pruneOutbox({ pool, retentionMs: 7 * day, chunkSize: 10 })).toBe(0);
  });
});
