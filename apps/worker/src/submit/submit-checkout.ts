import type { VexoraAccount } from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import type { CheckoutResult, GatewayClient, QueryResult } from '@vexora-checkout/gateway-client';
import type pg from 'pg';
import { adoptFoundOrder } from './adopt-found-order.js';
import { buildCheckoutRequest } from './build-checkout-request.js';
import type { ClaimedIntent } from './claim-submission.js';
import type { FinishData, FinishState } from './finish-submission.js';
import { attemptColumns, type AttemptColumns } from './record-attempt.js';
import { submitStoreFor, type SubmitStore } from './submit-store.js';

export interface SubmitDeps {
  prisma: PrismaClient;
  /**
   * The node-postgres pool under `prisma` (`createDatabaseClients`): the submit path runs its
   * statements on it as named prepared statements. Without it the same SQL goes through Prisma's
   * raw queries, which costs more CPU per intent.
   */
  pool?: pg.Pool;
  /** The gateway client of a merchant account (by account id). */
  gatewayFor(account: VexoraAccount): GatewayClient;
  accounts: readonly VexoraAccount[];
  notifyUrl: string;
  defaultReturnUrl: string;
  /**
   * How long an intent may stay SUBMITTING before a job may take it over: a worker that died
   * mid-call leaves it there, and BullMQ hands the stalled job to another worker. Longer than
   * any call can take (the gateway deadline), so a live submission is never doubled.
   */
  submittingLeaseMs?: number;
  now?: () => Date;
}

export type SubmitOutcome =
  /** The intent was not in a submittable state for this generation: a duplicate or stale job. */
  | { kind: 'skipped'; state: string }
  | { kind: 'awaiting_payment'; linkAvailable: boolean }
  /** The Query API found the order already final, and its status was applied. */
  | { kind: 'settled'; state: string }
  /** The Query API found the order failed before the payer had a link: a new tradeNo goes out. */
  | { kind: 'superseded' }
  | { kind: 'rejected'; code: string }
  /** No definite answer yet; the job should run again (after `retryAfterMs` at least). */
  | { kind: 'retry'; state: 'PENDING' | 'UNKNOWN' | 'SUBMITTING'; retryAfterMs?: number }
  | { kind: 'submit_failed' };

/** What one run carries from step to step. */
interface Run {
  deps: SubmitDeps;
  store: SubmitStore;
  now: () => Date;
  intent: ClaimedIntent;
  lastAttempt: boolean;
}

/**
 * Submits an intent's order to Vexora, exactly once per tradeNo:
 * - only from PENDING or UNKNOWN, for the job's generation (a guarded move to SUBMITTING, so a
 *   duplicate job finds nothing to do), or from a SUBMITTING abandoned longer than the lease by
 *   a worker that died mid-call (then resolved like UNKNOWN);
 * - from UNKNOWN (an earlier attempt may have reached Vexora), the Query API decides first:
 *   "not found" → send the same tradeNo again (Vexora refuses a duplicate, so this can never
 *   create a second order); found → adopt it; anything else → stay UNKNOWN and try later;
 * - accepted → AWAITING_PAYMENT with the link; rejected → REJECTED, unless an earlier attempt of
 *   this tradeNo may have reached Vexora (the 8000 may then be Vexora refusing our duplicate of
 *   an order it holds: ask the Query API); retryable → PENDING; unknown → UNKNOWN;
 * - on the last allowed attempt, a non-definite answer → SUBMIT_FAILED for an operator.
 * Every exchange is written to submission_attempt; every state change to status_history.
 *
 * A run is two statements in the usual case: the claim, and the finish that writes the attempt,
 * the new state and its history together (see claim-submission.ts, finish-submission.ts); the
 * claims and finishes of concurrent jobs share statements (submit-store.ts).
 */
export async function submitCheckout(
  deps: SubmitDeps,
  job: { intentId: string; generation: number; lastAttempt: boolean },
): Promise<SubmitOutcome> {
  const now = deps.now ?? (() => new Date());
  const store = submitStoreFor(deps);
  const claimed = await store.claim({
    intentId: job.intentId,
    generation: job.generation,
    now: now(),
    leaseMs: deps.submittingLeaseMs ?? 60_000,
  });
  if (claimed.kind === 'skipped') return { kind: 'skipped', state: claimed.state };
  if (claimed.kind === 'wait') {
    // On its last attempt the job lets go; the sweep hands the intent back after the lease.
    return job.lastAttempt
      ? { kind: 'skipped', state: 'SUBMITTING' }
      : { kind: 'retry', state: 'SUBMITTING', retryAfterMs: claimed.retryAfterMs };
  }
  const run: Run = { deps, store, now, intent: claimed.intent, lastAttempt: job.lastAttempt };
  const { intent } = run;

  const account = deps.accounts.find((candidate) => candidate.id === intent.accountId);
  if (!account) {
    // Configuration lost the account: nothing can be sent; an operator must act.
    await finish(run, 'SUBMIT_FAILED', 'submit.account_missing', {
      lastErrorCode: 'ACCOUNT_NOT_CONFIGURED',
    });
    return { kind: 'submit_failed' };
  }
  const gateway = deps.gatewayFor(account);

  if (claimed.wasUnknown) {
    const resolved = await resolveThroughQuery(run, gateway);
    if (resolved) return resolved;
  }

  const result = await gateway.checkout(
    buildCheckoutRequest(intent, { notifyUrl: deps.notifyUrl, defaultReturnUrl: deps.defaultReturnUrl }),
  );
  return applyCheckoutResult(run, gateway, result, attemptOf(intent, 'checkout', result));
}

function attemptOf(
  intent: ClaimedIntent,
  kind: 'checkout' | 'query',
  result: CheckoutResult | QueryResult,
): AttemptColumns {
  return attemptColumns({
    intentId: intent.id,
    generation: intent.submissionGeneration,
    tradeNo: intent.tradeNo,
    kind,
    result,
  });
}

async function applyCheckoutResult(
  run: Run,
  gateway: GatewayClient,
  result: CheckoutResult,
  attempt: AttemptColumns,
): Promise<SubmitOutcome> {
  switch (result.outcome) {
    case 'accepted':
      await finish(
        run,
        'AWAITING_PAYMENT',
        'gateway.accepted',
        {
          platformTradeNo: result.platFormTradeNo,
          paymentLink: result.paymentLink ?? null,
          payInfo: result.payInfo ?? null,
          gatewayStatus: result.status.code,
          lastErrorCode: null,
          lastErrorMessage: null,
        },
        attempt,
      );
      return { kind: 'awaiting_payment', linkAvailable: result.paymentLink !== undefined };
    case 'rejected': {
      let pending: AttemptColumns | undefined = attempt;
      if (await mayHaveReachedGatewayBefore(run)) {
        // A resend's 8000 may be Vexora refusing the duplicate of an order it already holds.
        // The rejection's row goes first, so the audit keeps the order of the exchanges.
        await run.store.recordAttempt(attempt);
        pending = undefined;
        const resolved = await resolveThroughQuery(run, gateway);
        if (resolved) return resolved;
      }
      await finish(
        run,
        'REJECTED',
        'gateway.rejected',
        { lastErrorCode: result.code, lastErrorMessage: result.message ?? null },
        pending,
      );
      return { kind: 'rejected', code: result.code };
    }
    case 'retryable':
      return notYet(run, 'PENDING', `gateway.retryable.${result.reason}`, attempt, result.retryAfterMs);
    case 'unknown':
      return notYet(run, 'UNKNOWN', `gateway.unknown.${result.reason}`, attempt);
  }
}

/**
 * Asks Vexora whether it holds the intent's tradeNo. Returns the outcome when the answer settles
 * what to do, or undefined when the order provably does not exist and the caller should send
 * (or, after a rejection, conclude REJECTED).
 */
async function resolveThroughQuery(run: Run, gateway: GatewayClient): Promise<SubmitOutcome | undefined> {
  const result: QueryResult = await gateway.query(run.intent.tradeNo);
  const attempt = attemptOf(run.intent, 'query', result);
  switch (result.outcome) {
    case 'not_found':
      await run.store.recordAttempt(attempt);
      return undefined;
    case 'found': {
      const adopted = await adoptFoundOrder(
        { prisma: run.deps.prisma, store: run.store },
        run.intent,
        result,
        attempt,
        run.now(),
      );
      return adopted.kind === 'awaiting_payment'
        ? { kind: 'awaiting_payment', linkAvailable: false }
        : adopted;
    }
    case 'rejected':
    case 'retryable':
    case 'unknown':
      // Neither "found" nor "not found" proves anything: stay UNKNOWN and ask again later.
      return notYet(
        run,
        'UNKNOWN',
        `query.${result.outcome}`,
        attempt,
        result.outcome === 'retryable' ? result.retryAfterMs : undefined,
      );
  }
}

/**
 * Whether an earlier checkout of this tradeNo may have reached Vexora: any recorded checkout
 * attempt of this generation but one that certainly was not sent. (The rejection being handled
 * is not written yet, so every row found is an earlier one.)
 */
async function mayHaveReachedGatewayBefore(run: Run): Promise<boolean> {
  const [row] = await run.store.sql<{ reached: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM submission_attempt
       WHERE intent_id = $1::uuid AND generation = $2::int AND kind = 'checkout'
         AND NOT (outcome = 'retryable' AND coalesce(reason, '') = 'not_sent')
     ) AS reached`,
    [run.intent.id, run.intent.submissionGeneration],
  );
  return row?.reached === true;
}

async function notYet(
  run: Run,
  state: 'PENDING' | 'UNKNOWN',
  reason: string,
  attempt: AttemptColumns,
  retryAfterMs?: number,
): Promise<SubmitOutcome> {
  if (run.lastAttempt) {
    await finish(run, 'SUBMIT_FAILED', `${reason}.attempts_exhausted`, { lastErrorCode: reason }, attempt);
    return { kind: 'submit_failed' };
  }
  await finish(run, state, reason, { lastErrorCode: reason }, attempt);
  return { kind: 'retry', state, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

function finish(
  run: Run,
  to: FinishState,
  reason: string,
  data: FinishData,
  attempt?: AttemptColumns,
): Promise<void> {
  return run.store.finish({ intent: run.intent, to, reason, data, attempt, now: run.now() });
}
