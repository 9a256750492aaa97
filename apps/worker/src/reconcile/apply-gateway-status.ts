import { classifyGatewayStatus } from '@vexora-checkout/contracts';
import type { CheckoutIntent, IntentState, Prisma } from '@vexora-checkout/db';
import { transitionIntent } from '../submit/transition-intent.js';
import { decimalCents, formatCents } from './decimal-cents.js';
import { nextTradeNo } from './next-trade-no.js';
import { recordException, type ExceptionKind, type ExceptionRecord } from './record-exception.js';

/** Vexora's final word: never changed again (a contradicting later claim is an exception). */
export const GATEWAY_FINAL_STATES: readonly IntentState[] = ['PAID', 'PARTIALLY_PAID', 'FAILED', 'REJECTED'];

/**
 * States a proven final status moves an intent out of. Besides AWAITING_PAYMENT, UNKNOWN and
 * EXPIRED (the design's table), every other non-final state yields to proven gateway truth too:
 * PENDING and SUBMITTING (a submit job's later guarded update then finds nothing to do; Vexora
 * refuses a resend of the tradeNo anyway) and SUBMIT_FAILED (our own give-up, flagged).
 */
export const YIELDING_STATES: readonly IntentState[] = [
  'PENDING',
  'SUBMITTING',
  'UNKNOWN',
  'AWAITING_PAYMENT',
  'EXPIRED',
  'SUBMIT_FAILED',
];

/**
 * Superseding stops here: an intent whose orders keep failing before the payer ever saw a link
 * (Vexora refusing the payer or the channel, say) becomes FAILED at this generation rather than
 * being resubmitted up to the tradeNo format's 99.
 */
export const MAX_SUPERSEDING_GENERATION = 5;

export interface GatewayStatusReport {
  intentId: string;
  /** The tradeNo the status is about: the intent's live one or one it used before. */
  tradeNo: string;
  /** The order's status code, raw (0000, 0001, 0015, 00029, anything else). */
  status: string;
  /** The amount reported (for 0000/0001: what was paid), decimal text; null when none came. */
  amount: string | null;
  platformTradeNo: string | null;
  /** Vexora's message, kept as last_error_message of a failure. */
  message?: string | null;
  /** Where the proof came from: a trusted signed notification, or the Query API's answer. */
  source: 'notification' | 'query';
  /** Who applies it (status_history.actor). */
  actor: 'reconcile' | 'sweeper' | 'worker';
  /**
   * Scope of the exceptions this report may record (see ExceptionRecord.scope), e.g.
   * `notification:<id>` or `query:<intentId>:g<generation>:<status>`.
   */
  exceptionScope: string;
  notificationId?: bigint | null;
  /** Anything else worth keeping with a history row or an exception (the claim, the query). */
  evidence?: Prisma.InputJsonObject;
}

export type ApplyOutcome = 'applied' | 'superseded' | 'no_change' | 'exception';

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** The intent's state afterwards. */
  state: IntentState;
  /** Exceptions recorded (an `applied` change can carry a flag, e.g. a late payment). */
  exceptions: ExceptionKind[];
}

interface LockedIntent {
  id: string;
}

/**
 * Applies a PROVEN gateway status to an intent, in the caller's transaction: the one state
 * machine for notifications (once verified), the sweep's polls and the submit job's queries.
 * The proof is the caller's business; this decides what the status means for the intent.
 *
 * - The intent row is locked first (`FOR UPDATE`), so two reports about one intent are decided
 *   one after the other, the second seeing the first's result.
 * - A tradeNo the intent no longer uses: a payment on it (0000/0001) is the exception
 *   `payment_on_superseded_trade_no`; anything else changes nothing.
 * - `0015` (processing) changes nothing: the monotonic rule means a stale notification arriving
 *   after a final one can never move an intent backwards.
 * - Gateway-final intents never change; the same final status again is `no_change`, another one
 *   the exception `conflicting_final_status`.
 * - `0000` → PAID only when the amount equals the intent's; any other amount (over or under) is
 *   the exception `amount_mismatch` and nothing is applied: Vexora says "paid in full", and a
 *   full payment of another amount is a contradiction (a forged claim, a gateway bug, a currency
 *   mix-up) that an operator must judge, not a partial payment we should guess at.
 * - `0001` → PARTIALLY_PAID with `paid_amount` when 0 < amount < the intent's amount; otherwise
 *   `amount_mismatch`.
 * - `00029` and every other code → FAILED with the raw code in gateway_status/last_error_code;
 *   except when the payer never had a way to pay (no payment link, no KHQR: an order adopted
 *   through the Query API, or one whose submission outcome was never known): the order provably
 *   cannot be paid, so the intent gets a superseding tradeNo and goes back to PENDING
 *   (see `supersedeTradeNo`).
 * - From EXPIRED a payment is applied and flagged `late_payment_after_expired`; from SUBMIT_FAILED
 *   anything is applied and flagged `local_state_overridden`. The history reason says so too.
 */
export async function applyGatewayStatus(
  tx: Prisma.TransactionClient,
  report: GatewayStatusReport,
  now: Date = new Date(),
): Promise<ApplyResult> {
  const locked = await tx.$queryRaw<LockedIntent[]>`
    SELECT id::text AS id FROM checkout_intent WHERE id = ${report.intentId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new Error(`intent ${report.intentId} does not exist`);
  const intent = await tx.checkoutIntent.findUniqueOrThrow({ where: { id: report.intentId } });
  const status = classifyGatewayStatus(report.status);
  // numeric(20,2) text: always parses.
  const expectedCents = decimalCents(intent.amount.toFixed(2)) ?? 0n;
  const expected = formatCents(expectedCents);
  const reportedCents = decimalCents(report.amount);
  const reported = reportedAmountText(report.amount);
  const exceptions: ExceptionKind[] = [];
  const flag = async (kind: ExceptionKind, evidence: Prisma.InputJsonObject = {}) => {
    exceptions.push(kind);
    const record: ExceptionRecord = {
      kind,
      scope: report.exceptionScope,
      intentId: intent.id,
      notificationId: report.notificationId ?? null,
      tradeNo: report.tradeNo,
      accountId: intent.accountId,
      expectedAmount: expected,
      reportedAmount: reportedCents === null ? null : reported,
      currency: intent.currency,
      gatewayStatus: report.status,
      evidence: {
        source: report.source,
        intentState: intent.state,
        liveTradeNo: intent.tradeNo,
        reportedAmountText: report.amount,
        ...report.evidence,
        ...evidence,
      },
    };
    await recordException(tx, record);
  };
  const result = (outcome: ApplyOutcome, state: IntentState = intent.state): ApplyResult => ({
    outcome,
    state,
    exceptions,
  });

  if (report.tradeNo !== intent.tradeNo) {
    if (status.outcome === 'paid' || status.outcome === 'partially_paid') {
      await flag('payment_on_superseded_trade_no', { supersededTradeNo: report.tradeNo });
      return result('exception');
    }
    return result('no_change');
  }
  if (!status.final) return result('no_change');

  if (GATEWAY_FINAL_STATES.includes(intent.state)) {
    if (sameFinalStatus(intent, status.outcome, report.status, reportedCents)) return result('no_change');
    await flag('conflicting_final_status');
    return result('exception');
  }
  if (!YIELDING_STATES.includes(intent.state)) return result('no_change');

  let to: IntentState;
  let data: NonNullable<Parameters<typeof transitionIntent>[1]['data']>;
  const common = {
    gatewayStatus: report.status,
    ...(report.platformTradeNo && !intent.platformTradeNo ? { platformTradeNo: report.platformTradeNo } : {}),
  };
  switch (status.outcome) {
    case 'paid':
      if (reportedCents !== expectedCents) {
        await flag('amount_mismatch');
        return result('exception');
      }
      to = 'PAID';
      data = { ...common, paidAmount: expected };
      break;
    case 'partially_paid':
      if (reportedCents === null || reportedCents <= 0n || reportedCents >= expectedCents) {
        await flag('amount_mismatch');
        return result('exception');
      }
      to = 'PARTIALLY_PAID';
      data = { ...common, paidAmount: formatCents(reportedCents) };
      break;
    case 'failed':
    case 'processing': {
      // (processing never gets here: non-final statuses returned above)
      const neverPayable =
        intent.paymentLink === null && intent.payInfo === null && intent.state !== 'EXPIRED';
      if (neverPayable) {
        const superseded = await supersedeTradeNo(tx, intent, report, now);
        if (superseded) {
          if (intent.state === 'SUBMIT_FAILED') {
            await flag('local_state_overridden', { overriddenState: 'SUBMIT_FAILED' });
          }
          return result('superseded', 'PENDING');
        }
      }
      to = 'FAILED';
      data = {
        ...common,
        lastErrorCode: report.status.slice(0, 32),
        lastErrorMessage: report.message ?? status.description,
      };
    }
  }

  const late = intent.state === 'EXPIRED' && (to === 'PAID' || to === 'PARTIALLY_PAID');
  const overridden = intent.state === 'SUBMIT_FAILED';
  const reason = `gateway.${to.toLowerCase()}${
    intent.state === 'EXPIRED' ? '.after_expired' : overridden ? '.overrides_submit_failed' : ''
  }`;
  const changed = await transitionIntent(
    tx,
    {
      intentId: intent.id,
      from: [intent.state],
      to,
      data,
      actor: report.actor,
      reason,
      details: transitionDetails(report),
    },
    now,
  );
  if (!changed) return result('no_change');
  if (late) await flag('late_payment_after_expired');
  if (overridden) await flag('local_state_overridden', { overriddenState: 'SUBMIT_FAILED' });
  return result('applied', to);
}

/** A reported amount as the books write it: canonical two-decimal text when it parses, else as sent. */
export function reportedAmountText(amount: string | null): string | null {
  const cents = decimalCents(amount);
  return cents === null ? amount : formatCents(cents);
}

/** The `status_history.details` of a change a gateway status made. */
export function transitionDetails(
  report: Pick<GatewayStatusReport, 'source' | 'tradeNo' | 'status' | 'amount' | 'notificationId'>,
): Prisma.InputJsonObject {
  const reported = reportedAmountText(report.amount);
  return {
    source: report.source,
    tradeNo: report.tradeNo,
    gatewayStatus: report.status,
    ...(reported === null ? {} : { amount: reported }),
    ...(report.notificationId ? { notificationId: report.notificationId.toString() } : {}),
  };
}

function sameFinalStatus(
  intent: CheckoutIntent,
  outcome: string,
  code: string,
  reportedCents: bigint | null,
): boolean {
  const paidCents = intent.paidAmount === null ? null : decimalCents(intent.paidAmount.toFixed(2));
  if (intent.state === 'PAID') return outcome === 'paid' && reportedCents === paidCents;
  if (intent.state === 'PARTIALLY_PAID') return outcome === 'partially_paid' && reportedCents === paidCents;
  if (intent.state === 'FAILED') {
    return outcome === 'failed' && (intent.gatewayStatus === null || intent.gatewayStatus === code);
  }
  // REJECTED: Vexora said no order was created; any final status about it contradicts that.
  return false;
}

/**
 * Replaces the live tradeNo of an intent whose order failed before the payer could ever pay it:
 * records the old one in `superseded_trade_no`, moves the intent to PENDING with the next
 * submission generation and its tradeNo, and adds the `checkout.submit` outbox event that makes
 * the relay submit it again, all in the caller's transaction. Returns false (nothing done) when
 * the generations ran out or the live tradeNo cannot be continued: the caller then marks FAILED.
 */
async function supersedeTradeNo(
  tx: Prisma.TransactionClient,
  intent: CheckoutIntent,
  report: GatewayStatusReport,
  now: Date,
): Promise<boolean> {
  const tradeNo = nextTradeNo(intent, MAX_SUPERSEDING_GENERATION);
  if (!tradeNo) return false;
  const generation = intent.submissionGeneration + 1;
  const changed = await transitionIntent(
    tx,
    {
      intentId: intent.id,
      from: [intent.state],
      to: 'PENDING',
      generation: intent.submissionGeneration,
      data: {
        tradeNo,
        submissionGeneration: generation,
        platformTradeNo: null,
        gatewayStatus: null,
        paymentLink: null,
        payInfo: null,
        lastErrorCode: null,
        lastErrorMessage: null,
      },
      actor: report.actor,
      reason: 'trade_no.superseded',
      details: {
        source: report.source,
        supersededTradeNo: intent.tradeNo,
        tradeNo,
        generation,
        gatewayStatus: report.status,
        why: 'order failed before any payment link was issued',
      },
    },
    now,
  );
  if (!changed) return false;
  await tx.supersededTradeNo.create({
    data: {
      tradeNo: intent.tradeNo,
      intentId: intent.id,
      generation: intent.submissionGeneration,
      platformTradeNo: report.platformTradeNo ?? intent.platformTradeNo,
      gatewayStatus: report.status,
      reason: 'failed_without_payment_link',
      supersededAt: now,
    },
  });
  await tx.outboxEvent.create({
    data: { eventType: 'checkout.submit', intentId: intent.id, generation, createdAt: now },
  });
  return true;
}
