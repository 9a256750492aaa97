import { DEFAULT_SANDBOX_ACCOUNTS, generateTradeNo } from '@vexora-checkout/contracts';
import { createDatabaseClients, type PrismaClient } from '@vexora-checkout/db';
import { createGatewayClient, type GatewayClient } from '@vexora-checkout/gateway-client';
import { afterAll, describe, expect, test } from '@vexora-checkout/testing';
import type pg from 'pg';
import {
  busy,
  queryFound,
  queryNotFound,
  rejected,
  startFakeVexora,
  type FakeVexora,
} from '../../test/start-fake-vexora.js';
import { insertSubmitIntent, SUBMIT_ACCOUNT } from '../../test/submit-test-support.js';
import { submitCheckout, type SubmitDeps } from './submit-checkout.js';

const account = SUBMIT_ACCOUNT;
let prisma: PrismaClient;
let pool: pg.Pool;
let vexora: FakeVexora;
let gateway: GatewayClient;
let deps: SubmitDeps;

test.beforeAll(async ({ databaseUrl }) => {
  ({ prisma, pool } = createDatabaseClients({ databaseUrl, poolSize: 4 }));
  vexora = await startFakeVexora(account.appSecret);
  gateway = createGatewayClient({ baseUrl: vexora.url, account, timeoutMs: 300 });
  deps = {
    prisma,
    pool,
    gatewayFor: () => gateway,
    accounts: DEFAULT_SANDBOX_ACCOUNTS,
    notifyUrl: 'http://127.0.0.1:4200/vexora/notify',
    defaultReturnUrl: 'http://127.0.0.1:4000/return',
  };
});
afterAll(async () => {
  await gateway.close();
  await vexora.close();
  await prisma.$disconnect();
});

const pendingIntent = (state: 'PENDING' | 'UNKNOWN' = 'PENDING') =>
  insertSubmitIntent(prisma, { state, clientId: 'client-w' });

const history = (intentId: string) =>
  prisma.statusHistory
    .findMany({ where: { intentId }, orderBy: { id: 'asc' } })
    .then((rows) => rows.map((row) => `${row.fromState}>${row.toState}`));
const sent = (tradeNo: string, path = '/v1/vexora/checkout') =>
  vexora.received.filter((r) => r.path === path && r.body.tradeNo === tradeNo).length;

describe('submitCheckout', () => {
  test('accepted: AWAITING_PAYMENT with the link, one signed request, the attempt recorded', async () => {
    const intent = await pendingIntent();
    const outcome = await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false });
    expect(outcome).toEqual({ kind: 'awaiting_payment', linkAvailable: true });
    const after = await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } });
    expect(after).toMatchObject({
      state: 'AWAITING_PAYMENT',
      platformTradeNo: `P-${intent.tradeNo}`,
      paymentLink: `https://pay.example/P-${intent.tradeNo}`,
      gatewayStatus: '0015',
      attemptCount: 1,
    });
    expect(await history(intent.id)).toEqual(['PENDING>SUBMITTING', 'SUBMITTING>AWAITING_PAYMENT']);
    expect(
      await prisma.statusHistory.findMany({
        where: { intentId: intent.id },
        orderBy: { id: 'asc' },
        select: { actor: true, reason: true, clientId: true },
      }),
    ).toEqual([
      { actor: 'worker', reason: 'submit.started', clientId: 'client-w' },
      { actor: 'worker', reason: 'gateway.accepted', clientId: 'client-w' },
    ]);
    const request = vexora.received.find((r) => r.body.tradeNo === intent.tradeNo)!.body;
    expect(request).toMatchObject({
      amount: '12.50',
      notifyUrl: 'http://127.0.0.1:4200/vexora/notify',
      remark: intent.tradeNo,
      mobile: '12345678',
    });
    const attempts = await prisma.submissionAttempt.findMany({ where: { intentId: intent.id } });
    expect(attempts).toMatchObject([
      { kind: 'checkout', outcome: 'accepted', businessCode: '0000', gatewayStatus: '0015', httpStatus: 200 },
    ]);
    expect(attempts[0]!.requestBody).not.toContain('sok@example.com');
  });

  test('a duplicate job for the same generation does nothing', async () => {
    const intent = await pendingIntent();
    await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false });
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'skipped',
      state: 'AWAITING_PAYMENT',
    });
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 1, lastAttempt: false })).toEqual({
      kind: 'skipped',
      state: 'AWAITING_PAYMENT',
    });
    expect(sent(intent.tradeNo)).toBe(1);
  });

  test('rejected on the first attempt: REJECTED with the code and message, no retry', async () => {
    const intent = await pendingIntent();
    vexora.script('/v1/vexora/checkout', rejected('mobile is invalid'));
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'rejected',
      code: '8000',
    });
    expect(await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } })).toMatchObject({
      state: 'REJECTED',
      lastErrorCode: '8000',
      lastErrorMessage: 'mobile is invalid',
    });
  });

  test('retryable: back to PENDING with the same tradeNo, then accepted on the next attempt', async () => {
    const intent = await pendingIntent();
    vexora.script('/v1/vexora/checkout', busy);
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'retry',
      state: 'PENDING',
    });
    expect(
      await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false }),
    ).toMatchObject({ kind: 'awaiting_payment' });
    expect(sent(intent.tradeNo)).toBe(2);
    expect(
      new Set(vexora.received.filter((r) => r.body.tradeNo === intent.tradeNo).map((r) => r.body.tradeNo)),
    ).toEqual(new Set([intent.tradeNo]));
    expect(await history(intent.id)).toEqual([
      'PENDING>SUBMITTING',
      'SUBMITTING>PENDING',
      'PENDING>SUBMITTING',
      'SUBMITTING>AWAITING_PAYMENT',
    ]);
  });

  test('unknown (timeout): UNKNOWN, then the Query API decides before anything is resent', async () => {
    const intent = await pendingIntent();
    vexora.script('/v1/vexora/checkout', { hang: true });
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'retry',
      state: 'UNKNOWN',
    });
    // Not found at Vexora: the same tradeNo is sent again (a duplicate could never be created).
    vexora.script('/v1/vexora/queryPayInResult', queryNotFound);
    expect(
      await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false }),
    ).toMatchObject({ kind: 'awaiting_payment' });
    expect(sent(intent.tradeNo, '/v1/vexora/queryPayInResult')).toBe(1);
    expect(sent(intent.tradeNo)).toBe(2);
  });

  test('unknown (connection lost after sending), and the order exists: adopted, never resent', async () => {
    const intent = await pendingIntent();
    vexora.script('/v1/vexora/checkout', { destroy: true });
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'retry',
      state: 'UNKNOWN',
    });
    vexora.script('/v1/vexora/queryPayInResult', queryFound(intent.tradeNo));
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'awaiting_payment',
      linkAvailable: false,
    });
    expect(sent(intent.tradeNo)).toBe(1);
    expect(await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } })).toMatchObject({
      state: 'AWAITING_PAYMENT',
      platformTradeNo: `P-${intent.tradeNo}`,
      lastErrorCode: 'PAYMENT_LINK_UNAVAILABLE',
    });
  });

  test('unknown, and the query finds the order paid: PAID through the reconciliation state machine', async () => {
    const intent = await pendingIntent('UNKNOWN');
    vexora.script('/v1/vexora/queryPayInResult', queryFound(intent.tradeNo, '0000', '12.50'));
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'settled',
      state: 'PAID',
    });
    expect(sent(intent.tradeNo)).toBe(0);
    expect(await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } })).toMatchObject({
      state: 'PAID',
      gatewayStatus: '0000',
      platformTradeNo: `P-${intent.tradeNo}`,
    });
    expect(await history(intent.id)).toEqual(['UNKNOWN>SUBMITTING', 'SUBMITTING>PAID']);
    const attempts = await prisma.submissionAttempt.findMany({ where: { intentId: intent.id } });
    expect(attempts.map((attempt) => `${attempt.kind}:${attempt.outcome}:${attempt.gatewayStatus}`)).toEqual([
      'query:found:0000',
    ]);
  });

  test('unknown, and the query finds the order failed: the payer never had a link, so a new tradeNo goes out', async () => {
    const intent = await pendingIntent('UNKNOWN');
    vexora.script('/v1/vexora/queryPayInResult', queryFound(intent.tradeNo, '00029', '12.50'));
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'superseded',
    });
    const after = await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } });
    expect(after).toMatchObject({
      state: 'PENDING',
      submissionGeneration: 1,
      tradeNo: generateTradeNo({ createdAt: intent.createdAt, seq: intent.seq, generation: 1 }),
    });
    expect(await prisma.supersededTradeNo.findMany({ where: { intentId: intent.id } })).toMatchObject([
      { tradeNo: intent.tradeNo, generation: 0, gatewayStatus: '00029' },
    ]);
    expect(
      await prisma.outboxEvent.findMany({ where: { intentId: intent.id }, select: { generation: true } }),
    ).toEqual([{ generation: 1 }]);
    // The new generation is a new job: it sends the new tradeNo once.
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 1, lastAttempt: false })).toEqual({
      kind: 'awaiting_payment',
      linkAvailable: true,
    });
    expect(sent(after.tradeNo)).toBe(1);
    expect(sent(intent.tradeNo)).toBe(0);
  });

  test('unknown, and the query finds the order paid with another amount: an exception, the order adopted open', async () => {
    const intent = await pendingIntent('UNKNOWN');
    vexora.script('/v1/vexora/queryPayInResult', queryFound(intent.tradeNo, '0000', '99.00'));
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'awaiting_payment',
      linkAvailable: false,
    });
    expect(await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } })).toMatchObject({
      state: 'AWAITING_PAYMENT',
      lastErrorCode: 'PAYMENT_LINK_UNAVAILABLE',
    });
    expect(
      await prisma.reconciliationException.findMany({
        where: { intentId: intent.id },
        select: { kind: true, reportedAmount: true },
      }),
    ).toEqual([{ kind: 'amount_mismatch', reportedAmount: expect.objectContaining({}) }]);
    expect(await prisma.submissionAttempt.count({ where: { intentId: intent.id } })).toBe(1);
  });

  test('a query that proves nothing keeps the intent UNKNOWN, and nothing is sent', async () => {
    const intent = await pendingIntent('UNKNOWN');
    vexora.script('/v1/vexora/queryPayInResult', busy);
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'retry',
      state: 'UNKNOWN',
    });
    expect(sent(intent.tradeNo)).toBe(0);
  });

  test("a resend's 8000 is checked with the Query API: the order may be ours already", async () => {
    const intent = await pendingIntent();
    vexora.script(
      '/v1/vexora/checkout',
      { reply: { code: '5000', msg: 'busy' }, httpStatus: 200 },
      rejected('duplicate tradeNo'),
    );
    expect(
      await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false }),
    ).toMatchObject({ kind: 'retry' });
    vexora.script('/v1/vexora/queryPayInResult', queryFound(intent.tradeNo));
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })).toEqual({
      kind: 'awaiting_payment',
      linkAvailable: false,
    });
    // The audit keeps the order of the exchanges: the busy answer, the 8000, then the query.
    const attempts = await prisma.submissionAttempt.findMany({
      where: { intentId: intent.id },
      orderBy: { id: 'asc' },
    });
    expect(attempts.map((row) => `${row.kind} ${row.outcome}`)).toEqual([
      'checkout retryable',
      'checkout rejected',
      'query found',
    ]);
    expect((await history(intent.id)).at(-1)).toBe('SUBMITTING>AWAITING_PAYMENT');
  });

  test('the last attempt without a definite answer: SUBMIT_FAILED for an operator', async () => {
    const intent = await pendingIntent();
    vexora.script('/v1/vexora/checkout', { reply: { code: '5000', msg: 'busy' }, httpStatus: 503 });
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: true })).toEqual({
      kind: 'submit_failed',
    });
    expect((await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } })).state).toBe(
      'SUBMIT_FAILED',
    );
  });

  test('a SUBMITTING left by a dead worker is taken over after the lease, and resolved like UNKNOWN', async () => {
    const intent = await pendingIntent();
    await prisma.checkoutIntent.update({
      where: { id: intent.id },
      data: { state: 'SUBMITTING', stateChangedAt: new Date() },
    });
    // Fresh: another worker may be mid-call. Come back when the lease ends; on the last attempt, let go.
    const early = await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false });
    expect(early).toMatchObject({ kind: 'retry', state: 'SUBMITTING' });
    expect(early.kind === 'retry' ? early.retryAfterMs : 0).toBeGreaterThan(50_000);
    expect(await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: true })).toEqual({
      kind: 'skipped',
      state: 'SUBMITTING',
    });
    expect(sent(intent.tradeNo)).toBe(0);
    await prisma.checkoutIntent.update({
      where: { id: intent.id },
      data: { stateChangedAt: new Date(Date.now() - 120_000) },
    });
    vexora.script('/v1/vexora/queryPayInResult', queryNotFound);
    expect(
      await submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false }),
    ).toMatchObject({ kind: 'awaiting_payment' });
    expect(sent(intent.tradeNo, '/v1/vexora/queryPayInResult')).toBe(1);
    expect(sent(intent.tradeNo)).toBe(1);
  });

  test('concurrent jobs share statements; duplicates of a job still send each tradeNo once', async () => {
    const intents = await Promise.all(Array.from({ length: 24 }, () => pendingIntent()));
    // Every intent gets three jobs at once (a duplicate delivery, a stalled job back early).
    const outcomes = await Promise.all(
      intents.flatMap((intent) =>
        [0, 1, 2].map(() => submitCheckout(deps, { intentId: intent.id, generation: 0, lastAttempt: false })),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.kind === 'awaiting_payment')).toHaveLength(24);
    expect(
      outcomes.filter(
        (outcome) =>
          outcome.kind !== 'awaiting_payment' &&
          !(outcome.kind === 'retry' && outcome.state === 'SUBMITTING'),
      ),
    ).toEqual(outcomes.filter((outcome) => outcome.kind === 'skipped'));
    for (const intent of intents) {
      expect(sent(intent.tradeNo)).toBe(1);
      expect(await history(intent.id)).toEqual(['PENDING>SUBMITTING', 'SUBMITTING>AWAITING_PAYMENT']);
    }
    const attempts = await prisma.submissionAttempt.count({
      where: { intentId: { in: intents.map((intent) => intent.id) } },
    });
    expect(attempts).toBe(24);
  });

  test('an account missing from configuration: SUBMIT_FAILED, nothing sent', async () => {
    const intent = await pendingIntent();
    const outcome = await submitCheckout(
      { ...deps, accounts: [] },
      { intentId: intent.id, generation: 0, lastAttempt: false },
    );
    expect(outcome).toEqual({ kind: 'submit_failed' });
    expect(sent(intent.tradeNo)).toBe(0);
  });
});
