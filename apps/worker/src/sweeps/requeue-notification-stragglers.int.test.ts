import { NOTIFICATION_RECONCILE_QUEUE, notificationReconcileJobId } from '@vexora-checkout/contracts';
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { afterAll, beforeEach, describe, expect, test } from '@vexora-checkout/testing';
import { insertNotification } from '../../test/reconcile-test-support.js';
import { requeueNotificationStragglers } from './requeue-notification-stragglers.js';

let prisma: PrismaClient;

test.beforeAll(({ databaseUrl }) => {
  prisma = createPrismaClient({ databaseUrl, poolSize: 4 });
});
afterAll(async () => {
  await prisma.$disconnect();
});
beforeEach(async () => {
  await prisma.$executeRawUnsafe('TRUNCATE reconciliation_exception, gateway_notification');
});

const options = { graceMs: 60_000, batchSize: 100, redisTimeoutMs: 5_000 };
const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1_000);

describe('requeueNotificationStragglers', () => {
  test('enqueues unprocessed rows past the grace: missing jobs added, finished ones removed and added again, live ones left', async ({
    bullmq,
  }) => {
    const queue = bullmq.createQueue(NOTIFICATION_RECONCILE_QUEUE);
    const claim = (tradeNo: string, receivedAt: Date) =>
      insertNotification(prisma, { tradeNo, status: '0000', amount: '1.00', receivedAt });
    const lost = await claim('LOST', secondsAgo(120)); // the webhook's enqueue never happened
    const exhausted = await claim('EXHAUSTED', secondsAgo(120)); // its job failed all its attempts
    const waiting = await claim('WAITING', secondsAgo(120)); // its job is still queued
    const fresh = await claim('FRESH', secondsAgo(5)); // inside the grace
    const done = await claim('DONE', secondsAgo(120));
    await prisma.gatewayNotification.update({
      where: { id: done },
      data: { processedAt: new Date(), outcome: 'applied' },
    });

    // A job that failed for good, as BullMQ keeps it: a plain add of its id would be ignored.
    await queue.add(
      'reconcile',
      { notificationId: exhausted.toString() },
      {
        jobId: notificationReconcileJobId(exhausted),
        attempts: 1,
      },
    );
    const failing = bullmq.createWorker(NOTIFICATION_RECONCILE_QUEUE, () =>
      Promise.reject(new Error('query kept proving nothing')),
    );
    const failedJob = await new Promise<string | undefined>((resolve) =>
      failing.on('failed', (job) => resolve(job?.id)),
    );
    await failing.close();
    expect(failedJob).toBe(notificationReconcileJobId(exhausted));
    await queue.add(
      'reconcile',
      { notificationId: waiting.toString() },
      { jobId: notificationReconcileJobId(waiting) },
    );

    const counts = await requeueNotificationStragglers({ prisma, reconcileQueue: queue }, options);

    expect(counts).toEqual({ examined: 3, live: 1, requeued: 2, removedFinishedJobs: 1, blocked: 0 });
    const state = (id: bigint) => queue.getJobState(notificationReconcileJobId(id));
    expect(await state(lost)).toBe('waiting');
    expect(await state(exhausted)).toBe('waiting');
    expect(await state(waiting)).toBe('waiting');
    expect(await state(fresh)).toBe('unknown');
    expect(await state(done)).toBe('unknown');
    const requeued = await queue.getJob(notificationReconcileJobId(exhausted));
    expect(requeued?.data).toEqual({ notificationId: exhausted.toString() });
    expect(requeued?.opts.attempts).toBe(8);

    // A second sweep at once adds nothing more: every straggler now has a live job.
    expect(await requeueNotificationStragglers({ prisma, reconcileQueue: queue }, options)).toMatchObject({
      examined: 3,
      live: 3,
      requeued: 0,
    });
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 3 });
    await queue.close();
  });
});
