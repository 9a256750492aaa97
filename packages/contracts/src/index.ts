export {
  CURRENCIES,
  CURRENCY_DECIMALS,
  CURRENCY_NUMERIC_CODE,
  currencySchema,
  type Currency,
} from './currency.js';
export { MAX_AMOUNT_MINOR, formatMinorUnits, parseAmount, toMinorUnits, type AmountResult } from './money.js';
export { findUnstorableText, isStorableText } from './find-unstorable-text.js';
export { normalizeCambodianMobile, type MobileResult } from './normalize-cambodian-mobile.js';
export {
  GATEWAY_STATUSES,
  classifyGatewayStatus,
  type ClassifiedGatewayStatus,
  type GatewayOutcome,
  type GatewayStatusInfo,
  type KnownGatewayStatus,
} from './gateway-statuses.js';
export {
  BUSINESS_CODES,
  classifyBusinessCode,
  type BusinessCodeInfo,
  type BusinessOutcome,
  type ClassifiedBusinessCode,
  type KnownBusinessCode,
} from './business-codes.js';
export { optionalWireText, wireBoolean, wireText } from './wire-values.js';
export {
  checkoutRequestSchema,
  checkoutResponseDataSchema,
  checkoutResponseSchema,
  notificationSchema,
  queryRequestSchema,
  queryResponseDataSchema,
  queryResponseSchema,
  type CheckoutRequest,
  type CheckoutResponse,
  type Notification,
  type QueryRequest,
  type QueryResponse,
  type SignedCheckoutRequest,
} from './gateway-messages.js';
export {
  DEFAULT_SANDBOX_ACCOUNTS,
  parseVexoraAccounts,
  type VexoraAccount,
  type VexoraAccountsResult,
} from './vexora-accounts.js';
export {
  INTENT_STATES,
  createCheckoutBodySchema,
  type CheckoutEventResource,
  type CheckoutIntentResource,
  type CreateCheckoutBody,
  type IntentStateName,
} from './api-checkouts.js';
export { QUERY_NOT_FOUND, isQueryNotFound } from './query-not-found.js';
export {
  MAX_SUBMISSION_GENERATION,
  TRADE_NO_TIME_ZONE,
  formatCompactTime,
  generateTradeNo,
  type TradeNoInput,
} from './generate-trade-no.js';
export {
  NOTIFICATION_RECONCILE_JOB,
  NOTIFICATION_RECONCILE_QUEUE,
  NOTIFICATION_RECONCILE_JOB_OPTIONS,
  notificationReconcileJobDataSchema,
  notificationReconcileJobId,
  type NotificationReconcileJobData,
} from './notification-queue.js';
