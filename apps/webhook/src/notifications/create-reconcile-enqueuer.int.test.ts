import { createLogger } from '@vexora-checkout/runtime';
import { NOTIFICATION_RECONCILE_QUEUE } from '@vexora-checkout/contracts';
import { expect, test, waitUntil } from '@vexora-checkout/testing';
import { createReconcileEnqueuer, type EnqueueFailure } from './create-reconcile-enqueuer.js';
import { createReconcileQueue } from './create-reconcile-queue.js';

const logger = createLogger({ service: 'webhook', level: 'silent' });

function tally() {
  const failures: Partial<Record<EnqueueFailure, number>> = {};
  let enqueued = 0;
  return {
    failures,
    enqueued: () => enqueued,
    onEnqueued: (count: number) => (enqueued += count),
    onFailed: (count: number, reason: EnqueueFailure) => (failures[reason] = (failures[reason] ?? 0) + count),
  };
}

test('hands ids over in bulk, one job per id, idempotently', async ({ redisUrl, bullmq }) => {
  const queueing = createReconcileQueue({ redisUrl, prefix: bullmq.prefix, timeoutMs: 2_000, logger });
  const counts = tally();
  const enqueuer = createReconcileEnqueuer({ queue: queueing.queue, timeoutMs: 2_000, logger, ...counts });
  for (const id of ['1', '2', '3', '2']) enqueuer.enqueue(id);
  await waitUntil(counts.enqueued, (n) => n === 4, { what: 'the hand-over' });
  const reader = bullmq.createQueue(NOTIFICATION_RECONCILE_QUEUE);
  // The same id twice is one job (its job id is derived from the row id).
  expect(await reader.getJobCountByTypes('wait')).toBe(3);
  expect((await reader.getJob('notification-2'))?.data).toEqual({ notificationId: '2' });
  await enqueuer.close();
  await queueing.close();
  await reader.close();
});

test('with Redis unreachable: bounded waiting, timeouts counted, leftovers reported at close', async () => {
  const queueing = createReconcileQueue({
    redisUrl: 'redis://127.0.0.1:1',
    prefix: 'unreachable',
    timeoutMs: 200,
    logger,
  });
  const counts = tally();
  const enqueuer = createReconcileEnqueuer({
    queue: queueing.queue,
    timeoutMs: 200,
    logger,
    maxUnsettled: 1,
    maxWaiting: 2,
    ...counts,
  });
  for (const id of ['1', '2', '3', '4', '5']) enqueuer.enqueue(id);
  // Two may wait; the other three are dropped at once (the sweep will find their rows).
  expect(counts.failures).toEqual({ backlog: 3 });
  // The two go in one call, which hangs on the absent Redis until its timeout.
  await waitUntil(
    () => counts.failures.timeout ?? 0,
    (n) => n === 2,
    { what: 'the call to time out' },
  );
  // That call is still unsettled: new ids wait behind it, and are reported when stopping.
  enqueuer.enqueue('6');
  enqueuer.enqueue('7');
  expect(enqueuer.waiting).toBe(2);
  await enqueuer.close();
  expect(counts.failures).toEqual({ backlog: 3, timeout: 2, stopped: 2 });
  enqueuer.enqueue('8');
  expect(counts.failures.stopped).toBe(3);
  expect(counts.enqueued()).toBe(0);
  await queueing.close();
});
