import { z } from 'zod';

/**
 * The hand-over between the webhook receiver (which stores every notification, answers Vexora,
 * then enqueues) and the reconcile job in the worker (which consumes). Both sides, and the
 * worker's sweep that re-enqueues rows left unprocessed, use these names: change them here only.
 */

/** BullMQ queue name (under the `BULLMQ_PREFIX` key prefix shared by every app). */
export const NOTIFICATION_RECONCILE_QUEUE = 'notification-reconcile';

/** BullMQ job name of every job on that queue. */
export const NOTIFICATION_RECONCILE_JOB = 'reconcile';

/**
 * The job's payload: the `gateway_notification.id` (a bigint) as decimal text, because JSON has
 * no 64-bit integers. Consumers parse it with this schema: a payload may come from older code.
 */
export const notificationReconcileJobDataSchema = z.strictObject({
  notificationId: z.string().regex(/^[1-9]\d{0,18}$/, 'must be a positive decimal bigint'),
});
export type NotificationReconcileJobData = z.infer<typeof notificationReconcileJobDataSchema>;

/**
 * One job per stored delivery: a second enqueue of the same row (the webhook's, then the sweep's)
 * collapses into the job already there.
 */
export function notificationReconcileJobId(notificationId: bigint | string): string {
  return `notification-${notificationId}`;
}

/**
 * The options every producer adds a job with (BullMQ takes retries from the job, not the worker):
 * retries with exponential backoff for passing failures (a Query API timeout), and finished jobs
 * kept in bounded numbers so Redis memory stays flat. The database row (`processed_at`,
 * `outcome`), not Redis, is the record of what happened. A plain object, so this package needs
 * no BullMQ; it fits BullMQ's `JobsOptions`.
 */
export const NOTIFICATION_RECONCILE_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 100_000 },
} as const;
