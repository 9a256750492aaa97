import {
  NOTIFICATION_RECONCILE_JOB_OPTIONS,
  NOTIFICATION_RECONCILE_QUEUE,
  notificationReconcileJobDataSchema,
  type NotificationReconcileJobData,
} from '@vexora-checkout/contracts';
import { Queue, UnrecoverableError, type ConnectionOptions, type Job, type Processor } from 'bullmq';
import type { ReconcileMetrics } from './reconcile-metrics.js';
import { reconcileNotification, type ReconcileDeps, type ReconcileResult } from './reconcile-notification.js';

export const RECONCILE_QUEUE = NOTIFICATION_RECONCILE_QUEUE;

/**
 * The queue as the worker's sweep sees it (the webhook adds the jobs). Its default job options
 * are the shared ones, so a job added here behaves like the webhook's.
 */
export function createReconcileQueue(options: {
  connection: ConnectionOptions;
  prefix?: string;
}): Queue<NotificationReconcileJobData, ReconcileResult> {
  return new Queue<NotificationReconcileJobData, ReconcileResult>(RECONCILE_QUEUE, {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    defaultJobOptions: {
      ...NOTIFICATION_RECONCILE_JOB_OPTIONS,
      backoff: { ...NOTIFICATION_RECONCILE_JOB_OPTIONS.backoff },
      removeOnComplete: { ...NOTIFICATION_RECONCILE_JOB_OPTIONS.removeOnComplete },
      removeOnFail: { ...NOTIFICATION_RECONCILE_JOB_OPTIONS.removeOnFail },
    },
  });
}

/**
 * The reconcile job's handler: parse the payload, reconcile, count. A query that proved nothing
 * throws (`InconclusiveProofError`) and BullMQ retries with the job's backoff; past its attempts
 * the job fails and the straggler sweep enqueues the still-unprocessed row again later.
 */
export function createReconcileProcessor(
  deps: ReconcileDeps & { metrics?: ReconcileMetrics },
): Processor<NotificationReconcileJobData, ReconcileResult> {
  return async (job: Job<NotificationReconcileJobData, ReconcileResult>) => {
    const data = notificationReconcileJobDataSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`invalid reconcile job payload: ${data.error.message}`);
    const result = await reconcileNotification(deps, BigInt(data.data.notificationId));
    if (result.processedNow) deps.metrics?.observe(result);
    return result;
  };
}
