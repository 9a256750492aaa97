import { createDatabaseClients, type PrismaClient } from '@vexora-checkout/db';
import { afterAll, describe, expect, test } from '@vexora-checkout/testing';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { claimSubmissions } from './claim-submission.js';
import { finishSubmissions } from './finish-submission.js';
import { insertSubmitIntent } from '../../test/submit-test-support.js';
import { submitStoreFor, type SubmitSql } from './submit-store.js';

let prisma: PrismaClient;
let pool: pg.Pool;
const runners: Record<'pool' | 'prisma', () => SubmitSql> = {
  pool: () => submitStoreFor({ prisma, pool }).sql,
  prisma: () => submitStoreFor({ prisma }).sql,
};

test.beforeAll(({ databaseUrl }) => {
  ({ prisma, pool } = createDatabaseClients({ databaseUrl, poolSize: 4 }));
});
afterAll(async () => {
  await prisma.$disconnect();
});

/** A 4000 KHR intent of client-s that carries an earlier error message. */
const intent = (
  state: 'PENDING' | 'UNKNOWN' | 'SUBMITTING' | 'AWAITING_PAYMENT',
  overrides: { stateChangedAt?: Date; submissionGeneration?: number } = {},
) =>
  insertSubmitIntent(prisma, {
    state,
    clientId: 'client-s',
    amount: '4000',
    currency: 'KHR',
    lastErrorMessage: 'an earlier message',
    ...overrides,
  });

const historyOf = (intentId: string) =>
  prisma.statusHistory.findMany({
    where: { intentId },
    orderBy: { id: 'asc' },
    select: { fromState: true, toState: true, actor: true, reason: true, clientId: true },
  });

describe.each(['pool', 'prisma'] as const)('the submit statements, on the %s runner', (runner) => {
  test('one claim statement decides each intent of a group by its own state and generation', async () => {
    const now = new Date();
    const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const pending = await intent('PENDING');
    const unknown = await intent('UNKNOWN');
    const stale = await intent('SUBMITTING', { stateChangedAt: minutesAgo(5) });
    const live = await intent('SUBMITTING', { stateChangedAt: minutesAgo(0.5) });
    const otherGeneration = await intent('PENDING', { submissionGeneration: 1 });
    const linked = await intent('AWAITING_PAYMENT');
    const ids = [pending, unknown, stale, live, otherGeneration, linked].map((row) => row.id);
    const results = await claimSubmissions(
      runners[runner](),
      [...ids, randomUUID()].map((intentId) => ({ intentId, generation: 0, now, leaseMs: 60_000 })),
    );
    expect(results.map((result) => result.kind)).toEqual([
      'claimed',
      'claimed',
      'claimed',
      'wait',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(results.map((result) => (result.kind === 'claimed' ? result.wasUnknown : null))).toEqual([
      false,
      true,
      true,
      null,
      null,
      null,
      null,
    ]);
    expect(results[0]).toMatchObject({
      kind: 'claimed',
      intent: { id: pending.id, tradeNo: pending.tradeNo, amount: '4000.00', currency: 'KHR', remark: null },
    });
    const wait = results[3]!;
    expect(wait.kind === 'wait' ? wait.retryAfterMs : 0).toBeGreaterThan(29_000);
    expect(results.slice(4)).toEqual([
      { kind: 'skipped', state: 'PENDING' },
      { kind: 'skipped', state: 'AWAITING_PAYMENT' },
      { kind: 'skipped', state: 'MISSING' },
    ]);
    const rows = await prisma.checkoutIntent.findMany({ where: { id: { in: ids } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const claimed of [pending, unknown, stale]) {
      expect(byId.get(claimed.id)).toMatchObject({
        state: 'SUBMITTING',
        attemptCount: 1,
        version: 1,
        stateChangedAt: now,
        updatedAt: now,
      });
    }
    for (const untouched of [live, otherGeneration, linked]) {
      expect(byId.get(untouched.id)).toMatchObject({ state: untouched.state, version: 0, attemptCount: 0 });
    }
    expect(await historyOf(pending.id)).toEqual([
      {
        fromState: 'PENDING',
        toState: 'SUBMITTING',
        actor: 'worker',
        reason: 'submit.started',
        clientId: 'client-s',
      },
    ]);
    expect((await historyOf(unknown.id)).map((row) => row.reason)).toEqual(['submit.resolving_unknown']);
    expect((await historyOf(stale.id)).map((row) => row.reason)).toEqual(['submit.taking_over_stalled']);
    expect(await historyOf(live.id)).toEqual([]);
  });

  test('one finish statement sets only the columns each finish names, and writes every attempt', async () => {
    const now = new Date();
    const accepted = await intent('SUBMITTING');
    const retried = await intent('SUBMITTING');
    const lost = await intent('AWAITING_PAYMENT'); // taken over meanwhile: the guard fails
    const attempt = (intentId: string, tradeNo: string, outcome: string) => ({
      intentId,
      generation: 0,
      tradeNo,
      kind: 'checkout' as const,
      outcome,
      reason: outcome === 'retryable' ? 'http_5xx' : null,
      httpStatus: 200,
      businessCode: outcome === 'accepted' ? '0000' : null,
      gatewayStatus: null,
      message: null,
      latencyMs: 21,
      requestBody: '{"tradeNo":"x","mobile":"[redacted]"}',
      responseBody: null,
      error: null,
    });
    await finishSubmissions(runners[runner](), [
      {
        intent: { id: accepted.id, submissionGeneration: 0 },
        to: 'AWAITING_PAYMENT',
        reason: 'gateway.accepted',
        data: { platformTradeNo: 'P-1', paymentLink: 'https://pay.example/P-1', lastErrorMessage: null },
        attempt: attempt(accepted.id, accepted.tradeNo, 'accepted'),
        now,
      },
      {
        intent: { id: retried.id, submissionGeneration: 0 },
        to: 'PENDING',
        reason: 'gateway.retryable.http_5xx',
        data: { lastErrorCode: 'gateway.retryable.http_5xx' },
        attempt: attempt(retried.id, retried.tradeNo, 'retryable'),
        now,
      },
      {
        intent: { id: lost.id, submissionGeneration: 0 },
        to: 'UNKNOWN',
        reason: 'gateway.unknown.timeout',
        data: { lastErrorCode: 'gateway.unknown.timeout' },
        attempt: attempt(lost.id, lost.tradeNo, 'unknown'),
        now,
      },
    ]);
    expect(await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: accepted.id } })).toMatchObject({
      state: 'AWAITING_PAYMENT',
      platformTradeNo: 'P-1',
      paymentLink: 'https://pay.example/P-1',
      payInfo: null,
      lastErrorMessage: null,
      version: 1,
      stateChangedAt: now,
    });
    // Not named: the earlier message stays.
    expect(await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: retried.id } })).toMatchObject({
      state: 'PENDING',
      lastErrorCode: 'gateway.retryable.http_5xx',
      lastErrorMessage: 'an earlier message',
    });
    expect(await prisma.checkoutIntent.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({
      state: 'AWAITING_PAYMENT',
      version: 0,
      lastErrorCode: null,
    });
    expect(await historyOf(accepted.id)).toEqual([
      {
        fromState: 'SUBMITTING',
        toState: 'AWAITING_PAYMENT',
        actor: 'worker',
        reason: 'gateway.accepted',
        clientId: 'client-s',
      },
    ]);
    expect(await historyOf(lost.id)).toEqual([]);
    const attempts = await prisma.submissionAttempt.findMany({
      where: { intentId: { in: [accepted.id, retried.id, lost.id] } },
      orderBy: { id: 'asc' },
    });
    expect(attempts.map((row) => [row.intentId, row.outcome, row.reason, row.latencyMs])).toEqual([
      [accepted.id, 'accepted', null, 21],
      [retried.id, 'retryable', 'http_5xx', 21],
      [lost.id, 'unknown', null, 21],
    ]);
  });
});
