import type { ClassifiedGatewayStatus } from '@vexora-checkout/contracts';

/**
 * What one exchange with Vexora looked like, for the caller's `submission_attempt` audit row.
 * Payer details (`firstname`, `lastname`, `mobile`, `email`) and `sign` are replaced by
 * `"[redacted]"` in both bodies; the app secret is never part of an audit.
 */
export interface GatewayAudit {
  /** Absent when no response status arrived (not sent, connection lost, timeout before headers). */
  httpStatus?: number;
  /** Wall time of the whole exchange (queueing, connecting, sending, receiving), whole ms. */
  latencyMs: number;
  /** The JSON text we sent, redacted. */
  requestBody: string;
  /** The response's raw text, redacted, cut at `MAX_AUDIT_BODY_CHARS`. */
  responseBody?: string;
  /** Set when `responseBody` was cut. */
  responseBodyTruncated?: true;
  /**
   * The response's signature: `valid` when it carried a `sign` that verified, `absent` when it
   * carried none, `invalid` when it did not verify (the result is then `unknown/bad_signature`).
   */
  signature?: 'valid' | 'absent' | 'invalid';
  /** Why the exchange did not produce a usable answer: transport error, parse problem… */
  error?: string;
}

/**
 * The request certainly did not create anything at Vexora (not sent), or Vexora said so
 * (`5000`, HTTP 429, HTTP 5xx but 504): the same request may be sent again.
 */
export interface RetryableResult {
  outcome: 'retryable';
  reason: 'http_5xx' | 'http_429' | 'gateway_busy' | 'not_sent';
  /** From a `Retry-After` header (seconds or HTTP-date), when the response had one. */
  retryAfterMs?: number;
  audit: GatewayAudit;
}

/**
 * The request may have reached Vexora and we do not know what it did: resolve through the Query
 * API before anything is sent again.
 * - `timeout`: the deadline passed after the request may have been written (or an HTTP 504);
 * - `connection_lost`: the connection failed after the request may have been written;
 * - `unparseable`: an answer we cannot read (not JSON, not the contract's shape, a `0000`
 *   without the order's identifiers, an answer about another `tradeNo`, an unexpected status);
 * - `bad_signature`: the answer carried a `sign` that does not verify with our secret.
 */
export interface UnknownResult {
  outcome: 'unknown';
  reason: 'timeout' | 'connection_lost' | 'unparseable' | 'bad_signature';
  audit: GatewayAudit;
}

/**
 * Vexora refused the request (`8000`) or answered a business code we do not know. Not retryable;
 * the raw code and message are kept.
 */
export interface RejectedResult {
  outcome: 'rejected';
  /** The business `code` exactly as received. */
  code: string;
  /** `false` for a code outside the contract's table. */
  known: boolean;
  message?: string;
  audit: GatewayAudit;
}

/** Vexora accepted the checkout (`0000`): the order exists there. */
export interface CheckoutAccepted {
  outcome: 'accepted';
  tradeNo: string;
  platFormTradeNo: string;
  /** `data.status`: the raw code and what it means (`0015` processing, usually). */
  status: ClassifiedGatewayStatus;
  paymentLink?: string;
  payInfo?: string;
  message?: string;
  remark?: string;
  audit: GatewayAudit;
}

export type CheckoutResult = CheckoutAccepted | RejectedResult | RetryableResult | UnknownResult;

/** Vexora holds the order; this is its state there. */
export interface QueryFound {
  outcome: 'found';
  tradeNo: string;
  platFormTradeNo: string;
  status: ClassifiedGatewayStatus;
  /** The amount as Vexora wrote it (for `0000`/`0001`, what was paid). */
  amount: string;
  /** Asia/Phnom_Penh local time, as received. */
  successTime?: string;
  message?: string;
  remark?: string;
  audit: GatewayAudit;
}

/** Vexora said explicitly that it holds no order with this `tradeNo` (see `isQueryNotFound`). */
export interface QueryNotFound {
  outcome: 'not_found';
  code: string;
  message?: string;
  audit: GatewayAudit;
}

export type QueryResult = QueryFound | QueryNotFound | RejectedResult | RetryableResult | UnknownResult;
