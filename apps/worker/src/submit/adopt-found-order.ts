import type { PrismaClient } from '@vexora-checkout/db';
import type { QueryFound } from '@vexora-checkout/gateway-client';
import { OUTBOX_CHANNEL } from '../outbox/outbox-routes.js';
import { applyGatewayStatus, type ApplyResult } from '../reconcile/apply-gateway-status.js';
import type { AttemptColumns } from './record-attempt.js';
import type { SubmitStore } from './submit-store.js';

export type FoundOrderOutcome =
  /** Still open at Vexora (0015): the intent waits for payment, without a link. */
  | { kind: 'awaiting_payment' }
  /** Vexora's final status was applied (PAID, PARTIALLY_PAID or FAILED). */
  | { kind: 'settled'; state: ApplyResult['state'] }
  /** The order failed before the payer ever had a link: a new tradeNo goes out. */
  | { kind: 'superseded' };

/**
 * The Query API found the order of an intent whose submission had no definite answer (the
 * intent is SUBMITTING, claimed by this run).
 *
 * - An order still open (`0015`) is adopted: AWAITING_PAYMENT with its platform trade number
 *   and status, with the query's attempt row. The Query API does not return the payment link,
 *   so the intent waits without one (`last_error_code = PAYMENT_LINK_UNAVAILABLE`); the sweep's
 *   polls follow it, and if it ends unpaid, it is superseded (docs/architecture.md, "Superseding
 *   tradeNo").
 * - An order already final is what the query proves: the one state machine of reconciliation
 *   (`applyGatewayStatus`, the query being the proof) decides, in one transaction with the
 *   query's attempt row: PAID / PARTIALLY_PAID / FAILED, or a superseding tradeNo for a failed
 *   order the payer never had a link for. When it cannot apply the status (an amount that does
 *   not match: an exception for an operator), the intent is adopted as open, like `0015`, so it
 *   does not stay SUBMITTING.
 */
export async function adoptFoundOrder(
  deps: { prisma: PrismaClient; store: Pick<SubmitStore, 'finish'> },
  intent: { id: string; submissionGeneration: number; tradeNo: string },
  result: QueryFound,
  attempt: AttemptColumns,
  now: Date,
): Promise<FoundOrderOutcome> {
  if (result.status.final) {
    const applied = await deps.prisma.$transaction(async (tx) => {
      await tx.submissionAttempt.create({ data: attempt });
      return applyGatewayStatus(
        tx,
        {
          intentId: intent.id,
          tradeNo: intent.tradeNo,
          status: result.status.code,
          amount: result.amount,
          platformTradeNo: result.platFormTradeNo,
          message: result.message ?? null,
          source: 'query',
          actor: 'worker',
          exceptionScope: `query:${intent.id}:g${intent.submissionGeneration}:${result.status.code}`,
          evidence: { query: { status: result.status.code, amount: result.amount } },
        },
        now,
      );
    });
    if (applied.outcome === 'superseded') {
      // The new generation's outbox row is committed: wake the relay rather than wait for its poll.
      await deps.prisma.$executeRawUnsafe(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
      return { kind: 'superseded' };
    }
    if (applied.outcome === 'applied') return { kind: 'settled', state: applied.state };
    // An exception (recorded) or nothing to apply: leave SUBMITTING as an adopted open order.
    await adopt(deps.store, intent, result, undefined, now);
    return { kind: 'awaiting_payment' };
  }
  await adopt(deps.store, intent, result, attempt, now);
  return { kind: 'awaiting_payment' };
}

function adopt(
  store: Pick<SubmitStore, 'finish'>,
  intent: { id: string; submissionGeneration: number },
  result: QueryFound,
  attempt: AttemptColumns | undefined,
  now: Date,
): Promise<void> {
  return store.finish({
    intent,
    to: 'AWAITING_PAYMENT',
    reason: 'gateway.found_by_query',
    data: {
      platformTradeNo: result.platFormTradeNo,
      gatewayStatus: result.status.code,
      lastErrorCode: 'PAYMENT_LINK_UNAVAILABLE',
      lastErrorMessage: 'The order was found through the Query API, which does not return its payment link.',
    },
    attempt,
    now,
  });
}
