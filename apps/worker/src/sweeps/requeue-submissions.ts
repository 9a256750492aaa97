import type { PrismaClient } from '@vexora-checkout/db';
import type { Queue } from 'bullmq';
import { CHECKOUT_SUBMIT_EVENT, OUTBOX_CHANNEL, submitJobId } from '../outbox/outbox-routes.js';
import { clearFinishedJobs, rowsToAdd } from './clear-finished-jobs.js';

export interface RequeueDeps {
  prisma: PrismaClient;
  /** The `checkout-submit` queue: where an intent's job is looked up (and a finished one removed). */
  submitQueue: Queue;
  now?: () => Date;
}

export interface RequeueSelection {
  /** The state the intents are stuck in. */
  state: 'PENDING' | 'UNKNOWN' | 'SUBMITTING';
  /** Only intents in that state for longer than this (since `state_changed_at`). */
  olderThanMs: number;
  /** Written into the outbox row's payload, for the audit trail (e.g. `sweep.orphaned`). */
  reason: string;
}

export interface RequeueLimits {
  /** Intents per transaction. */
  batchSize: number;
  /** Transactions per call: bounds one sweep's work (the next sweep goes on). */
  maxBatches: number;
  /** Bound on the Redis calls of one batch; past it the batch rolls back. */
  redisTimeoutMs: number;
}

export interface RequeueCounts {
  /** Candidates looked at (old enough, no unpublished outbox row, not locked by another sweep). */
  examined: number;
  /** Left alone: their job is waiting, delayed or running. */
  live: number;
  /** Given a new outbox row, so the relay publishes their job again. */
  requeued: number;
  /** Of those, how many had a completed or failed job that was removed first. */
  removedFinishedJobs: number;
  /** A finished job that could not be removed (locked): retried at the next sweep. */
  blocked: number;
}

interface CandidateRow {
  id: string;
  generation: number;
  state_changed_at: Date;
}

/**
 * Makes sure every intent stuck in `selection.state` for longer than `selection.olderThanMs` has
 * a submit job that will run, and adds nothing for those that have one. The one path into the
 * queue stays the outbox: an intent without a live job gets a new `checkout.submit` row for its
 * current generation (and a `pg_notify` that wakes the relay), and the relay publishes it under
 * the usual job id, so any duplicate collapses into one job.
 *
 * "No live job" is: no job under `submitJobId(id, generation)` (Redis lost it), or a completed
 * or failed one (e.g. a job that found its intent SUBMITTING under another worker's lease and
 * completed as `skipped`, after which that worker died). A finished job is removed first:
 * BullMQ would otherwise treat the republished job id as a duplicate and add nothing.
 *
 * Safe with any number of concurrent sweeps: each batch is one short transaction that locks its
 * candidates (`FOR NO KEY UPDATE SKIP LOCKED`, which leaves the foreign-key inserts of a running
 * submit job unblocked) and skips intents that already have an unpublished row, so a second
 * sweep either skips the locked rows or, after the first committed, sees its row. The submit
 * job's own state change waits for the lock, so the state is still the one selected when the job
 * is looked up. Batches walk the candidates oldest first by `(state_changed_at, id)`: an orphan
 * keeps its old `state_changed_at` while a retrying intent's moves forward at every attempt, so
 * orphans come first.
 */
export async function requeueSubmissions(
  deps: RequeueDeps,
  selection: RequeueSelection,
  limits: RequeueLimits,
): Promise<RequeueCounts> {
  const counts: RequeueCounts = { examined: 0, live: 0, requeued: 0, removedFinishedJobs: 0, blocked: 0 };
  const now = (deps.now ?? (() => new Date()))();
  const before = new Date(now.getTime() - selection.olderThanMs);
  let cursor: { at: Date; id: string } = { at: new Date(0), id: '00000000-0000-0000-0000-000000000000' };
  for (let batch = 0; batch < limits.maxBatches; batch += 1) {
    const result = await deps.prisma.$transaction(
      (tx) => requeueBatch(tx, deps.submitQueue, selection, limits, before, cursor, now),
      // The Redis calls are bounded by redisTimeoutMs; the database part is a few statements.
      { timeout: limits.redisTimeoutMs * 2 + 10_000, maxWait: 10_000 },
    );
    counts.examined += result.examined;
    counts.live += result.live;
    counts.requeued += result.requeued;
    counts.removedFinishedJobs += result.removedFinishedJobs;
    counts.blocked += result.blocked;
    if (!result.last || result.selected < limits.batchSize) break;
    cursor = result.last;
  }
  return counts;
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

async function requeueBatch(
  tx: Tx,
  queue: Queue,
  selection: RequeueSelection,
  limits: RequeueLimits,
  before: Date,
  cursor: { at: Date; id: string },
  now: Date,
): Promise<RequeueCounts & { selected: number; last: { at: Date; id: string } | undefined }> {
  // `state = $1 AND state_changed_at < $2 ORDER BY state_changed_at` is a range of the index
  // (state, state_changed_at).
  let rows = await tx.$queryRaw<CandidateRow[]>`
    SELECT ci.id::text AS id, ci.submission_generation AS generation, ci.state_changed_at
    FROM checkout_intent ci
    WHERE ci.state = ${selection.state}::intent_state
      AND ci.state_changed_at < ${before}
      AND (ci.state_changed_at, ci.id) > (${cursor.at}, ${cursor.id}::uuid)
      AND NOT EXISTS (
        SELECT 1 FROM outbox_event o
        WHERE o.intent_id = ci.id AND o.generation = ci.submission_generation
          AND o.event_type = ${CHECKOUT_SUBMIT_EVENT} AND o.published_at IS NULL
      )
    ORDER BY ci.state_changed_at, ci.id
    LIMIT ${limits.batchSize}
    FOR NO KEY UPDATE OF ci SKIP LOCKED`;
  const lastRow = rows.at(-1);
  const selected = rows.length;
  // The NOT EXISTS above saw the statement's snapshot: a sweep that committed its row between
  // that snapshot and our lock (its lock was released, and it did not update the intent, so
  // PostgreSQL does not re-check the condition) is invisible there. A new statement sees it.
  const requeuedMeanwhile = new Set(
    rows.length === 0
      ? []
      : (
          await tx.$queryRaw<{ intent_id: string }[]>`
            SELECT DISTINCT o.intent_id::text AS intent_id FROM outbox_event o
            JOIN checkout_intent ci ON ci.id = o.intent_id AND ci.submission_generation = o.generation
            WHERE o.intent_id = ANY(${rows.map((row) => row.id)}::uuid[])
              AND o.event_type = ${CHECKOUT_SUBMIT_EVENT} AND o.published_at IS NULL`
        ).map((row) => row.intent_id),
  );
  rows = rows.filter((row) => !requeuedMeanwhile.has(row.id));
  const counts = {
    examined: rows.length,
    live: 0,
    requeued: 0,
    removedFinishedJobs: 0,
    blocked: 0,
    selected,
    last: lastRow ? { at: lastRow.state_changed_at, id: lastRow.id } : undefined,
  };
  if (rows.length === 0) return counts;

  const jobIds = rows.map((row) => submitJobId(row.id, row.generation));
  const found = await clearFinishedJobs(queue, jobIds, {
    timeoutMs: limits.redisTimeoutMs,
    what: 'submit jobs',
  });
  const toRequeue = rowsToAdd(rows, jobIds, found, counts).map(({ row }) => row);
  if (toRequeue.length === 0) return counts;

  const payload = JSON.stringify({ requeuedBy: 'sweeper', reason: selection.reason });
  await tx.$executeRaw`
    INSERT INTO outbox_event (event_type, intent_id, generation, payload, created_at)
    SELECT ${CHECKOUT_SUBMIT_EVENT}, t.id, t.generation, ${payload}::jsonb, ${now}
    FROM unnest(${toRequeue.map((row) => row.id)}::uuid[], ${toRequeue.map((row) => row.generation)}::int[])
      AS t(id, generation)`;
  // Wakes the relay at commit instead of at its next poll.
  await tx.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
  counts.requeued = toRequeue.length;
  return counts;
}
