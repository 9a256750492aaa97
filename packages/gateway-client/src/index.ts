export {
  GATEWAY_PATHS,
  MAX_RESPONSE_BYTES,
  createGatewayClient,
  type CheckoutInput,
  type GatewayClient,
  type GatewayClientOptions,
} from './create-gateway-client.js';
export { GatewayRequestError } from './gateway-request-error.js';
export type {
  CheckoutAccepted,
  CheckoutResult,
  GatewayAudit,
  QueryFound,
  QueryNotFound,
  QueryResult,
  RejectedResult,
  RetryableResult,
  UnknownResult,
} from './gateway-results.js';
export { classifyHttpStatus, type HttpStatusPolicy } from './classify-http-status.js';
export { KEEP_ALIVE } from './create-gateway-pool.js';
export { MAX_AUDIT_BODY_CHARS, REDACTED, REDACTED_KEYS } from './redact-audit-bodies.js';
