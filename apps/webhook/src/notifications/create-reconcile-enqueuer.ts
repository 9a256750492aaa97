import {
  NOTIFICATION_RECONCILE_JOB,
  NOTIFICATION_RECONCILE_JOB_OPTIONS,
  notificationReconcileJobId,
  type NotificationReconcileJobData,
} from '@vexora-checkout/contracts';
import type { Logger } from '@vexora-checkout/runtime';

/** The part of a BullMQ Queue the enqueuer uses. */
export interface BulkAdder {
  addBulk(
    jobs: { name: string; data: NotificationReconcileJobData; opts: Record<string, unknown> }[],
  ): Promise<unknown>;
}

export type EnqueueFailure = 'error' | 'timeout' | 'backlog' | 'stopped';

export interface ReconcileEnqueuerOptions {
  queue: BulkAdder;
  /** A call not confirmed within this time counts as failed (it may still land later). */
  timeoutMs: number;
  logger: Logger;
  /** Ids per addBulk call. */
  maxBatch?: number;
  /** addBulk calls unsettled at once; ids arriving meanwhile wait and go in a later call. */
  maxUnsettled?: number;
  /**
   * Ids allowed to wait. With Redis down, calls hang until it returns and ids pile up; past this
   * bound new ones are dropped (counted), so memory stays bounded. Dropped rows keep processed_at
   * null and the worker's sweep enqueues them later.
   */
  maxWaiting?: number;
  onEnqueued?: (count: number) => void;
  onFailed?: (count: number, reason: EnqueueFailure) => void;
}

export interface ReconcileEnqueuer {
  /** Hands a stored notification to the reconcile queue, soon; never throws, never waits. */
  enqueue(notificationId: string): void;
  /** Ids waiting for their addBulk call. */
  readonly waiting: number;
  /**
   * Stops taking ids, sends what waits and waits for the calls in flight, at most the timeout;
   * what is left is counted as not handed over (the sweep will do it).
   */
  close(): Promise<void>;
}

/**
 * Hands stored notifications to the reconcile queue after their answer was sent. Ids gathered
 * while earlier calls run go together in one addBulk call (one Redis round trip for many
 * deliveries at high rates). Nothing here can delay or fail an answer: the row is already
 * committed, and a failed hand-over only means the worker's sweep picks the row up after its
 * grace period.
 */
export function createReconcileEnqueuer(options: ReconcileEnqueuerOptions): ReconcileEnqueuer {
  const maxBatch = options.maxBatch ?? 500;
  const maxUnsettled = options.maxUnsettled ?? 2;
  const maxWaiting = options.maxWaiting ?? 20_000;
  const unsettled = new Set<Promise<void>>();
  /** The unsettled calls not yet counted as timed out: the only ones worth waiting for at close. */
  const live = new Set<Promise<void>>();
  let waiting: string[] = [];
  let scheduled = false;
  let closing = false;
  let failingSince: number | undefined;

  const fail = (count: number, reason: EnqueueFailure, error?: unknown) => {
    options.onFailed?.(count, reason);
    // One line when hand-overs start failing, not one per delivery.
    if (failingSince === undefined) {
      failingSince = Date.now();
      options.logger.warn(
        { err: error, reason, count },
        'could not hand notifications to the reconcile queue; the sweep will pick them up',
      );
    }
  };

  const succeed = (count: number) => {
    options.onEnqueued?.(count);
    if (failingSince !== undefined) {
      options.logger.info(
        { failingForMs: Date.now() - failingSince },
        'handing notifications to the reconcile queue again',
      );
      failingSince = undefined;
    }
  };

  const flush = () => {
    scheduled = false;
    while (waiting.length > 0 && unsettled.size < maxUnsettled) {
      send(waiting.slice(0, maxBatch));
      waiting = waiting.slice(maxBatch);
    }
  };

  const send = (ids: string[]) => {
    let timedOut = false;
    const jobs = ids.map((notificationId) => ({
      name: NOTIFICATION_RECONCILE_JOB,
      data: { notificationId },
      opts: { ...NOTIFICATION_RECONCILE_JOB_OPTIONS, jobId: notificationReconcileJobId(notificationId) },
    }));
    const timer = setTimeout(() => {
      timedOut = true;
      live.delete(settled);
      fail(ids.length, 'timeout');
    }, options.timeoutMs);
    const settled = options.queue
      .addBulk(jobs)
      .then(
        () => {
          if (!timedOut) succeed(ids.length);
        },
        (error: unknown) => {
          if (!timedOut) fail(ids.length, 'error', error);
        },
      )
      .finally(() => {
        clearTimeout(timer);
        unsettled.delete(settled);
        live.delete(settled);
        // What arrived meanwhile goes now.
        flush();
      });
    unsettled.add(settled);
    live.add(settled);
  };

  return {
    enqueue(notificationId) {
      if (closing) {
        fail(1, 'stopped');
        return;
      }
      if (waiting.length >= maxWaiting) {
        fail(1, 'backlog');
        return;
      }
      waiting.push(notificationId);
      // Gather what arrives in this turn of the event loop into one call.
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    get waiting() {
      return waiting.length;
    },
    async close() {
      closing = true;
      flush();
      const deadline = Date.now() + options.timeoutMs;
      while (live.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        // Wakes at each settled call (which sends more of what waits), or at the deadline.
        await Promise.race([
          Promise.race(live),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          }),
        ]);
        clearTimeout(timer);
      }
      if (waiting.length > 0) fail(waiting.length, 'stopped');
      waiting = [];
    },
  };
}
