import {
  DEFAULT_SANDBOX_ACCOUNTS,
  NOTIFICATION_RECONCILE_JOB,
  NOTIFICATION_RECONCILE_JOB_OPTIONS,
  NOTIFICATION_RECONCILE_QUEUE,
  notificationReconcileJobId,
  type VexoraAccount,
} from '@vexora-checkout/contracts';
import { createDatabaseClients, type PrismaClient } from '@vexora-checkout/db';
import { createGatewayClient, type GatewayClient } from '@vexora-checkout/gateway-client';
import { afterAll, beforeEach, describe, expect, test, waitUntil } from '@vexora-checkout/testing';
import type pg from 'pg';
import { startTestSandbox, type TestSandbox } from '../../../sandbox/test/support/start-test-sandbox.js';
import {
  createOrderIntent,
  insertNotification,
  startNotifySink,
  type NotificationClaim,
} from '../../test/reconcile-test-support.js';
import { applyGatewayStatus } from './apply-gateway-status.js';
import { createReconcileProcessor } from './reconcile-queue.js';
import { reconcileFast, reconcileNotification, type ReconcileDeps } from './reconcile-notification.js';

const USD = DEFAULT_SANDBOX_ACCOUNTS[0]!;
const TRUSTING_USD: VexoraAccount = { ...USD, trustSignedNotifications: true };

let prisma: PrismaClient;
let pool: pg.Pool;
let sandbox: TestSandbox;
let gateway: GatewayClient;
let sink: Awaited<ReturnType<typeof startNotifySink>>;

test.beforeAll(async ({ databaseUrl }) => {
  ({ prisma, pool } = createDatabaseClients({ databaseUrl, poolSize: 8 }));
  sink = await startNotifySink();
  sandbox = await startTestSandbox();
  gateway = createGatewayClient({ baseUrl: sandbox.url, account: USD, timeoutMs: 5_000 });
});
afterAll(async () => {
  await gateway.close();
  await sandbox.stop();
  await sink.close();
  await prisma.$disconnect();
  if (!pool.ended) await pool.end();
});
beforeEach(async () => {
  await prisma.$executeRawUnsafe(
    'TRUNCATE reconciliation_exception, gateway_notification, superseded_trade_no, outbox_event, submission_attempt, status_history, checkout_intent',
  );
});

/** The reconcile deps with the given account settings (non-trusting by default). */
const depsWith = (account: VexoraAccount = USD): ReconcileDeps => ({
  prisma,
  accounts: [account],
  gatewayFor: () => gateway,
});
const reconcile = (id: bigint, account?: VexoraAccount) => reconcileNotification(depsWith(account), id);
/** With the pool: the fast path's statements as the worker runs them (the deps above run them through Prisma). */
const fastDeps = (account: VexoraAccount = USD): ReconcileDeps => ({ ...depsWith(account), pool });

const order = (options: Partial<Parameters<typeof createOrderIntent>[3]> = {}) =>
  createOrderIntent(prisma, gateway, USD, { notifyUrl: sink.url, ...options });
const settle = async (tradeNo: string, body: Record<string, unknown>) => {
  const answer = await sandbox.admin('POST', `/orders/${USD.merchantNo}/${tradeNo}/settle`, body);
  expect(answer.status).toBe(200);
};
const notify = (claim: NotificationClaim) => insertNotification(prisma, claim);
const intentOf = (id: string) => prisma.checkoutIntent.findUniqueOrThrow({ where: { id } });
const historyOf = (id: string) =>
  prisma.statusHistory.findMany({ where: { intentId: id }, orderBy: { id: 'asc' } });
const exceptionsOf = (where: { intentId?: string; notificationId?: bigint }) =>
  prisma.reconciliationException.findMany({ where, orderBy: { id: 'asc' } });
const queriesOf = (intentId: string) =>
  prisma.submissionAttempt.count({ where: { intentId, kind: 'query' } });

describe('reconcileNotification: proven claims', () => {
  test('an unsigned 0000 confirmed by the Query API makes the intent PAID, in one transaction with the row', async () => {
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'paid' });
    const id = await notify({
      tradeNo: intent.tradeNo,
      platformTradeNo: intent.platformTradeNo,
      status: '0000',
      amount: '12.50',
    });

    const result = await reconcile(id);

    expect(result).toMatchObject({
      outcome: 'applied',
      proof: 'query',
      intentId: intent.id,
      processedNow: true,
    });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'PAID', gatewayStatus: '0000' });
    expect((await intentOf(intent.id)).paidAmount?.toFixed(2)).toBe('12.50');
    expect(await historyOf(intent.id)).toMatchObject([
      { fromState: 'AWAITING_PAYMENT', toState: 'PAID', actor: 'reconcile', reason: 'gateway.paid' },
    ]);
    const row = await prisma.gatewayNotification.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ outcome: 'applied', intentId: intent.id, attempts: 1 });
    expect(row.processedAt).not.toBeNull();
    expect(await queriesOf(intent.id)).toBe(1);
    // A second run of the same job changes nothing and asks nothing.
    expect(await reconcile(id)).toMatchObject({ outcome: 'applied', processedNow: false });
    expect(await queriesOf(intent.id)).toBe(1);
    expect(await historyOf(intent.id)).toHaveLength(1);
  });

  test('0001 makes it PARTIALLY_PAID with the paid amount; 00029 makes it FAILED with the raw code', async () => {
    const partial = await order();
    await settle(partial.tradeNo, { outcome: 'partial', amount: '5.25' });
    const failed = await order();
    await settle(failed.tradeNo, { outcome: 'failed' });

    await reconcile(await notify({ tradeNo: partial.tradeNo, status: '0001', amount: '5.25' }));
    await reconcile(await notify({ tradeNo: failed.tradeNo, status: '00029', amount: '12.50' }));

    const paidPart = await intentOf(partial.id);
    expect(paidPart.state).toBe('PARTIALLY_PAID');
    expect(paidPart.paidAmount?.toFixed(2)).toBe('5.25');
    expect(await intentOf(failed.id)).toMatchObject({
      state: 'FAILED',
      gatewayStatus: '00029',
      lastErrorCode: '00029',
    });
    expect((await historyOf(failed.id)).map((h) => h.reason)).toEqual(['gateway.failed']);
  });

  test('a trusting account applies a validly signed claim without asking the Query API', async () => {
    const intent = await order();
    // The sandbox still holds the order unpaid: the state can only come from the signed body.
    const id = await notify({
      tradeNo: intent.tradeNo,
      status: '0000',
      amount: '12.50',
      signature: 'valid',
      accountId: USD.id,
    });
    // The fast path takes it (here through Prisma's runner).
    expect(await reconcileFast(depsWith(TRUSTING_USD), id)).toMatchObject({
      result: { outcome: 'applied', proof: 'signature' },
    });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'PAID' });
    expect(await queriesOf(intent.id)).toBe(0);
  });

  test('a late payment after EXPIRED is applied and flagged', async () => {
    const intent = await order({ state: 'EXPIRED' });
    await settle(intent.tradeNo, { outcome: 'paid' });
    const id = await notify({ tradeNo: intent.tradeNo, status: '0000', amount: '12.50' });
    expect(await reconcile(id)).toMatchObject({
      outcome: 'applied',
      exceptions: ['late_payment_after_expired'],
    });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'PAID' });
    expect(await historyOf(intent.id)).toMatchObject([
      { fromState: 'EXPIRED', toState: 'PAID', reason: 'gateway.paid.after_expired' },
    ]);
    expect(await exceptionsOf({ intentId: intent.id })).toMatchObject([
      {
        kind: 'late_payment_after_expired',
        notificationId: id,
        tradeNo: intent.tradeNo,
        gatewayStatus: '0000',
      },
    ]);
  });

  test('SUBMIT_FAILED yields to a proven status and is flagged', async () => {
    const intent = await order({ state: 'SUBMIT_FAILED' });
    await settle(intent.tradeNo, { outcome: 'paid' });
    await reconcile(await notify({ tradeNo: intent.tradeNo, status: '0000', amount: '12.50' }));
    expect(await intentOf(intent.id)).toMatchObject({ state: 'PAID' });
    expect((await historyOf(intent.id))[0]?.reason).toBe('gateway.paid.overrides_submit_failed');
    expect((await exceptionsOf({ intentId: intent.id })).map((e) => e.kind)).toEqual([
      'local_state_overridden',
    ]);
  });
});

describe('reconcileNotification: duplicates and disorder', () => {
  test('each delivery five times, newest first, through the BullMQ job: one history row, final state kept', async ({
    bullmq,
  }) => {
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'paid' });
    const claims: NotificationClaim[] = [
      { tradeNo: intent.tradeNo, platformTradeNo: intent.platformTradeNo, status: '0015', amount: '12.50' },
      { tradeNo: intent.tradeNo, platformTradeNo: intent.platformTradeNo, status: '0000', amount: '12.50' },
    ];
    // Reverse order: the final 0000 deliveries first, the stale 0015 ones last.
    const ids: bigint[] = [];
    for (const claim of [...claims].reverse()) for (let n = 0; n < 5; n += 1) ids.push(await notify(claim));

    const queue = bullmq.createQueue(NOTIFICATION_RECONCILE_QUEUE);
    const worker = bullmq.createWorker(NOTIFICATION_RECONCILE_QUEUE, createReconcileProcessor(depsWith()), {
      concurrency: 4,
    });
    await queue.addBulk(
      ids.map((id) => ({
        name: NOTIFICATION_RECONCILE_JOB,
        data: { notificationId: id.toString() },
        opts: { ...NOTIFICATION_RECONCILE_JOB_OPTIONS, jobId: notificationReconcileJobId(id) },
      })),
    );
    const rows = await waitUntil(
      () => prisma.gatewayNotification.findMany({ orderBy: { id: 'asc' } }),
      (all) => all.length === 10 && all.every((row) => row.processedAt !== null),
      { what: 'every delivery reconciled' },
    );
    await worker.close();
    await queue.close();

    expect(await intentOf(intent.id)).toMatchObject({ state: 'PAID' });
    expect(await historyOf(intent.id)).toMatchObject([{ toState: 'PAID', actor: 'reconcile' }]);
    const outcomes = rows.map((row) => row.outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    // Concurrent copies may each have been proven before the first committed: those find the
    // intent already PAID (no_change); later copies are recognised as duplicates.
    expect(outcomes.slice(0, 5).every((o) => o === 'applied' || o === 'duplicate' || o === 'no_change')).toBe(
      true,
    );
    expect(outcomes.slice(5).every((o) => o === 'no_change')).toBe(true);
    expect(await exceptionsOf({ intentId: intent.id })).toEqual([]);
  });

  test('a stale 0015 after a 0000 never moves the state back; a repeat is a duplicate', async () => {
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'paid' });
    const paid = { tradeNo: intent.tradeNo, status: '0000', amount: '12.50' };
    expect((await reconcile(await notify(paid))).outcome).toBe('applied');
    expect((await reconcile(await notify({ ...paid, status: '0015' }))).outcome).toBe('no_change');
    expect((await reconcile(await notify(paid))).outcome).toBe('duplicate');
    expect(await intentOf(intent.id)).toMatchObject({ state: 'PAID' });
    expect(await historyOf(intent.id)).toHaveLength(1);
  });

  test('a conflicting final claim on a final intent is an exception, not a change', async () => {
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'paid' });
    await reconcile(await notify({ tradeNo: intent.tradeNo, status: '0000', amount: '12.50' }));
    const forged = await notify({
      tradeNo: intent.tradeNo,
      status: '00029',
      amount: '12.50',
      signature: 'valid',
      accountId: USD.id,
    });
    expect(await reconcile(forged, TRUSTING_USD)).toMatchObject({
      outcome: 'exception',
      exceptions: ['conflicting_final_status'],
    });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'PAID' });
    expect(await historyOf(intent.id)).toHaveLength(1);
  });
});

describe('reconcileNotification: forged or wrong claims change nothing', () => {
  test('an invalid signature is rejected without a query', async () => {
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'paid' });
    const id = await notify({
      tradeNo: intent.tradeNo,
      status: '0000',
      amount: '12.50',
      signature: 'invalid',
    });
    expect(await reconcile(id)).toMatchObject({
      outcome: 'rejected_signature',
      exceptions: ['invalid_signature'],
    });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'AWAITING_PAYMENT' });
    expect(await queriesOf(intent.id)).toBe(0);
    expect(await exceptionsOf({ notificationId: id })).toMatchObject([
      { kind: 'invalid_signature', intentId: intent.id, dedupeKey: `invalid_signature:notification:${id}` },
    ]);
    expect(await prisma.gatewayNotification.findUniqueOrThrow({ where: { id } })).toMatchObject({
      outcome: 'rejected_signature',
    });
  });

  test('an unknown tradeNo is an exception (an orphan payment when it claims one)', async () => {
    const id = await notify({ tradeNo: 'NOSUCHTRADENO0001', status: '0000', amount: '99.00' });
    expect(await reconcile(id)).toMatchObject({ outcome: 'exception', intentId: null });
    expect(await exceptionsOf({ notificationId: id })).toMatchObject([
      {
        kind: 'unknown_trade_no',
        intentId: null,
        tradeNo: 'NOSUCHTRADENO0001',
        evidence: { orphanPayment: true },
      },
    ]);
  });

  test('the right tradeNo with a wrong amount: the query contradicts it (unsigned), or amount_mismatch (trusted)', async () => {
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'paid' });
    const unsigned = await notify({ tradeNo: intent.tradeNo, status: '0000', amount: '1.00' });
    expect(await reconcile(unsigned)).toMatchObject({
      outcome: 'exception',
      exceptions: ['unconfirmed_claim'],
    });
    const signed = await notify({
      tradeNo: intent.tradeNo,
      status: '0000',
      amount: '1.00',
      signature: 'valid',
      accountId: USD.id,
    });
    expect(await reconcile(signed, TRUSTING_USD)).toMatchObject({
      outcome: 'exception',
      exceptions: ['amount_mismatch'],
    });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'AWAITING_PAYMENT', paidAmount: null });
    expect(await historyOf(intent.id)).toEqual([]);
    expect(await exceptionsOf({ intentId: intent.id })).toMatchObject([
      { kind: 'unconfirmed_claim', reportedAmount: expect.anything() as unknown },
      { kind: 'amount_mismatch', gatewayStatus: '0000' },
    ]);
    const [mismatch] = await exceptionsOf({ notificationId: signed });
    expect(mismatch?.expectedAmount?.toFixed(2)).toBe('12.50');
    expect(mismatch?.reportedAmount?.toFixed(2)).toBe('1.00');
  });

  test('a 0000 for an order Vexora holds unpaid: unsigned, or signed for a non-trusting account', async () => {
    const intent = await order();
    const unsigned = await notify({ tradeNo: intent.tradeNo, status: '0000', amount: '12.50' });
    const signed = await notify({
      tradeNo: intent.tradeNo,
      status: '0000',
      amount: '12.50',
      signature: 'valid',
      accountId: USD.id,
    });
    expect(await reconcile(unsigned)).toMatchObject({
      outcome: 'exception',
      exceptions: ['unconfirmed_claim'],
    });
    expect(await reconcile(signed)).toMatchObject({
      outcome: 'exception',
      proof: 'query',
      exceptions: ['unconfirmed_claim'],
    });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'AWAITING_PAYMENT' });
    expect(await queriesOf(intent.id)).toBe(2);
    const [first] = await exceptionsOf({ notificationId: unsigned });
    expect(first?.evidence).toMatchObject({ query: { outcome: 'found', status: '0015' } });
  });

  test('a signature from another account than the intent’s is not trusted', async () => {
    const intent = await order();
    const id = await notify({
      tradeNo: intent.tradeNo,
      status: '0000',
      amount: '12.50',
      signature: 'valid',
      accountId: 'sandbox-khr',
    });
    expect(await reconcile(id, TRUSTING_USD)).toMatchObject({ outcome: 'exception', proof: 'query' });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'AWAITING_PAYMENT' });
  });

  test('a query that proves nothing throws (the job retries) and records nothing but the attempt', async () => {
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'paid' });
    const id = await notify({ tradeNo: intent.tradeNo, status: '0000', amount: '12.50' });
    await sandbox.admin('PUT', '/scenario', { faults: { endpoints: ['query'], code5000: 1 } });
    try {
      await expect(reconcile(id)).rejects.toThrow(/proved nothing/);
    } finally {
      await sandbox.admin('PUT', '/scenario', {});
    }
    expect(await prisma.gatewayNotification.findUniqueOrThrow({ where: { id } })).toMatchObject({
      processedAt: null,
      attempts: 1,
    });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'AWAITING_PAYMENT' });
    expect((await reconcile(id)).outcome).toBe('applied');
  });
});

describe('superseding tradeNo', () => {
  test('a link-less order found failed gets a new tradeNo; a later payment on the old one is an exception', async () => {
    const intent = await order({ linkless: true });
    await settle(intent.tradeNo, { outcome: 'failed' });
    const id = await notify({ tradeNo: intent.tradeNo, status: '00029', amount: '12.50' });

    expect(await reconcile(id)).toMatchObject({ outcome: 'superseded' });

    const after = await intentOf(intent.id);
    const newTradeNo = `${intent.tradeNo.slice(0, -2)}01`;
    expect(after).toMatchObject({
      state: 'PENDING',
      submissionGeneration: 1,
      tradeNo: newTradeNo,
      platformTradeNo: null,
      gatewayStatus: null,
      lastErrorCode: null,
    });
    expect(await prisma.supersededTradeNo.findMany({ where: { intentId: intent.id } })).toMatchObject([
      {
        tradeNo: intent.tradeNo,
        generation: 0,
        platformTradeNo: intent.platformTradeNo,
        gatewayStatus: '00029',
        reason: 'failed_without_payment_link',
      },
    ]);
    expect(
      await prisma.outboxEvent.findMany({
        where: { intentId: intent.id },
        select: { eventType: true, generation: true, publishedAt: true },
      }),
    ).toEqual([{ eventType: 'checkout.submit', generation: 1, publishedAt: null }]);
    expect(await historyOf(intent.id)).toMatchObject([
      {
        fromState: 'AWAITING_PAYMENT',
        toState: 'PENDING',
        actor: 'reconcile',
        reason: 'trade_no.superseded',
        details: { supersededTradeNo: intent.tradeNo, tradeNo: newTradeNo, generation: 1 },
      },
    ]);

    // The old tradeNo's failure again: matched through superseded_trade_no, nothing to change.
    expect(
      (
        await reconcile(
          await notify({ tradeNo: intent.tradeNo, status: '00029', amount: '12.50', platformTradeNo: 'x' }),
        )
      ).outcome,
    ).toBe('no_change');
    // A payment claimed on the old tradeNo, proven by a trusted signature: surfaced, not applied.
    const late = await notify({
      tradeNo: intent.tradeNo,
      status: '0000',
      amount: '12.50',
      signature: 'valid',
      accountId: USD.id,
    });
    expect(await reconcile(late, TRUSTING_USD)).toMatchObject({
      outcome: 'exception',
      intentId: intent.id,
      exceptions: ['payment_on_superseded_trade_no'],
    });
    expect(await exceptionsOf({ notificationId: late })).toMatchObject([
      {
        kind: 'payment_on_superseded_trade_no',
        tradeNo: intent.tradeNo,
        evidence: { supersededTradeNo: intent.tradeNo, liveTradeNo: newTradeNo },
      },
    ]);
    expect(await intentOf(intent.id)).toMatchObject({ state: 'PENDING', tradeNo: newTradeNo });
  });

  test('an order that had a link and failed is FAILED, not superseded', async () => {
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'failed' });
    expect((await reconcile(await notify({ tradeNo: intent.tradeNo, status: '00029' }))).outcome).toBe(
      'applied',
    );
    expect(await intentOf(intent.id)).toMatchObject({ state: 'FAILED', submissionGeneration: 0 });
    expect(await prisma.supersededTradeNo.count()).toBe(0);
  });

  test('applyGatewayStatus works without a notification (a query answer), and twice is once', async () => {
    const intent = await order({ linkless: true });
    const report = {
      intentId: intent.id,
      tradeNo: intent.tradeNo,
      status: '00029',
      amount: '12.50',
      platformTradeNo: intent.platformTradeNo,
      source: 'query' as const,
      actor: 'worker' as const,
      exceptionScope: `query:${intent.id}:g0:00029`,
    };
    const first = await prisma.$transaction((tx) => applyGatewayStatus(tx, report));
    const second = await prisma.$transaction((tx) => applyGatewayStatus(tx, report));
    expect(first).toMatchObject({ outcome: 'superseded', state: 'PENDING' });
    expect(second).toMatchObject({ outcome: 'no_change', state: 'PENDING' });
    expect(await prisma.outboxEvent.count({ where: { intentId: intent.id } })).toBe(1);
  });
});

/** What a state change leaves on the intent and its history, without what differs between twins. */
async function changeOf(intentId: string, tradeNo: string) {
  const intent = await intentOf(intentId);
  const history = await historyOf(intentId);
  return {
    state: intent.state,
    version: intent.version,
    paidAmount: intent.paidAmount?.toFixed(2) ?? null,
    gatewayStatus: intent.gatewayStatus,
    platformTradeNo: intent.platformTradeNo === null ? null : 'set',
    lastErrorCode: intent.lastErrorCode,
    lastErrorMessage: intent.lastErrorMessage,
    history: history.map((row) => ({
      from: row.fromState,
      to: row.toState,
      actor: row.actor,
      reason: row.reason,
      details: JSON.parse(
        JSON.stringify(row.details)
          .replaceAll(tradeNo, '<tradeNo>')
          .replace(/"\d+"}$/, '"<id>"}'),
      ) as unknown,
    })),
  };
}

describe('the fast path writes what the state machine writes', () => {
  const cases = [
    { name: 'paid in full', settlement: { outcome: 'paid' }, status: '0000', amount: '12.50' },
    {
      name: 'paid in part',
      settlement: { outcome: 'partial', amount: '5.25' },
      status: '0001',
      amount: '5.25',
    },
    { name: 'failed with a link', settlement: { outcome: 'failed' }, status: '00029', amount: '12.50' },
  ] as const;

  test.each(cases)('$name', async ({ settlement, status, amount }) => {
    const fast = await order();
    const twin = await order();
    await settle(fast.tradeNo, settlement);
    await settle(twin.tradeNo, settlement);
    const id = await notify({ tradeNo: fast.tradeNo, platformTradeNo: fast.platformTradeNo, status, amount });
    const twinId = await notify({
      tradeNo: twin.tradeNo,
      platformTradeNo: twin.platformTradeNo,
      status,
      amount,
    });

    const outcome = await reconcileFast(fastDeps(), id);
    expect(outcome).toMatchObject({ result: { outcome: 'applied', proof: 'query', processedNow: true } });

    // The twin through the state machine, with the answer the Query API gives about it.
    const answer = await gateway.query(twin.tradeNo);
    if (answer.outcome !== 'found') throw new Error(`query of the twin: ${answer.outcome}`);
    await prisma.$transaction((tx) =>
      applyGatewayStatus(tx, {
        intentId: twin.id,
        tradeNo: twin.tradeNo,
        status: answer.status.code,
        amount: answer.amount,
        platformTradeNo: answer.platFormTradeNo,
        message: answer.message ?? null,
        source: 'query',
        actor: 'reconcile',
        exceptionScope: `notification:${twinId}`,
        notificationId: twinId,
      }),
    );

    const fastChange = await changeOf(fast.id, fast.tradeNo);
    expect(fastChange.history).toHaveLength(1);
    expect(fastChange).toEqual(await changeOf(twin.id, twin.tradeNo));
    const row = await prisma.gatewayNotification.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ outcome: 'applied', intentId: fast.id, attempts: 1 });
    expect(row.processedAt).not.toBeNull();
    expect(await queriesOf(fast.id)).toBe(1);
  });
});

/** An order Vexora holds paid, and the claim of its notification. */
async function paidOrder() {
  const intent = await order();
  await settle(intent.tradeNo, { outcome: 'paid' });
  return { intent, claim: { tradeNo: intent.tradeNo, status: '0000', amount: '12.50' } };
}

describe('the fast path hands over to the general path', () => {
  test('a claim its guard does not cover: the general path records it, with the same single query', async () => {
    // Trusted 0000 of another amount: the statement's amount guard fails, nothing changes there.
    const intent = await order();
    const id = await notify({
      tradeNo: intent.tradeNo,
      status: '0000',
      amount: '99.00',
      signature: 'valid',
      accountId: USD.id,
    });
    expect(await reconcileFast(fastDeps(TRUSTING_USD), id)).toEqual({});
    expect(await intentOf(intent.id)).toMatchObject({ state: 'AWAITING_PAYMENT', version: 0 });
    expect((await prisma.gatewayNotification.findUniqueOrThrow({ where: { id } })).processedAt).toBeNull();
    expect(await reconcileNotification(fastDeps(TRUSTING_USD), id)).toMatchObject({
      outcome: 'exception',
      exceptions: ['amount_mismatch'],
    });

    // A link-less order found failed is superseded (general path), after one query only.
    const linkless = await order({ linkless: true });
    await settle(linkless.tradeNo, { outcome: 'failed' });
    const failed = await notify({ tradeNo: linkless.tradeNo, status: '00029', amount: '12.50' });
    const handover = await reconcileFast(fastDeps(), failed);
    expect(handover).toMatchObject({ answered: { intentId: linkless.id, tradeNo: linkless.tradeNo } });
    expect(await intentOf(linkless.id)).toMatchObject({ state: 'AWAITING_PAYMENT' });
    expect(await queriesOf(linkless.id)).toBe(1);
    expect(await reconcileNotification(fastDeps(), failed)).toMatchObject({ outcome: 'superseded' });
    expect(await queriesOf(linkless.id)).toBe(2);
  });

  test('not AWAITING_PAYMENT, processed, or the same claim already applied: nothing asked, nothing written', async () => {
    const { intent, claim } = await paidOrder();
    const first = await notify(claim);
    const second = await notify(claim);
    expect(await reconcileNotification(fastDeps(), first)).toMatchObject({ outcome: 'applied' });
    // The intent is PAID now: the second delivery is for the general path (a duplicate).
    expect(await reconcileFast(fastDeps(), second)).toEqual({});
    expect(await reconcileFast(fastDeps(), first)).toEqual({});
    expect(await queriesOf(intent.id)).toBe(1);
    expect(await reconcileNotification(fastDeps(), second)).toMatchObject({ outcome: 'duplicate' });
    expect(await historyOf(intent.id)).toHaveLength(1);
  });

  test('an earlier delivery of the same claim applied while the intent still awaits payment: the statement refuses', async () => {
    // Not a state the system reaches by itself (an applied claim makes the intent final): the
    // statement's own duplicate guard is what keeps the fast path from applying a claim twice.
    const { intent, claim } = await paidOrder();
    const earlier = await notify(claim);
    await prisma.gatewayNotification.update({
      where: { id: earlier },
      data: { processedAt: new Date(), outcome: 'applied', intentId: intent.id },
    });
    const later = await notify(claim);
    expect(await reconcileFast(fastDeps(), later)).toMatchObject({ answered: { intentId: intent.id } });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'AWAITING_PAYMENT', version: 0 });
    expect(await reconcileNotification(fastDeps(), later)).toMatchObject({ outcome: 'duplicate' });
  });
});

describe('the fast path under concurrency', () => {
  test('many jobs at once share statements; two deliveries of one claim apply once', async () => {
    const intents = await Promise.all(Array.from({ length: 24 }, () => order()));
    await Promise.all(intents.map((intent) => settle(intent.tradeNo, { outcome: 'paid' })));
    const ids: bigint[] = [];
    for (const intent of intents) {
      const claim = { tradeNo: intent.tradeNo, status: '0000', amount: '12.50' };
      ids.push(await notify(claim), await notify(claim));
    }

    const results = await Promise.all(ids.map((id) => reconcileNotification(fastDeps(), id)));

    for (const intent of intents) {
      expect(await historyOf(intent.id)).toMatchObject([{ toState: 'PAID' }]);
    }
    const outcomes = results.map((result) => result.outcome).sort();
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(intents.length);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(intents.length);
    expect(await prisma.gatewayNotification.count({ where: { processedAt: null } })).toBe(0);
  });
});
