export {
  MAX_BATCH_ITEMS,
  createVexoraCheckoutClient,
  type CheckoutBatchResult,
  type CheckoutPage,
  type CreateCheckoutInput,
  type CreateCheckoutResult,
  type ListCheckoutsQuery,
  type RequestOptions,
  type VexoraCheckoutClient,
  type VexoraCheckoutClientOptions,
} from './create-vexora-checkout-client.js';
export type { CheckoutBatchItemResult } from './normalize-batch-result.js';
export type { FollowEventsOptions } from './follow-events.js';
export type { CheckoutEvent, ProblemDetails } from './response-schemas.js';
export type { RetryNotice } from './send-api-request.js';
export { VexoraCheckoutApiError } from './vexora-checkout-api-error.js';
export { VexoraCheckoutNetworkError } from './vexora-checkout-network-error.js';
export type { CheckoutIntentResource, IntentStateName } from '@vexora-checkout/contracts';
export { INTENT_STATES } from '@vexora-checkout/contracts';
export { decideRetry, type AttemptOutcome, type RetryDecision, type RetryPolicy } from './decide-retry.js';
