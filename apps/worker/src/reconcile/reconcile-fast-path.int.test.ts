import { DEFAULT_SANDBOX_ACCOUNTS, type VexoraAccount } from '@vexora-checkout/contracts';
import { createDatabaseClients, type PrismaClient } from '@vexora-checkout/db';
import { createGatewayClient, type GatewayClient } from '@vexora-checkout/gateway-client';
import { afterAll, beforeEach, describe, expect, test } from '@vexora-checkout/testing';
import type pg from 'pg';
import { startTestSandbox, type TestSandbox } from '../../../sandbox/test/support/start-test-sandbox.js';
import {
  createOrderIntent,
  insertNotification,
  startNotifySink,
  type NotificationClaim,
} from '../../test/reconcile-test-support.js';
import { applyGatewayStatus } from './apply-gateway-status.js';
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

const deps = (account: VexoraAccount = USD): ReconcileDeps => ({
  prisma,
  pool,
  accounts: [account],
  gatewayFor: () => gateway,
});
const order = (options: { amount?: string; linkless?: boolean } = {}) =>
  createOrderIntent(prisma, gateway, USD, { notifyUrl: sink.url, ...options });
const settle = async (tradeNo: string, body: Record<string, unknown>) => {
  const answer = await sandbox.admin('POST', `/orders/${USD.merchantNo}/${tradeNo}/settle`, body);
  expect(answer.status).toBe(200);
};
const notify = (claim: NotificationClaim) => insertNotification(prisma, claim);
const intentOf = (id: string) => prisma.checkoutIntent.findUniqueOrThrow({ where: { id } });
const historyOf = (id: string) =>
  prisma.statusHistory.findMany({ where: { intentId: id }, orderBy: { id: 'asc' } });
const queriesOf = (intentId: string) =>
  prisma.submissionAttempt.count({ where: { intentId, kind: 'query' } });

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

    const outcome = await reconcileFast(deps(), id);
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

  test('a trusted signature needs no query', async () => {
    const intent = await order();
    const id = await notify({
      tradeNo: intent.tradeNo,
      status: '0000',
      amount: '12.50',
      signature: 'valid',
      accountId: USD.id,
    });
    expect(await reconcileFast(deps(TRUSTING_USD), id)).toMatchObject({
      result: { outcome: 'applied', proof: 'signature' },
    });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'PAID' });
    expect(await queriesOf(intent.id)).toBe(0);
  });
});

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
    expect(await reconcileFast(deps(TRUSTING_USD), id)).toEqual({});
    expect(await intentOf(intent.id)).toMatchObject({ state: 'AWAITING_PAYMENT', version: 0 });
    expect((await prisma.gatewayNotification.findUniqueOrThrow({ where: { id } })).processedAt).toBeNull();
    expect(await reconcileNotification(deps(TRUSTING_USD), id)).toMatchObject({
      outcome: 'exception',
      exceptions: ['amount_mismatch'],
    });

    // A link-less order found failed is superseded (general path), after one query only.
    const linkless = await order({ linkless: true });
    await settle(linkless.tradeNo, { outcome: 'failed' });
    const failed = await notify({ tradeNo: linkless.tradeNo, status: '00029', amount: '12.50' });
    const handover = await reconcileFast(deps(), failed);
    expect(handover).toMatchObject({ answered: { intentId: linkless.id, tradeNo: linkless.tradeNo } });
    expect(await intentOf(linkless.id)).toMatchObject({ state: 'AWAITING_PAYMENT' });
    expect(await queriesOf(linkless.id)).toBe(1);
    expect(await reconcileNotification(deps(), failed)).toMatchObject({ outcome: 'superseded' });
    expect(await queriesOf(linkless.id)).toBe(2);
  });

  test('not AWAITING_PAYMENT, processed, or the same claim already applied: nothing asked, nothing written', async () => {
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'paid' });
    const claim = { tradeNo: intent.tradeNo, status: '0000', amount: '12.50' };
    const first = await notify(claim);
    const second = await notify(claim);
    expect(await reconcileNotification(deps(), first)).toMatchObject({ outcome: 'applied' });
    // The intent is PAID now: the second delivery is for the general path (a duplicate).
    expect(await reconcileFast(deps(), second)).toEqual({});
    expect(await reconcileFast(deps(), first)).toEqual({});
    expect(await queriesOf(intent.id)).toBe(1);
    expect(await reconcileNotification(deps(), second)).toMatchObject({ outcome: 'duplicate' });
    expect(await historyOf(intent.id)).toHaveLength(1);
  });

  test('an earlier delivery of the same claim applied while the intent still awaits payment: the statement refuses', async () => {
    // Not a state the system reaches by itself (an applied claim makes the intent final): the
    // statement's own duplicate guard is what keeps the fast path from applying a claim twice.
    const intent = await order();
    await settle(intent.tradeNo, { outcome: 'paid' });
    const claim = { tradeNo: intent.tradeNo, status: '0000', amount: '12.50' };
    const earlier = await notify(claim);
    await prisma.gatewayNotification.update({
      where: { id: earlier },
      data: { processedAt: new Date(), outcome: 'applied', intentId: intent.id },
    });
    const later = await notify(claim);
    expect(await reconcileFast(deps(), later)).toMatchObject({ answered: { intentId: intent.id } });
    expect(await intentOf(intent.id)).toMatchObject({ state: 'AWAITING_PAYMENT', version: 0 });
    expect(await reconcileNotification(deps(), later)).toMatchObject({ outcome: 'duplicate' });
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

    const results = await Promise.all(ids.map((id) => reconcileNotification(deps(), id)));

    for (const intent of intents) {
      expect(await historyOf(intent.id)).toMatchObject([{ toState: 'PAID' }]);
    }
    const outcomes = results.map((result) => result.outcome).sort();
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(intents.length);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(intents.length);
    expect(await prisma.gatewayNotification.count({ where: { processedAt: null } })).toBe(0);
  });
});
