import type { Queue } from 'bullmq';
import type pg from 'pg';
import {
  DEFAULT_OUTBOX_ROUTES,
  resolveRouteQueues,
  type OutboxJob,
  type OutboxQueues,
  type OutboxRoutes,
  type OutboxRow,
} from './outbox-routes.js';

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000;

export interface PublishOutboxBatchOptions {
  pool: pg.Pool;
  queues: OutboxQueues;
  routes?: OutboxRoutes;
  batchSize?: number;
  /**
   * How long adding the jobs may take before the batch is rolled back. An ioredis connection
   * with an offline queue (BullMQ's usual `maxRetriesPerRequest: null`) never fails a command
   * while Redis is unreachable, it waits; without this bound the claimed rows would stay locked
   * for the whole outage.
   */
  publishTimeoutMs?: number;
}

interface ClaimedRow {
  id: string;
  event_type: string;
  intent_id: string;
  generation: number;
}

/**
 * Publishes one batch of the outbox, oldest first, in one transaction:
 *
 *  1. claim up to `batchSize` unpublished rows of a routed event type and mark them published,
 *     in one statement (`UPDATE … WHERE id = ANY(ARRAY(SELECT … FOR UPDATE SKIP LOCKED))
 *     RETURNING`), so a batch costs three round trips to PostgreSQL;
 *  2. add their jobs with `addBulk`, each under a `jobId` derived from the intent and its
 *     submission generation;
 *  3. commit.
 *
 * Rows locked by another relay are skipped, so any number of relays can run at once. If adding
 * the jobs fails or times out, the transaction rolls back: the rows stay unpublished and the next
 * round retries them (their `publish_attempts` is then bumped outside the transaction, best
 * effort, so stuck rows are visible). If the commit fails after the jobs were added, the rows are
 * published again later and the job ids collapse the duplicates. Some jobs of a failed `addBulk`
 * may exist (BullMQ pipelines the adds; it is not a MULTI): same answer, the ids dedupe them.
 *
 * Rows whose `event_type` has no route are never claimed: they stay unpublished, count in the
 * outbox lag and are reported by `findUnroutedEvents`. Claiming them would either drop them
 * silently (marking them published) or keep re-claiming them at the head of every batch, where
 * `batchSize` of them would stall the relay.
 *
 * Returns how many rows it published; fewer than `batchSize` means the outbox was drained (as
 * far as this relay can see: rows locked by another relay are that relay's).
 */
export async function publishOutboxBatch(options: PublishOutboxBatchOptions): Promise<number> {
  const routes = options.routes ?? DEFAULT_OUTBOX_ROUTES;
  const queuesByEventType = resolveRouteQueues(routes, options.queues);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const publishTimeoutMs = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;

  const client = await options.pool.connect();
  let claimed: ClaimedRow[] = [];
  let addingFailed = false;
  let brokenConnection: Error | undefined;
  try {
    // If this process froze with the transaction open, PostgreSQL ends the session and the rows
    // go back to the other relays.
    const idleLimitMs = Math.ceil(publishTimeoutMs) + 10_000;
    await client.query(`BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${idleLimitMs}`);
    // `ORDER BY published_at, id` is `ORDER BY id` here (published_at is NULL in every row it
    // sees), written so it matches the index (published_at, id): the plan is a short ordered
    // scan of the unpublished range. With `ORDER BY id` the planner walks the primary key and
    // filters out every published row still retained, each batch. `= ANY(ARRAY(…))` makes the
    // outer update a primary-key lookup rather than a hash join over the table.
    const result = await client.query<ClaimedRow>(
      `UPDATE outbox_event
       SET published_at = now(), publish_attempts = publish_attempts + 1
       WHERE id = ANY(ARRAY(
         SELECT id FROM outbox_event
         WHERE published_at IS NULL AND event_type = ANY($1::text[])
         ORDER BY published_at, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ))
       RETURNING id::text AS id, event_type, intent_id::text AS intent_id, generation`,
      [Object.keys(routes), batchSize],
    );
    claimed = result.rows.sort((a, b) => compareIds(a.id, b.id));
    if (claimed.length > 0) {
      const jobsByQueue = groupJobsByQueue(claimed, routes, queuesByEventType);
      addingFailed = true;
      await withTimeout(
        Promise.all([...jobsByQueue].map(([queue, jobs]) => queue.addBulk(jobs))),
        publishTimeoutMs,
        `adding ${claimed.length} outbox jobs`,
      );
      addingFailed = false;
    }
    await client.query('COMMIT');
    return claimed.length;
  } catch (error) {
    // A connection whose rollback failed is in an unknown state: destroy it, do not reuse it.
    brokenConnection = await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackError: unknown) =>
        rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)),
    );
    throw error;
  } finally {
    client.release(brokenConnection);
    if (addingFailed) await countFailedAttempt(options.pool, claimed);
  }
}

function groupJobsByQueue(
  rows: readonly ClaimedRow[],
  routes: OutboxRoutes,
  queuesByEventType: ReadonlyMap<string, Queue>,
): Map<Queue, OutboxJob[]> {
  const jobsByQueue = new Map<Queue, OutboxJob[]>();
  for (const row of rows) {
    const route = routes[row.event_type];
    const queue = queuesByEventType.get(row.event_type);
    // Unreachable: only routed event types are claimed.
    if (!route || !queue) throw new Error(`outbox row ${row.id}: no route for ${row.event_type}`);
    const outboxRow: OutboxRow = {
      id: row.id,
      eventType: row.event_type,
      intentId: row.intent_id,
      generation: row.generation,
    };
    const jobs = jobsByQueue.get(queue) ?? [];
    jobs.push(route.toJob(outboxRow));
    jobsByQueue.set(queue, jobs);
  }
  return jobsByQueue;
}

/**
 * Records a failed publication on rows the rollback returned to the outbox, so operators see
 * rows that keep failing (`published_at IS NULL AND publish_attempts > 0`). Best effort: rows
 * another relay claimed in the meantime are skipped, and a failure here changes nothing.
 */
async function countFailedAttempt(pool: pg.Pool, rows: readonly ClaimedRow[]): Promise<void> {
  await pool
    .query(
      `UPDATE outbox_event SET publish_attempts = publish_attempts + 1
       WHERE id IN (
         SELECT id FROM outbox_event
         WHERE id = ANY($1::bigint[]) AND published_at IS NULL
         FOR UPDATE SKIP LOCKED
       )`,
      [rows.map((row) => row.id)],
    )
    .catch(() => undefined);
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Rejects after `timeoutMs` unless `promise` settles first; the timer never outlives it. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // race subscribes to both: a late rejection of `promise` is handled, not unhandled.
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
