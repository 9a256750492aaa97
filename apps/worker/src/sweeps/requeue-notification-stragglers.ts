import {
  NOTIFICATION_RECONCILE_JOB,
  NOTIFICATION_RECONCILE_JOB_OPTIONS,
  notificationReconcileJobId,
  type NotificationReconcileJobData,
} from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import type { Queue } from 'bullmq';
import { withTimeout } from '../outbox/publish-outbox-batch.js';
import { clearFinishedJobs, rowsToAdd } from './clear-finished-jobs.js';

export interface RequeueStragglersDeps {
  prisma: PrismaClient;
  /** The `notification-reconcile` queue. */
  reconcileQueue: Queue;
  now?: () => Date;
}

export interface RequeueStragglersOptions {
  /** A row still unprocessed this long after it was received is a straggler. Default 60 s. */
  graceMs: number;
  /** Rows per sweep. */
  batchSize: number;
  /** Bound on one round of Redis calls. */
  redisTimeoutMs: number;
}

export interface StragglerCounts {
  /** Unprocessed rows older than the grace. */
  examined: number;
  /** Of those, with a job that will still run (waiting, delayed for a retry, active). */
  live: number;
  /** Enqueued again. */
  requeued: number;
  /** Of the requeued, how many had a finished (completed or failed) job removed first. */
  removedFinishedJobs: number;
  /** A finished job that could not be removed (locked at that moment): tried at the next sweep. */
  blocked: number;
}

/**
 * Enqueues again the stored notifications nobody finished: the webhook stored the row but its
 * enqueue failed (Redis away, a crash between the two), or the job used up its retries while the
 * Query API proved nothing. The row, not Redis, is the record: `processed_at IS NULL` and
 * `received_at` older than the grace (so a delivery the webhook is enqueueing right now is left
 * alone), oldest first, read on the `(processed_at, id)` index.
 *
 * The job id is the shared one (`notification-<id>`), so a straggler whose job still lives
 * (waiting, or delayed for a retry) is left to it, and two sweeps adding at once collapse into
 * one job. BullMQ ignores an add whose id belongs to a finished job that is still kept (failed
 * jobs are kept for days): such a job is removed first, then added again. A job that completes
 * between our look and the removal has processed the row; the re-added one then finds it done.
 */
export async function requeueNotificationStragglers(
  deps: RequeueStragglersDeps,
  options: RequeueStragglersOptions,
): Promise<StragglerCounts> {
  const counts: StragglerCounts = { examined: 0, live: 0, requeued: 0, removedFinishedJobs: 0, blocked: 0 };
  const now = (deps.now ?? (() => new Date()))();
  const before = new Date(now.getTime() - options.graceMs);
  const rows = await deps.prisma.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM gateway_notification
    WHERE processed_at IS NULL AND received_at <= ${before}
    ORDER BY processed_at, id
    LIMIT ${options.batchSize}`;
  counts.examined = rows.length;
  if (rows.length === 0) return counts;

  const queue = deps.reconcileQueue;
  const jobIds = rows.map((row) => notificationReconcileJobId(row.id));
  const found = await clearFinishedJobs(queue, jobIds, {
    timeoutMs: options.redisTimeoutMs,
    what: 'reconcile jobs',
  });

  const toAdd = rowsToAdd(rows, jobIds, found, counts).map(({ row, jobId }) => ({
    name: NOTIFICATION_RECONCILE_JOB,
    data: { notificationId: row.id } satisfies NotificationReconcileJobData,
    opts: {
      ...NOTIFICATION_RECONCILE_JOB_OPTIONS,
      backoff: { ...NOTIFICATION_RECONCILE_JOB_OPTIONS.backoff },
      removeOnComplete: { ...NOTIFICATION_RECONCILE_JOB_OPTIONS.removeOnComplete },
      removeOnFail: { ...NOTIFICATION_RECONCILE_JOB_OPTIONS.removeOnFail },
      jobId,
    },
  }));
  if (toAdd.length > 0) {
    await withTimeout(queue.addBulk(toAdd), options.redisTimeoutMs, `adding ${toAdd.length} reconcile jobs`);
    counts.requeued = toAdd.length;
  }
  return counts;
}
