import { parseSignedBody, verify } from '@vexora-checkout/signing';
import { CODES_BELIEVED_OUTSIDE_2XX, classifyHttpStatus } from './classify-http-status.js';
import { describeIssues } from './gateway-request-error.js';
import type { GatewayAudit, RetryableResult, UnknownResult } from './gateway-results.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { redactResponseText } from './redact-audit-bodies.js';
import type { GatewayExchange } from './send-gateway-request.js';

/** The part of a zod schema used here (the contracts' response schemas are lenient `looseObject`s). */
export interface EnvelopeSchema<Envelope> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: Envelope }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * Either the exchange already decides the result (transport failure, HTTP status, unreadable or
 * forged body), or there is an answer whose business `code` the caller classifies.
 */
export type Interpretation<Envelope> =
  | { kind: 'decided'; result: RetryableResult | UnknownResult }
  | {
      kind: 'answer';
      envelope: Envelope;
      /** The body as `JSON.parse` read it (before the schema's lenient conversions). */
      value: Record<string, unknown>;
      /** The body's text, as received. */
      text: string;
      retryAfterMs?: number;
      audit: GatewayAudit;
    };

export interface InterpretContext {
  appSecret: string;
  /** The redacted request body, for the audit. */
  requestBody: string;
  /** Epoch ms, for `Retry-After` dates. */
  nowMs: number;
}

/**
 * Reads an exchange the way both calls need: text first, then JSON, then the signature (when the
 * answer carries a `sign`), then the contract's lenient schema.
 *
 * Signature. The contract signs top-level scalar fields only ("nested objects are not signed"),
 * so a response `sign` covers `code`, `msg`, `timestamp`, `success`, not `data`. It is verified
 * over the fields' wire text (`parseSignedBody`: `300.50` stays `300.50`). A `sign` that does not
 * verify makes the whole answer untrustworthy: `unknown/bad_signature`. An answer without `sign`
 * (absent, null or "") is accepted: the contract documents none on responses, and the transport
 * (TLS to the configured base URL) is what authenticates them. `audit.signature` records which.
 */
export function interpretExchange<Envelope extends { code: string }>(
  exchange: GatewayExchange,
  schema: EnvelopeSchema<Envelope>,
  context: InterpretContext,
): Interpretation<Envelope> {
  const audit = auditOf(exchange, context.requestBody);
  const retryable = (reason: RetryableResult['reason'], retryAfterMs?: number): Interpretation<Envelope> => ({
    kind: 'decided',
    result: { outcome: 'retryable', reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), audit },
  });
  const unknown = (reason: UnknownResult['reason'], error?: string): Interpretation<Envelope> => {
    if (error !== undefined) audit.error = error;
    return { kind: 'decided', result: { outcome: 'unknown', reason, audit } };
  };

  switch (exchange.kind) {
    case 'not_sent':
      return retryable('not_sent');
    case 'timeout':
      return unknown('timeout');
    case 'connection_lost':
      return unknown('connection_lost');
    case 'too_large':
      return unknown('unparseable');
    case 'response':
      break;
  }

  const { status, headers, body } = exchange;
  const retryAfterMs = parseRetryAfter(headers['retry-after'], context.nowMs);
  const policy = classifyHttpStatus(status);
  switch (policy) {
    case 'http_429':
      return retryable('http_429', retryAfterMs);
    case 'http_5xx':
      return retryable('http_5xx', retryAfterMs);
    case 'timeout':
      return unknown(
        'timeout',
        `HTTP ${status}: the gateway's front timed out; the request may have been processed`,
      );
    case 'read_body':
    case 'read_known_refusal':
      break;
  }
  const prefix = policy === 'read_body' ? '' : `HTTP ${status}: `;

  const parsed = parseSignedBody(body, 'application/json');
  if (!parsed.ok) {
    // JSON.parse's own message quotes the body, payer details included: keep only the verdict
    // (the redacted body is in the audit).
    const reason = parsed.reason.startsWith('invalid JSON') ? 'the body is not JSON' : parsed.reason;
    return unknown('unparseable', `${prefix}${reason}`);
  }

  const signature = verify(parsed.wireFields, context.appSecret);
  if (!signature.ok && signature.reason !== 'absent') {
    audit.signature = 'invalid';
    return unknown('bad_signature', `${prefix}response sign does not verify (${signature.reason})`);
  }
  audit.signature = signature.ok ? 'valid' : 'absent';

  const envelope = schema.safeParse(parsed.value);
  if (!envelope.success) {
    return unknown(
      'unparseable',
      `${prefix}not the contract's shape: ${describeIssues(envelope.error.issues).join('; ')}`,
    );
  }
  if (policy === 'read_known_refusal' && !CODES_BELIEVED_OUTSIDE_2XX.includes(envelope.data.code)) {
    return unknown(
      'unparseable',
      `unexpected HTTP status ${status} with business code ${envelope.data.code}`,
    );
  }
  return {
    kind: 'answer',
    envelope: envelope.data,
    value: parsed.value,
    text: body,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    audit,
  };
}

function auditOf(exchange: GatewayExchange, requestBody: string): GatewayAudit {
  const audit: GatewayAudit = { latencyMs: exchange.latencyMs, requestBody };
  if (exchange.status !== undefined) audit.httpStatus = exchange.status;
  if (exchange.body !== undefined) {
    const response = redactResponseText(exchange.body);
    audit.responseBody = response.text;
    if (response.truncated) audit.responseBodyTruncated = true;
  }
  if (exchange.kind !== 'response') audit.error = exchange.error;
  return audit;
}
