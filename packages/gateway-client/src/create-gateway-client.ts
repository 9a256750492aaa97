import {
  checkoutRequestSchema,
  checkoutResponseSchema,
  queryRequestSchema,
  queryResponseSchema,
  type CheckoutRequest,
  type VexoraAccount,
} from '@vexora-checkout/contracts';
import { signFields } from '@vexora-checkout/signing';
import type { Dispatcher } from 'undici';
import { classifyCheckoutAnswer } from './classify-checkout-answer.js';
import { classifyQueryAnswer } from './classify-query-answer.js';
import { createGatewayPool } from './create-gateway-pool.js';
import { GatewayRequestError, describeIssues } from './gateway-request-error.js';
import type { CheckoutResult, QueryResult } from './gateway-results.js';
import { interpretExchange } from './interpret-exchange.js';
import { redactRequestBody } from './redact-audit-bodies.js';
import { sendGatewayRequest } from './send-gateway-request.js';

/** Paths of Vexora's two merchant calls, under the configured base URL. */
export const GATEWAY_PATHS = {
  checkout: '/v1/vexora/checkout',
  query: '/v1/vexora/queryPayInResult',
} as const;

/** An answer longer than this is abandoned as unreadable (Vexora's answers are a few hundred bytes). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface GatewayClientOptions {
  /** Vexora's base URL for this environment (sandbox, production); may carry a path prefix. */
  baseUrl: string | URL;
  /**
   * Whose `merchantNo` header and app secret the calls use (only these two fields are read; the
   * account's own `baseUrl`, when it has one, is the caller's to pass as `baseUrl`).
   */
  account: Pick<VexoraAccount, 'merchantNo' | 'appSecret'>;
  /** Deadline of each call, from the call to the last byte of the answer. Default 10 s. */
  timeoutMs?: number;
  /** Most sockets open to the gateway at once. Default 32. */
  connections?: number;
  /** Epoch milliseconds, for `timestamp` and `Retry-After` dates. Default `Date.now`. */
  clock?: () => number;
  /**
   * Tests only: an undici dispatcher to use instead of the client's own pool. The caller owns
   * it: `close()` leaves it open.
   */
  dispatcher?: Dispatcher;
}

/** A checkout request; `timestamp` defaults to the clock's epoch milliseconds. */
export type CheckoutInput = Omit<CheckoutRequest, 'timestamp'> & { timestamp?: string };

export interface GatewayClient {
  readonly merchantNo: string;
  /** `POST /v1/vexora/checkout`. Rejects only for a request that breaks the contract (`GatewayRequestError`). */
  checkout(request: CheckoutInput): Promise<CheckoutResult>;
  /** `POST /v1/vexora/queryPayInResult`. Rejects only for an empty `tradeNo` (`GatewayRequestError`). */
  query(tradeNo: string): Promise<QueryResult>;
  /** Waits for calls in flight (each bounded by its deadline), then closes the pool's sockets. */
  close(): Promise<void>;
}

/**
 * A typed client for Vexora's merchant calls. Every call resolves to a result the caller switches
 * on (`accepted`/`found`, `not_found`, `rejected`, `retryable`, `unknown`), each with an audit of
 * the exchange; transport failures are results, not exceptions.
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const { account, timeoutMs = 10_000, connections = 32, clock = Date.now } = options;
  if (account.appSecret === '') throw new Error(`account ${account.merchantNo} has an empty app secret`);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new RangeError('timeoutMs must be a positive integer');
  if (!Number.isInteger(connections) || connections <= 0)
    throw new RangeError('connections must be a positive integer');

  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error(`baseUrl must be an http(s) URL, got ${base.protocol}`);
  }
  const origin = base.origin;
  const prefix = base.pathname.replace(/\/+$/, '');
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? createGatewayPool(origin, { connections, timeoutMs });
  let closed = false;

  const now = () => Math.trunc(clock());

  async function post(path: string, fields: Record<string, string>) {
    if (closed) throw new Error('the gateway client is closed');
    const body = signFields(fields, account.appSecret);
    const requestBody = redactRequestBody(body);
    const exchange = await sendGatewayRequest({
      dispatcher,
      origin,
      path: prefix + path,
      merchantNo: account.merchantNo,
      body: JSON.stringify(body),
      timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
    });
    return { exchange, context: { appSecret: account.appSecret, requestBody, nowMs: now() } };
  }

  return {
    merchantNo: account.merchantNo,

    async checkout(request) {
      const parsed = checkoutRequestSchema.safeParse({
        ...request,
        timestamp: request.timestamp ?? String(now()),
      });
      if (!parsed.success) throw new GatewayRequestError('checkout', describeIssues(parsed.error.issues));
      const { exchange, context } = await post(GATEWAY_PATHS.checkout, parsed.data);
      const read = interpretExchange(exchange, checkoutResponseSchema, context);
      if (read.kind === 'decided') return read.result;
      return classifyCheckoutAnswer(read.envelope, parsed.data, read.audit, read.retryAfterMs);
    },

    async query(tradeNo) {
      const parsed = queryRequestSchema.safeParse({ tradeNo, timestamp: String(now()) });
      if (!parsed.success) throw new GatewayRequestError('query', describeIssues(parsed.error.issues));
      const { exchange, context } = await post(GATEWAY_PATHS.query, parsed.data);
      const read = interpretExchange(exchange, queryResponseSchema, context);
      if (read.kind === 'decided') return read.result;
      return classifyQueryAnswer(read, parsed.data, read.audit);
    },

    async close() {
      if (closed) return;
      closed = true;
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}
