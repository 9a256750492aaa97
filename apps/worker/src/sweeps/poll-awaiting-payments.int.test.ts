import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { createGatewayClient, type GatewayClient } from '@vexora-checkout/gateway-client';
import { afterAll, beforeEach, describe, expect, test } from '@vexora-checkout/testing';
import type { Redis } from 'ioredis';
import { busy, queryFound, startFakeVexora, type FakeVexora } from '../../test/start-fake-vexora.js';
import { insertIntent, minutesAgo, quitRedis, SWEEP_ACCOUNT } from '../../test/sweeps-test-support.js';
import { pollAwaitingPayments, type PollAwaitingPaymentsOptions } from './poll-awaiting-payments.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let prisma: PrismaClient;
let vexora: FakeVexora;
let gateway: GatewayClient;

test.beforeAll(async ({ databaseUrl }) => {
  prisma = createPrismaClient({ databaseUrl, poolSize: 8 });
  vexora = await startFakeVexora(SWEEP_ACCOUNT.appSecret);
  gateway = createGatewayClient({ baseUrl: vexora.url, account: SWEEP_ACCOUNT, timeoutMs: 2_000 });
});
afterAll(async () => {
  await gateway.close();
  await vexora.close();
  await prisma.$disconnect();
});
beforeEach(async () => {
  await prisma.$executeRawUnsafe(
    'TRUNCATE reconciliation_exception, gateway_notification, superseded_trade_no, outbox_event, submission_attempt, status_history, checkout_intent',
  );
});

const options: PollAwaitingPaymentsOptions = {
  scheduleMs: [5 * MINUTE, HOUR, 6 * HOUR],
  paymentWindowMs: 24 * HOUR,
  batchSize: 500,
  concurrency: 4,
  claimTtlMs: 30_000,
  redisTimeoutMs: 5_000,
};

function poller(redis: Redis, keyPrefix: string) {
  /** One sweep with the clock at `enteredAt + afterMs`. */
  return (enteredAt: Date, afterMs: number) =>
    pollAwaitingPayments(
      {
        prisma,
        gatewayFor: () => gateway,
        accounts: DEFAULT_SANDBOX_ACCOUNTS,
        redis,
        keyPrefix,
        now: () => new Date(enteredAt.getTime() + afterMs),
      },
      options,
    );
}

const queriesOf = (tradeNo: string) =>
  vexora.received.filter((r) => r.path === '/v1/vexora/queryPayInResult' && r.body.tradeNo === tradeNo)
    .length;

describe('pollAwaitingPayments', () => {
  test('asks once per step of the schedule, records each answer, and expires after a last look at the window end', async ({
    bullmq,
    createRedis,
  }) => {
    const redis = createRedis();
    try {
      // Entered a minute ago in real time (attempt rows carry the database's clock); the sweep's
      // clock then moves forward from there.
      const entered = minutesAgo(1);
      const intent = await insertIntent(prisma, { state: 'AWAITING_PAYMENT', stateChangedAt: entered });
      const sweep = poller(redis, bullmq.prefix);

      expect(await sweep(entered, 4 * MINUTE)).toMatchObject({ due: 0, queried: 0 });
      vexora.script('/v1/vexora/queryPayInResult', queryFound(intent.tradeNo));
      expect(await sweep(entered, 6 * MINUTE)).toMatchObject({ due: 1, queried: 1, processing: 1 });
      // The same step is not asked again at the next sweeps.
      expect(await sweep(entered, 7 * MINUTE)).toMatchObject({ due: 0, queried: 0 });
      expect(await sweep(entered, 59 * MINUTE)).toMatchObject({ due: 0 });
      vexora.script('/v1/vexora/queryPayInResult', queryFound(intent.tradeNo));
      expect(await sweep(entered, 61 * MINUTE)).toMatchObject({ queried: 1, processing: 1 });
      vexora.script('/v1/vexora/queryPayInResult', busy);
      expect(await sweep(entered, 7 * HOUR)).toMatchObject({ queried: 1, inconclusive: 1 });
      expect(await sweep(entered, 23 * HOUR)).toMatchObject({ due: 0, expired: 0 });
      expect(queriesOf(intent.tradeNo)).toBe(3);
      const attempts = await prisma.submissionAttempt.findMany({
        where: { intentId: intent.id },
        orderBy: { id: 'asc' },
      });
      expect(attempts.map((a) => [a.kind, a.outcome, a.gatewayStatus])).toEqual([
        ['query', 'found', '0015'],
        ['query', 'found', '0015'],
        ['query', 'retryable', null],
      ]);
      // Not expired while the window runs.
      expect((await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } })).state).toBe(
        'AWAITING_PAYMENT',
      );

      // Window's end: a last look that proves nothing does not expire it…
      vexora.script('/v1/vexora/queryPayInResult', busy);
      expect(await sweep(entered, 24 * HOUR + MINUTE)).toMatchObject({ queried: 1, expired: 0 });
      // …the next sweep asks again, and "still processing" does.
      vexora.script('/v1/vexora/queryPayInResult', queryFound(intent.tradeNo));
      expect(await sweep(entered, 24 * HOUR + 2 * MINUTE)).toMatchObject({ queried: 1, expired: 1 });
      const expired = await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } });
      expect(expired.state).toBe('EXPIRED');
      const history = await prisma.statusHistory.findMany({ where: { intentId: intent.id } });
      expect(history).toMatchObject([
        {
          fromState: 'AWAITING_PAYMENT',
          toState: 'EXPIRED',
          actor: 'sweeper',
          reason: 'payment_window.passed',
          details: { tradeNo: intent.tradeNo, gatewayStatus: '0015' },
        },
      ]);
      expect(await sweep(entered, 25 * HOUR)).toMatchObject({ due: 0 });
    } finally {
      await quitRedis(redis);
    }
  });

  test('a final status found by a poll is applied (the query is the proof), then never polled again', async ({
    bullmq,
    createRedis,
  }) => {
    const redis = createRedis();
    try {
      const entered = minutesAgo(1);
      // Polled oldest first: the paid one, then the failed one.
      const paid = await insertIntent(prisma, { state: 'AWAITING_PAYMENT', stateChangedAt: minutesAgo(2) });
      const failed = await insertIntent(prisma, { state: 'AWAITING_PAYMENT', stateChangedAt: entered });
      const sweep = poller(redis, bullmq.prefix);
      vexora.script(
        '/v1/vexora/queryPayInResult',
        queryFound(paid.tradeNo, '0000'),
        queryFound(failed.tradeNo, '00031'),
      );
      // One poll at a time, so the scripted answers meet their intents in order.
      const counts = await pollAwaitingPayments(
        {
          prisma,
          gatewayFor: () => gateway,
          accounts: DEFAULT_SANDBOX_ACCOUNTS,
          redis,
          keyPrefix: bullmq.prefix,
          now: () => new Date(entered.getTime() + 6 * MINUTE),
        },
        { ...options, concurrency: 1 },
      );
      expect(counts).toMatchObject({ queried: 2, finalSeen: 2, applied: 2, exceptions: 0 });
      const paidAfter = await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: paid.id } });
      expect(paidAfter).toMatchObject({ state: 'PAID', gatewayStatus: '0000' });
      expect(paidAfter.paidAmount?.toFixed(2)).toBe('12.50');
      expect(await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({
        state: 'FAILED',
        gatewayStatus: '00031',
        lastErrorCode: '00031',
      });
      expect(await prisma.statusHistory.findMany({ where: { intentId: paid.id } })).toMatchObject([
        { fromState: 'AWAITING_PAYMENT', toState: 'PAID', actor: 'sweeper', reason: 'gateway.paid' },
      ]);
      expect(await sweep(entered, 2 * HOUR)).toMatchObject({ due: 0 });
      expect(await sweep(entered, 48 * HOUR)).toMatchObject({ due: 0, expired: 0 });
    } finally {
      await quitRedis(redis);
    }
  });

  test('a final status that cannot be applied (amount mismatch) becomes an exception; the intent waits for an operator', async ({
    bullmq,
    createRedis,
  }) => {
    const redis = createRedis();
    try {
      const entered = minutesAgo(1);
      const intent = await insertIntent(prisma, { state: 'AWAITING_PAYMENT', stateChangedAt: entered });
      const sweep = poller(redis, bullmq.prefix);
      vexora.script('/v1/vexora/queryPayInResult', queryFound(intent.tradeNo, '0000', '99.00'));
      expect(await sweep(entered, 6 * MINUTE)).toMatchObject({ queried: 1, finalSeen: 1, exceptions: 1 });
      expect(await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } })).toMatchObject({
        state: 'AWAITING_PAYMENT',
      });
      expect(await prisma.reconciliationException.findMany({ where: { intentId: intent.id } })).toMatchObject(
        [
          {
            kind: 'amount_mismatch',
            dedupeKey: `amount_mismatch:query:${intent.id}:g0:0000`,
            gatewayStatus: '0000',
          },
        ],
      );
      expect(await sweep(entered, 2 * HOUR)).toMatchObject({ due: 0 });
      expect(await sweep(entered, 48 * HOUR)).toMatchObject({ due: 0, expired: 0 });
      expect(await prisma.statusHistory.count({ where: { intentId: intent.id } })).toBe(0);
    } finally {
      await quitRedis(redis);
    }
  });

  test('an intent that left AWAITING_PAYMENT (paid through a notification) is not expired', async ({
    bullmq,
    createRedis,
  }) => {
    const redis = createRedis();
    try {
      const entered = minutesAgo(1);
      const paid = await insertIntent(prisma, { state: 'PAID', stateChangedAt: entered });
      expect(await poller(redis, bullmq.prefix)(entered, 25 * HOUR)).toMatchObject({ due: 0, expired: 0 });
      expect(queriesOf(paid.tradeNo)).toBe(0);
    } finally {
      await quitRedis(redis);
    }
  });

  test('two sweeps at once ask about each due intent once', async ({ bullmq, createRedis }) => {
    const first = createRedis();
    const second = createRedis();
    try {
      const entered = minutesAgo(1);
      const intents = [];
      for (let index = 0; index < 30; index += 1)
        intents.push(await insertIntent(prisma, { state: 'AWAITING_PAYMENT', stateChangedAt: entered }));
      const [a, b] = await Promise.all([
        poller(first, bullmq.prefix)(entered, 6 * MINUTE),
        poller(second, bullmq.prefix)(entered, 6 * MINUTE),
      ]);
      expect(a.queried + b.queried).toBe(30);
      for (const intent of intents) expect(queriesOf(intent.tradeNo)).toBe(1);
      expect(
        await prisma.submissionAttempt.count({ where: { intentId: { in: intents.map((i) => i.id) } } }),
      ).toBe(30);
      // Past the window, both at once again: each expired once, with one history row.
      const [c, d] = await Promise.all([
        poller(first, bullmq.prefix)(entered, 25 * HOUR),
        poller(second, bullmq.prefix)(entered, 25 * HOUR),
      ]);
      // The fake answers "not found" by default: at the window's end that expires the intent.
      expect(c.expired + d.expired).toBe(30);
      expect(await prisma.statusHistory.count({ where: { toState: 'EXPIRED' } })).toBe(30);
      for (const intent of intents) expect(queriesOf(intent.tradeNo)).toBe(2);
    } finally {
      await quitRedis(first);
      await quitRedis(second);
    }
  });
});
