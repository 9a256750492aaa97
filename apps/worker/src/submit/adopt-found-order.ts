import type { QueryFound } from '@vexora-checkout/gateway-client';
import type { AttemptColumns } from './record-attempt.js';
import type { SubmitStore } from './submit-store.js';

/**
 * The Query API found the order of an intent whose submission had no definite answer: adopt it
 * (AWAITING_PAYMENT with its platform trade number and status), with the query's attempt row.
 * The Query API does not return the payment link: the intent waits for payment without one (the
 * sweep supersedes the tradeNo once the order provably cannot be paid; see docs/architecture.md,
 * "Unknown outcomes").
 */
export async function adoptFoundOrder(
  store: Pick<SubmitStore, 'finish'>,
  intent: { id: string; submissionGeneration: number },
  result: QueryFound,
  attempt: AttemptColumns,
  now: Date,
): Promise<void> {
  await store.finish({
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
