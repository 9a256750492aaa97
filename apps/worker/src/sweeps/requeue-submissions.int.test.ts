import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { createGatewayClient, type GatewayClient } from '@vexora-checkout/gateway-client';
import { afterAll, beforeEach, describe, expect, test, waitUntil } from '@vexora-checkout/testing';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import pg from 'pg';
import {
  insertIntent,
  jobStates,
  minutesAgo,
  quitRedis,
  unpublishedRows,
  type TestIntent,
} from '../../test/sweeps-test-support.js';
import { startFakeVexora, type FakeVexora } from '../../test/start-fake-vexora.js';
import { CHECKOUT_SUBMIT_QUEUE, submitJobId } from '../outbox/outbox-routes.js';
import { publishOutboxBatch } from '../outbox/publish-outbox-batch.js';
import { startOutboxRelay } from '../outbox/run-outbox-relay.js';
import { createSubmitProcessor, createSubmitQueue, SUBMIT_QUEUE } from '../submit/submit-queue.js';
import { republishOrphanedIntents } from './republish-orphaned-intents.js';
import { resolveStuckSubmissions } from './resolve-stuck-submissions.js';
import { DEFAULT_SWEEP_OPTIONS } from './run-sweeps.js';
import { createSweepProcessor, createSweepQueue, scheduleSweeps, SWEEP_QUEUE } from './sweep-queue.js';

let prisma: PrismaClient;
let pool: pg.Pool;

test.beforeAll(({ databaseUrl }) => {
  prisma = createPrismaClient({ databaseUrl, poolSize: 6 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await prisma.$disconnect();
});
beforeEach(async () => {
  await prisma.$executeRawUnsafe(
    'TRUNCATE reconciliation_exception, gateway_notification, superseded_trade_no, outbox_event, submission_attempt, status_history, checkout_intent',
  );
});

const limits = { batchSize: 500, maxBatches: 20, redisTimeoutMs: 5_000 };
const publish = (queue: Queue) => publishOutboxBatch({ pool, queues: { [CHECKOUT_SUBMIT_QUEUE]: queue } });
const addJob = (queue: Queue, intent: TestIntent, delay = 60_000) =>
  queue.add(
    'submit',
    { intentId: intent.id, generation: intent.generation },
    { jobId: submitJobId(intent.id, intent.generation), delay },
  );

describe('republishOrphanedIntents', () => {
  test('a PENDING intent whose job Redis lost is republished through the outbox; a live job, or a young intent, is left alone', async ({
    bullmq,
  }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const orphan = await insertIntent(prisma, { state: 'PENDING', stateChangedAt: minutesAgo(5) });
    const withJob = await insertIntent(prisma, { state: 'PENDING', stateChangedAt: minutesAgo(5) });
    const young = await insertIntent(prisma, { state: 'PENDING', stateChangedAt: minutesAgo(0.5) });
    const otherGeneration = await insertIntent(prisma, {
      state: 'PENDING',
      stateChangedAt: minutesAgo(5),
      generation: 1,
    });
    await addJob(queue, withJob);
    await addJob(queue, { ...otherGeneration, generation: 0 }); // a stale generation's job is no job

    const counts = await republishOrphanedIntents(
      { prisma, submitQueue: queue },
      { ...limits, graceMs: 120_000 },
    );
    expect(counts).toEqual({ examined: 3, live: 1, requeued: 2, removedFinishedJobs: 0, blocked: 0 });
    const rows = await unpublishedRows(prisma, [orphan.id, withJob.id, young.id, otherGeneration.id]);
    expect(rows.map((row) => [row.intentId, row.generation]).sort()).toEqual(
      [
        [orphan.id, 0],
        [otherGeneration.id, 1],
      ].sort(),
    );
    expect(rows[0]?.payload).toEqual({ requeuedBy: 'sweeper', reason: 'sweep.orphaned' });

    // The relay puts the jobs back.
    expect(await publish(queue)).toBe(2);
    expect(await jobStates(queue, [orphan, withJob, young, otherGeneration])).toEqual([
      'waiting',
      'delayed',
      'unknown',
      'waiting',
    ]);
    // Nothing more to do: every old PENDING intent has a live job now.
    expect(
      await republishOrphanedIntents({ prisma, submitQueue: queue }, { ...limits, graceMs: 120_000 }),
    ).toMatchObject({ examined: 3, live: 3, requeued: 0 });
    await queue.close();
  });

  test('an unpublished outbox row already waiting for the relay is not doubled', async ({ bullmq }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const waiting = await insertIntent(prisma, {
      state: 'PENDING',
      stateChangedAt: minutesAgo(5),
      outbox: 'unpublished',
    });
    expect(
      await republishOrphanedIntents({ prisma, submitQueue: queue }, { ...limits, graceMs: 120_000 }),
    ).toMatchObject({ examined: 0, requeued: 0 });
    expect(await unpublishedRows(prisma, [waiting.id])).toHaveLength(1);
    await queue.close();
  });

  test('a completed or failed old job under the same id is removed, so the republished job is not swallowed', async ({
    bullmq,
  }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const completed = await insertIntent(prisma, { state: 'PENDING', stateChangedAt: minutesAgo(5) });
    const failed = await insertIntent(prisma, { state: 'PENDING', stateChangedAt: minutesAgo(5) });
    await addJob(queue, completed, 0);
    await addJob(queue, failed, 0);
    const worker = bullmq.createWorker(CHECKOUT_SUBMIT_QUEUE, (job: Job<{ intentId: string }>) =>
      job.data.intentId === failed.id
        ? Promise.reject(new UnrecoverableError('gave up'))
        : Promise.resolve({ kind: 'skipped', state: 'SUBMITTING' }),
    );
    await waitUntil(
      () => jobStates(queue, [completed, failed]),
      (states) => states[0] === 'completed' && states[1] === 'failed',
      { what: 'the old jobs to finish' },
    );
    await worker.close();
    // Without the removal, the relay's add would be a no-op on the finished job:
    const swallowed = await queue.add(
      'submit',
      {},
      { jobId: submitJobId(completed.id, 0), removeOnComplete: false },
    );
    expect(await swallowed.getState()).toBe('completed');

    const counts = await republishOrphanedIntents(
      { prisma, submitQueue: queue },
      { ...limits, graceMs: 120_000 },
    );
    expect(counts).toEqual({ examined: 2, live: 0, requeued: 2, removedFinishedJobs: 2, blocked: 0 });
    expect(await publish(queue)).toBe(2);
    expect(await jobStates(queue, [completed, failed])).toEqual(['waiting', 'waiting']);
    const job = await queue.getJob(submitJobId(completed.id, 0));
    expect(job?.data).toEqual({ intentId: completed.id, generation: 0 });
    expect(job?.finishedOn).toBeUndefined();
    await queue.close();
  });

  test('after Redis lost everything, the sweep and the relay bring the intent to AWAITING_PAYMENT', async ({
    bullmq,
    databaseUrl,
  }) => {
    const vexora: FakeVexora = await startFakeVexora(DEFAULT_SANDBOX_ACCOUNTS[0]!.appSecret);
    const gateways: GatewayClient[] = [];
    const queue = createSubmitQueue({ connection: bullmq.connection, prefix: bullmq.prefix, maxAttempts: 3 });
    const relay = await startOutboxRelay({
      databaseUrl,
      queues: { [SUBMIT_QUEUE]: queue },
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      pollIntervalMs: 100,
    });
    const worker = bullmq.createWorker(
      SUBMIT_QUEUE,
      createSubmitProcessor({
        prisma,
        gatewayFor: (account) => {
          const client = createGatewayClient({ baseUrl: vexora.url, account, timeoutMs: 2_000 });
          gateways.push(client);
          return client;
        },
        accounts: DEFAULT_SANDBOX_ACCOUNTS,
        notifyUrl: 'http://127.0.0.1:9/notify',
        defaultReturnUrl: 'http://127.0.0.1:9/return',
      }),
    );
    try {
      // Published long ago, and the job is gone (FLUSHALL): nothing would ever submit it.
      const lost = await insertIntent(prisma, { state: 'PENDING', stateChangedAt: minutesAgo(10) });
      expect(
        await republishOrphanedIntents({ prisma, submitQueue: queue }, { ...limits, graceMs: 120_000 }),
      ).toMatchObject({ requeued: 1 });
      const after = await waitUntil(
        () => prisma.checkoutIntent.findUniqueOrThrow({ where: { id: lost.id } }),
        (intent) => intent.state === 'AWAITING_PAYMENT',
        { what: 'the lost intent to be submitted' },
      );
      expect(after.paymentLink).toBe(`https://pay.example/P-${lost.tradeNo}`);
      expect(vexora.received.filter((r) => r.body.tradeNo === lost.tradeNo)).toHaveLength(1);
    } finally {
      await relay.stop();
      await worker.close();
      await queue.close();
      await Promise.all(gateways.map((client) => client.close()));
      await vexora.close();
    }
  });
});

describe('resolveStuckSubmissions', () => {
  test('UNKNOWN and SUBMITTING past the lease without a live job are republished; fresh ones and live jobs are left alone', async ({
    bullmq,
  }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const unknown = await insertIntent(prisma, { state: 'UNKNOWN', stateChangedAt: minutesAgo(5) });
    const unknownLive = await insertIntent(prisma, { state: 'UNKNOWN', stateChangedAt: minutesAgo(5) });
    const unknownFresh = await insertIntent(prisma, { state: 'UNKNOWN', stateChangedAt: minutesAgo(1) });
    const stalled = await insertIntent(prisma, { state: 'SUBMITTING', stateChangedAt: minutesAgo(2) });
    const submitting = await insertIntent(prisma, { state: 'SUBMITTING', stateChangedAt: minutesAgo(0.5) });
    await addJob(queue, unknownLive);

    const counts = await resolveStuckSubmissions(
      { prisma, submitQueue: queue },
      { ...limits, unknownAfterMs: 120_000, submittingLeaseMs: 60_000 },
    );
    expect(counts.unknown).toMatchObject({ examined: 2, live: 1, requeued: 1 });
    expect(counts.submitting).toMatchObject({ examined: 1, live: 0, requeued: 1 });
    const rows = await unpublishedRows(prisma, [
      unknown.id,
      unknownLive.id,
      unknownFresh.id,
      stalled.id,
      submitting.id,
    ]);
    expect(rows.map((row) => row.intentId).sort()).toEqual([unknown.id, stalled.id].sort());
    expect(rows.find((row) => row.intentId === stalled.id)?.payload).toMatchObject({
      reason: 'sweep.submitting_stalled',
    });
    // Nothing changes state here: the submit job resolves them through the Query API.
    expect(await prisma.statusHistory.count()).toBe(0);
    await queue.close();
  });
});

describe('concurrent sweeps', () => {
  test('two sweeps at once republish each orphan exactly once', async ({ bullmq, createRedis }) => {
    const queue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const intents: TestIntent[] = [];
    for (let index = 0; index < 60; index += 1) {
      const state = index % 3 === 0 ? 'PENDING' : index % 3 === 1 ? 'UNKNOWN' : 'SUBMITTING';
      intents.push(await insertIntent(prisma, { state, stateChangedAt: minutesAgo(10) }));
    }
    const vexora = await startFakeVexora(DEFAULT_SANDBOX_ACCOUNTS[0]!.appSecret);
    const gateway = createGatewayClient({
      baseUrl: vexora.url,
      account: DEFAULT_SANDBOX_ACCOUNTS[0]!,
      timeoutMs: 2_000,
    });
    const redis = createRedis();
    const processor = createSweepProcessor({
      prisma,
      submitQueue: queue,
      redis,
      keyPrefix: bullmq.prefix,
      gatewayFor: () => gateway,
      accounts: DEFAULT_SANDBOX_ACCOUNTS,
      options: { batchSize: 7 },
    });
    try {
      const job = {} as Job<Record<string, never>>;
      const [first, second] = await Promise.all([processor(job), processor(job)]);
      const requeued = (report: typeof first) =>
        report.orphaned.requeued + report.stuck.unknown.requeued + report.stuck.submitting.requeued;
      expect(requeued(first) + requeued(second)).toBe(60);
      const rows = await unpublishedRows(
        prisma,
        intents.map((intent) => intent.id),
      );
      expect(rows).toHaveLength(60);
      expect(new Set(rows.map((row) => row.intentId)).size).toBe(60);
      // And once more, after the relay: every job is live, nothing is added.
      expect(await publish(queue)).toBe(60);
      const again = await processor(job);
      expect(requeued(again)).toBe(0);
      expect(await prisma.outboxEvent.count({ where: { publishedAt: null } })).toBe(0);
    } finally {
      await gateway.close();
      await vexora.close();
      await queue.close();
      await quitRedis(redis);
    }
  });
});

describe('the sweep scheduler', () => {
  test('two workers upserting the scheduler leave one, and its job runs the sweep', async ({
    bullmq,
    createRedis,
  }) => {
    const first = createSweepQueue({ connection: bullmq.connection, prefix: bullmq.prefix });
    const second = createSweepQueue({ connection: bullmq.connection, prefix: bullmq.prefix });
    const submitQueue = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
    const orphan = await insertIntent(prisma, { state: 'PENDING', stateChangedAt: minutesAgo(10) });
    try {
      await Promise.all([scheduleSweeps(first, 60_000), scheduleSweeps(second, 60_000)]);
      await scheduleSweeps(second, 500);
      expect(await first.getJobSchedulersCount()).toBe(1);
      expect((await first.getJobSchedulers()).map((scheduler) => scheduler.every)).toEqual([500]);

      const redis = createRedis();
      const worker = bullmq.createWorker(
        SWEEP_QUEUE,
        createSweepProcessor({
          prisma,
          submitQueue,
          redis,
          keyPrefix: bullmq.prefix,
          gatewayFor: () => {
            throw new Error('no gateway call expected');
          },
          accounts: DEFAULT_SANDBOX_ACCOUNTS,
          options: DEFAULT_SWEEP_OPTIONS,
        }),
      );
      await waitUntil(
        () => unpublishedRows(prisma, [orphan.id]),
        (rows) => rows.length === 1,
        { what: 'a scheduled sweep to republish the orphan' },
      );
      await worker.close();
      await quitRedis(redis);
    } finally {
      await first.close();
      await second.close();
      await submitQueue.close();
    }
  });
});
