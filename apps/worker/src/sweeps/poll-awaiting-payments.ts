import { randomUUID } from 'node:crypto';
import { GATEWAY_STATUSES, type VexoraAccount } from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import type { GatewayClient, QueryResult } from '@vexora-checkout/gateway-client';
import type { Redis } from 'ioredis';
import { OUTBOX_CHANNEL } from '../outbox/outbox-routes.js';
import { withTimeout } from '../outbox/publish-outbox-batch.js';
import { applyGatewayStatus } from '../reconcile/apply-gateway-status.js';
import { queryAndRecord } from '../reconcile/query-and-record.js';
import { transitionIntent } from '../submit/transition-intent.js';

export interface PollAwaitingPaymentsDeps {
  prisma: PrismaClient;
  gatewayFor(account: VexoraAccount): GatewayClient;
  accounts: readonly VexoraAccount[];
  /** Holds the per-intent claims that keep two sweeps from querying the same intent at once. */
  redis: Redis;
  /** Namespace of the claim keys (the BullMQ prefix: `<prefix>:sweeps:poll:<intentId>`). */
  keyPrefix: string;
  now?: () => Date;
}

export interface PollAwaitingPaymentsOptions {
  /**
   * When to ask Vexora, as delays after the intent entered AWAITING_PAYMENT, ascending (e.g. 5
   * min, 1 h, 6 h). Steps at or past the payment window are dropped: the window's end is the
   * last step.
   */
  scheduleMs: readonly number[];
  /** How long after entering AWAITING_PAYMENT an intent without a final status becomes EXPIRED. */
  paymentWindowMs: number;
  /** Intents per sweep. */
  batchSize: number;
  /** Queries in flight at once. */
  concurrency: number;
  /** Lifetime of a claim: longer than a query and its audit row take (the gateway timeout). */
  claimTtlMs: number;
  /** Bound on one Redis call. */
  redisTimeoutMs: number;
}

export interface PollCounts {
  /** Due intents found. */
  due: number;
  /** Queries made (each has its submission_attempt row). */
  queried: number;
  /** Vexora still reports the order processing (0015). */
  processing: number;
  /** Vexora reports a final status (applied, superseded or an exception: see below); never polled again. */
  finalSeen: number;
  /** Of those, applied: PAID, PARTIALLY_PAID or FAILED. */
  applied: number;
  /** Of those, the order failed before the payer had a link: a new tradeNo was issued. */
  superseded: number;
  /** Of those, not applied: recorded as a reconciliation exception (e.g. amount_mismatch). */
  exceptions: number;
  /** The answer proved nothing (refused, busy, timeout, unreadable); the schedule goes on. */
  inconclusive: number;
  /** Vexora does not know the order (before the window's end: recorded only). */
  notFound: number;
  /** Past the window, no final status: EXPIRED. */
  expired: number;
  /** Skipped: another sweep holds the claim, or the intent changed since it was selected. */
  skipped: number;
  /** Skipped: the intent's merchant account is not configured. */
  accountMissing: number;
}

interface DueRow {
  id: string;
  generation: number;
  trade_no: string;
  account_id: string;
  state_changed_at: Date;
  queries: number;
}

/** Status codes that are not final (0015): any other `found` status ends the polling. */
const NON_FINAL_STATUSES: string[] = Object.entries(GATEWAY_STATUSES)
  .filter(([, info]) => !info.final)
  .map(([code]) => code);

/** All-zero counts: a sweep's starting point, and its report when the sweep could not run. */
export function emptyPollCounts(): PollCounts {
  return {
    due: 0,
    queried: 0,
    processing: 0,
    finalSeen: 0,
    applied: 0,
    superseded: 0,
    exceptions: 0,
    inconclusive: 0,
    notFound: 0,
    expired: 0,
    skipped: 0,
    accountMissing: 0,
  };
}

/**
 * Asks Vexora about AWAITING_PAYMENT intents that heard nothing, on a back-off schedule, and
 * expires those whose payment window passed without a final status.
 *
 * Which step is due needs no column: an intent is due while the query attempts of its
 * generation recorded since it entered AWAITING_PAYMENT (the submit job's own queries come
 * before that) are fewer than the steps whose time has come. Each query is recorded with
 * `queryAndRecord`, whatever its answer, so an intent is asked once per step, not at every sweep
 * (after a pause of the sweeps, missed steps are caught up one per sweep). The last step is the
 * window's end: from then on, an answer that Vexora
 * holds the order unpaid (`0015`) or does not hold it at all makes the intent EXPIRED (guarded:
 * from AWAITING_PAYMENT of the same generation only, actor `sweeper`, reason
 * `payment_window.passed`); an answer that proves nothing leaves it AWAITING_PAYMENT, asked again
 * at the next sweep, so an outage of Vexora never expires an order that may have been paid.
 *
 * A final status (`0000`, `0001`, `00029`, an unknown code) is applied at once through
 * `applyGatewayStatus` (the reconcile job's state machine, with its amount checks): the query
 * is the proof. When it is not applied (an amount that does not match becomes a reconciliation
 * exception), the query's `submission_attempt` row (`kind = 'query', outcome = 'found'`,
 * `gateway_status` final, this generation, `created_at >= state_changed_at`) still marks the
 * intent as seen: it stays AWAITING_PAYMENT for an operator and is never polled or expired again.
 *
 * Two sweeps never query one intent at once: a sweep claims an intent in Redis (`SET NX PX`)
 * and, holding the claim, checks in PostgreSQL that the step is still due (the other sweep's
 * attempt row is committed before it releases its claim). If Redis loses a claim mid-query, the
 * worst case is one extra read-only query.
 */
export async function pollAwaitingPayments(
  deps: PollAwaitingPaymentsDeps,
  options: PollAwaitingPaymentsOptions,
): Promise<PollCounts> {
  const counts = emptyPollCounts();
  const now = deps.now ?? (() => new Date());
  const steps = scheduleWithWindow(options.scheduleMs, options.paymentWindowMs);
  const due = await findDue(deps.prisma, steps, options.paymentWindowMs, options.batchSize, now());
  counts.due = due.length;
  await forEachConcurrently(due, options.concurrency, (row) => pollOne(deps, options, row, counts, now));
  return counts;
}

/** The schedule's steps before the window's end, then the window's end itself. */
function scheduleWithWindow(scheduleMs: readonly number[], windowMs: number): number[] {
  return [...scheduleMs.filter((step) => step > 0 && step < windowMs).sort((a, b) => a - b), windowMs];
}

/**
 * AWAITING_PAYMENT intents whose next step is due and that have seen no final status. Past the
 * last step an intent stays due: only an EXPIRED (or a final status) takes it out.
 */
async function findDue(
  prisma: PrismaClient,
  steps: number[],
  windowMs: number,
  limit: number,
  now: Date,
): Promise<DueRow[]> {
  const firstStepMs = steps[0] ?? windowMs;
  const enteredBefore = new Date(now.getTime() - firstStepMs);
  return prisma.$queryRaw<DueRow[]>`
    SELECT ci.id::text AS id, ci.submission_generation AS generation, ci.trade_no, ci.account_id,
           ci.state_changed_at, q.queries
    FROM checkout_intent ci
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS queries,
             coalesce(bool_or(sa.outcome = 'found' AND sa.gateway_status <> ALL(${NON_FINAL_STATUSES}::text[])),
                      false) AS final_seen
      FROM submission_attempt sa
      WHERE sa.intent_id = ci.id AND sa.generation = ci.submission_generation
        AND sa.kind = 'query' AND sa.created_at >= ci.state_changed_at
    ) q
    WHERE ci.state = 'AWAITING_PAYMENT'::intent_state
      AND ci.state_changed_at <= ${enteredBefore}
      AND NOT q.final_seen
      AND (
        ci.state_changed_at + ${windowMs}::float8 * interval '1 millisecond' <= ${now}
        OR q.queries < (
          SELECT count(*) FROM unnest(${steps}::float8[]) AS s(ms)
          WHERE ci.state_changed_at + s.ms * interval '1 millisecond' <= ${now}
        )
      )
    ORDER BY ci.state_changed_at, ci.id
    LIMIT ${limit}`;
}

async function pollOne(
  deps: PollAwaitingPaymentsDeps,
  options: PollAwaitingPaymentsOptions,
  row: DueRow,
  counts: PollCounts,
  now: () => Date,
): Promise<void> {
  const claim = `${deps.keyPrefix}:sweeps:poll:${row.id}`;
  const token = randomUUID();
  const claimed = await withTimeout(
    deps.redis.set(claim, token, 'PX', options.claimTtlMs, 'NX'),
    options.redisTimeoutMs,
    'claiming an intent to poll',
  );
  if (claimed !== 'OK') {
    counts.skipped += 1;
    return;
  }
  try {
    // Holding the claim: is this step still due? Another sweep may have asked and recorded it.
    const current = await deps.prisma.checkoutIntent.findUnique({
      where: { id: row.id },
      select: { state: true, submissionGeneration: true, stateChangedAt: true },
    });
    const queries = await deps.prisma.submissionAttempt.count({
      where: {
        intentId: row.id,
        generation: row.generation,
        kind: 'query',
        createdAt: { gte: row.state_changed_at },
      },
    });
    if (
      current?.state !== 'AWAITING_PAYMENT' ||
      current.submissionGeneration !== row.generation ||
      current.stateChangedAt.getTime() !== row.state_changed_at.getTime() ||
      queries !== row.queries
    ) {
      counts.skipped += 1;
      return;
    }
    const account = deps.accounts.find((candidate) => candidate.id === row.account_id);
    if (!account) {
      counts.accountMissing += 1;
      return;
    }
    const result = await queryAndRecord(deps.prisma, deps.gatewayFor(account), {
      intentId: row.id,
      generation: row.generation,
      tradeNo: row.trade_no,
    });
    counts.queried += 1;
    const at = now();
    const windowPassed = at.getTime() - row.state_changed_at.getTime() >= options.paymentWindowMs;
    await applyAnswer(deps, row, result, windowPassed, counts, at);
  } finally {
    await withTimeout(
      deps.redis.eval(RELEASE_CLAIM, 1, claim, token),
      options.redisTimeoutMs,
      'releasing a poll claim',
    ).catch(() => undefined); // it expires on its own
  }
}

async function applyAnswer(
  deps: PollAwaitingPaymentsDeps,
  row: DueRow,
  result: QueryResult,
  windowPassed: boolean,
  counts: PollCounts,
  now: Date,
): Promise<void> {
  switch (result.outcome) {
    case 'found':
      if (result.status.final) {
        counts.finalSeen += 1;
        await applyFinal(deps, row, result, counts, now);
        return;
      }
      counts.processing += 1;
      if (windowPassed) await expire(deps, row, result.status.code, counts, now);
      return;
    case 'not_found':
      counts.notFound += 1;
      if (windowPassed) await expire(deps, row, null, counts, now);
      return;
    case 'rejected':
    case 'retryable':
    case 'unknown':
      counts.inconclusive += 1;
      return;
  }
}

async function applyFinal(
  deps: PollAwaitingPaymentsDeps,
  row: DueRow,
  result: Extract<QueryResult, { outcome: 'found' }>,
  counts: PollCounts,
  now: Date,
): Promise<void> {
  const applied = await deps.prisma.$transaction((tx) =>
    applyGatewayStatus(
      tx,
      {
        intentId: row.id,
        tradeNo: row.trade_no,
        status: result.status.code,
        amount: result.amount,
        platformTradeNo: result.platFormTradeNo,
        message: result.message ?? null,
        source: 'query',
        actor: 'sweeper',
        exceptionScope: `query:${row.id}:g${row.generation}:${result.status.code}`,
        evidence: {
          query: {
            status: result.status.code,
            amount: result.amount,
            platformTradeNo: result.platFormTradeNo,
            ...(result.successTime ? { successTime: result.successTime } : {}),
          },
        },
      },
      now,
    ),
  );
  if (applied.outcome === 'applied') counts.applied += 1;
  else if (applied.outcome === 'superseded') {
    counts.superseded += 1;
    // Wake the relay for the new generation's outbox row (after the commit, like the api).
    await deps.prisma.$executeRawUnsafe(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`).catch(() => undefined);
  } else if (applied.outcome === 'exception') counts.exceptions += 1;
}

async function expire(
  deps: PollAwaitingPaymentsDeps,
  row: DueRow,
  gatewayStatus: string | null,
  counts: PollCounts,
  now: Date,
): Promise<void> {
  const expired = await deps.prisma.$transaction((tx) =>
    transitionIntent(
      tx,
      {
        intentId: row.id,
        from: ['AWAITING_PAYMENT'],
        to: 'EXPIRED',
        generation: row.generation,
        actor: 'sweeper',
        reason: 'payment_window.passed',
        details: { tradeNo: row.trade_no, gatewayStatus },
      },
      now,
    ),
  );
  if (expired) counts.expired += 1;
}

/** Deletes the claim only if it is still ours (it may have expired and been taken since). */
const RELEASE_CLAIM = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      // One intent's failure (a database hiccup) does not stop the others; reported at the end.
      await run(item).catch((error: unknown) => {
        errors.push(error);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} of ${items.length} polls failed`);
}
