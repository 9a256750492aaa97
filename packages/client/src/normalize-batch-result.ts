import type { CheckoutIntentResource } from '@vexora-checkout/contracts';
import {
  checkoutIntentSchema,
  problemDetailsSchema,
  type ProblemDetails,
  type RawBatchResult,
} from './response-schemas.js';

/**
 * What happened to one item of a batch, with the intent or the problem already told apart (on the
 * wire, `invalid` items carry `problem` and the others `body`, which is an intent or a problem
 * depending on the status).
 */
export interface CheckoutBatchItemResult {
  /** Position of the item in the batch sent. */
  index: number;
  idempotencyKey: string | null;
  /**
   * `created` now; `replayed`: the key had an answer already (an intent, or a stored problem such
   * as a merchantReference conflict); `refused`: valid but not created; `invalid`: failed
   * validation, nothing stored.
   */
  outcome: 'created' | 'replayed' | 'refused' | 'invalid';
  /** What `POST /v1/checkouts` would have answered for this item. */
  status: number;
  /** Set when the item has an intent (`202`). */
  intent: CheckoutIntentResource | null;
  /** Set when it has none. */
  problem: ProblemDetails | null;
}

export function normalizeBatchResult(raw: RawBatchResult): CheckoutBatchItemResult {
  const base = {
    index: raw.index,
    idempotencyKey: raw.idempotencyKey,
    outcome: raw.outcome,
    status: raw.status,
  };
  if (raw.outcome !== 'invalid' && raw.status >= 200 && raw.status < 300) {
    return { ...base, intent: checkoutIntentSchema.parse(raw.body), problem: null };
  }
  const problem = problemDetailsSchema.parse(raw.outcome === 'invalid' ? raw.problem : raw.body);
  return { ...base, intent: null, problem };
}
