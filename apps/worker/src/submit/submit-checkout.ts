import type { VexoraAccount } from '@vexora-checkout/contracts';
import type { CheckoutIntent, PrismaClient } from '@vexora-checkout/db';
import type { CheckoutResult, GatewayClient, QueryResult } from '@vexora-checkout/gateway-client';
import { buildCheckoutRequest } from './build-checkout-request.js';
import { recordAttempt } from './record-attempt.js';
import { transitionIntent } from './transition-intent.js';

export interface SubmitDeps {
  prisma: PrismaClient;
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
  | { kind: 'rejected'; code: string }
  /** No definite answer yet; the job should run again (after `retryAfterMs` at least). */
  | { kind: 'retry'; state: 'PENDING' | 'UNKNOWN' | 'SUBMITTING'; retryAfterMs?: number }
  | { kind: 'submit_failed' };

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
 */
export async function submitCheckout(
  deps: SubmitDeps,
  job: { intentId: string; generation: number; lastAttempt: boolean },
): Promise<SubmitOutcome> {
  const now = deps.now ?? (() => new Date());
  const claimed = await deps.prisma.$transaction(async (tx) => {
    const before = await tx.checkoutIntent.findUnique({ where: { id: job.intentId } });
    if (!before) return { kind: 'skipped', state: 'MISSING' } as const;
    const leaseMs = deps.submittingLeaseMs ?? 60_000;
    const stale =
      before.state === 'SUBMITTING' && now().getTime() - before.stateChangedAt.getTime() > leaseMs;
    const intent = await transitionIntent(
      tx,
      {
        intentId: job.intentId,
        from: stale ? ['SUBMITTING'] : ['PENDING', 'UNKNOWN'],
        to: 'SUBMITTING',
        generation: job.generation,
        data: { attemptCount: { increment: 1 } },
        actor: 'worker',
        reason: stale
          ? 'submit.taking_over_stalled'
          : before.state === 'UNKNOWN'
            ? 'submit.resolving_unknown'
            : 'submit.started',
      },
      now(),
    );
    // An abandoned SUBMITTING may have reached Vexora: resolve it like UNKNOWN.
    if (intent) return { kind: 'claimed', intent, wasUnknown: before.state === 'UNKNOWN' || stale } as const;
    if (before.state === 'SUBMITTING' && before.submissionGeneration === job.generation) {
      // Inside the lease: another worker may be mid-call, or died mid-call (a stalled job is back
      // early). Come back when the lease ends rather than give the intent up.
      const leftMs = leaseMs - (now().getTime() - before.stateChangedAt.getTime());
      return { kind: 'wait', retryAfterMs: Math.max(leftMs, 0) + 100 } as const;
    }
    return { kind: 'skipped', state: before.state } as const;
  });
  if (claimed.kind === 'skipped') return { kind: 'skipped', state: claimed.state };
  if (claimed.kind === 'wait') {
    // On its last attempt the job lets go; the sweep hands the intent back after the lease.
    return job.lastAttempt
      ? { kind: 'skipped', state: 'SUBMITTING' }
      : { kind: 'retry', state: 'SUBMITTING', retryAfterMs: claimed.retryAfterMs };
  }
  const { intent } = claimed;

  const account = deps.accounts.find((candidate) => candidate.id === intent.accountId);
  if (!account) {
    // Configuration lost the account: nothing can be sent; an operator must act.
    await finish(deps, intent, 'SUBMIT_FAILED', 'submit.account_missing', {
      lastErrorCode: 'ACCOUNT_NOT_CONFIGURED',
    });
    return { kind: 'submit_failed' };
  }
  const gateway = deps.gatewayFor(account);

  if (claimed.wasUnknown) {
    const resolved = await resolveThroughQuery(deps, gateway, intent, job.lastAttempt);
    if (resolved) return resolved;
  }

  const result = await gateway.checkout(
    buildCheckoutRequest(intent, { notifyUrl: deps.notifyUrl, defaultReturnUrl: deps.defaultReturnUrl }),
  );
  await recordAttempt(deps.prisma, {
    intentId: intent.id,
    generation: intent.submissionGeneration,
    tradeNo: intent.tradeNo,
    kind: 'checkout',
    result,
  });
  return applyCheckoutResult(deps, gateway, intent, result, job.lastAttempt);
}

async function applyCheckoutResult(
  deps: SubmitDeps,
  gateway: GatewayClient,
  intent: CheckoutIntent,
  result: CheckoutResult,
  lastAttempt: boolean,
): Promise<SubmitOutcome> {
  switch (result.outcome) {
    case 'accepted':
      await finish(deps, intent, 'AWAITING_PAYMENT', 'gateway.accepted', {
        platformTradeNo: result.platFormTradeNo,
        paymentLink: result.paymentLink ?? null,
        payInfo: result.payInfo ?? null,
        gatewayStatus: result.status.code,
        lastErrorCode: null,
        lastErrorMessage: null,
      });
      return { kind: 'awaiting_payment', linkAvailable: result.paymentLink !== undefined };
    case 'rejected': {
      if (await mayHaveReachedGatewayBefore(deps, intent)) {
        // A resend's 8000 may be Vexora refusing the duplicate of an order it already holds.
        const resolved = await resolveThroughQuery(deps, gateway, intent, lastAttempt);
        if (resolved) return resolved;
      }
      await finish(deps, intent, 'REJECTED', 'gateway.rejected', {
        lastErrorCode: result.code,
        lastErrorMessage: result.message ?? null,
      });
      return { kind: 'rejected', code: result.code };
    }
    case 'retryable':
      return notYet(
        deps,
        intent,
        'PENDING',
        `gateway.retryable.${result.reason}`,
        lastAttempt,
        result.retryAfterMs,
      );
    case 'unknown':
      return notYet(deps, intent, 'UNKNOWN', `gateway.unknown.${result.reason}`, lastAttempt);
  }
}

/**
 * Asks Vexora whether it holds the intent's tradeNo. Returns the outcome when the answer settles
 * what to do, or undefined when the order provably does not exist and the caller should send
 * (or, after a rejection, conclude REJECTED).
 */
async function resolveThroughQuery(
  deps: SubmitDeps,
  gateway: GatewayClient,
  intent: CheckoutIntent,
  lastAttempt: boolean,
): Promise<SubmitOutcome | undefined> {
  const result: QueryResult = await gateway.query(intent.tradeNo);
  await recordAttempt(deps.prisma, {
    intentId: intent.id,
    generation: intent.submissionGeneration,
    tradeNo: intent.tradeNo,
    kind: 'query',
    result,
  });
  switch (result.outcome) {
    case 'not_found':
      return undefined;
    case 'found':
      // The order exists. The Query API does not return its payment link: the intent waits for
      // payment without one (the sweep supersedes the tradeNo once the order provably cannot be
      // paid; see docs/architecture.md, "Unknown outcomes").
      await finish(deps, intent, 'AWAITING_PAYMENT', 'gateway.found_by_query', {
        platformTradeNo: result.platFormTradeNo,
        gatewayStatus: result.status.code,
        lastErrorCode: 'PAYMENT_LINK_UNAVAILABLE',
        lastErrorMessage:
          'The order was found through the Query API, which does not return its payment link.',
      });
      return { kind: 'awaiting_payment', linkAvailable: false };
    case 'rejected':
    case 'retryable':
    case 'unknown':
      // Neither "found" nor "not found" proves anything: stay UNKNOWN and ask again later.
      return notYet(
        deps,
        intent,
        'UNKNOWN',
        `query.${result.outcome}`,
        lastAttempt,
        result.outcome === 'retryable' ? result.retryAfterMs : undefined,
      );
  }
}

async function mayHaveReachedGatewayBefore(deps: SubmitDeps, intent: CheckoutIntent): Promise<boolean> {
  const earlier = await deps.prisma.submissionAttempt.findMany({
    where: { intentId: intent.id, generation: intent.submissionGeneration, kind: 'checkout' },
    orderBy: { id: 'desc' },
    skip: 1, // the rejection itself
    select: { outcome: true, reason: true },
  });
  return earlier.some((attempt) => !(attempt.outcome === 'retryable' && attempt.reason === 'not_sent'));
}

async function notYet(
  deps: SubmitDeps,
  intent: CheckoutIntent,
  state: 'PENDING' | 'UNKNOWN',
  reason: string,
  lastAttempt: boolean,
  retryAfterMs?: number,
): Promise<SubmitOutcome> {
  if (lastAttempt) {
    await finish(deps, intent, 'SUBMIT_FAILED', `${reason}.attempts_exhausted`, { lastErrorCode: reason });
    return { kind: 'submit_failed' };
  }
  await finish(deps, intent, state, reason, { lastErrorCode: reason });
  return { kind: 'retry', state, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

async function finish(
  deps: SubmitDeps,
  intent: CheckoutIntent,
  to: 'AWAITING_PAYMENT' | 'REJECTED' | 'PENDING' | 'UNKNOWN' | 'SUBMIT_FAILED',
  reason: string,
  data: Parameters<typeof transitionIntent>[1]['data'],
): Promise<void> {
  await deps.prisma.$transaction((tx) =>
    transitionIntent(
      tx,
      {
        intentId: intent.id,
        from: ['SUBMITTING'],
        to,
        generation: intent.submissionGeneration,
        data,
        actor: 'worker',
        reason,
      },
      deps.now?.() ?? new Date(),
    ),
  );
}
