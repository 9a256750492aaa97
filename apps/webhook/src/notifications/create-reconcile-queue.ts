import { NOTIFICATION_RECONCILE_QUEUE, type NotificationReconcileJobData } from '@vexora-checkout/contracts';
import type { Logger } from '@vexora-checkout/runtime';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

export interface ReconcileQueueHandle {
  queue: Queue<NotificationReconcileJobData>;
  /** "ok", or why the queue cannot be reached right now (for /health; it never gates it). */
  state(): string;
  close(): Promise<void>;
}

/**
 * The producer side of the notification-reconcile queue. Its Redis connection fails fast
 * instead of queueing commands while disconnected (enableOfflineQueue off, one retry, a command
 * timeout): a delivery's hand-over is best effort, and a stuck command must not pile up memory.
 * It reconnects on its own; the enqueuer bounds what waits meanwhile.
 */
export function createReconcileQueue(options: {
  redisUrl: string;
  prefix: string;
  timeoutMs: number;
  logger: Logger;
}): ReconcileQueueHandle {
  const redis = new Redis(options.redisUrl, {
    connectionName: 'vexora-webhook',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.timeoutMs,
  });
  let lastError: string | undefined;
  redis.on('error', (error: Error) => {
    // ioredis reports every failed reconnection: log the first of a series only.
    if (lastError === undefined) options.logger.warn({ err: error }, 'redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError !== undefined) options.logger.info('redis connection restored');
    lastError = undefined;
  });
  const queue = new Queue<NotificationReconcileJobData>(NOTIFICATION_RECONCILE_QUEUE, {
    connection: redis,
    prefix: options.prefix,
  });
  // The connection's own listener logs; without one here an 'error' would be thrown.
  queue.on('error', () => undefined);

  return {
    queue,
    state: () => (redis.status === 'ready' ? 'ok' : `${redis.status}${lastError ? `: ${lastError}` : ''}`),
    close: async () => {
      let timer: NodeJS.Timeout | undefined;
      // A queue whose Redis never came up cannot close cleanly: do not wait for it.
      await Promise.race([
        queue.close().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      redis.disconnect();
    },
  };
}
