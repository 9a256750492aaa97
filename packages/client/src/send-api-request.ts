import { setTimeout as sleep } from 'node:timers/promises';
import { decideRetry, type AttemptOutcome, type RetryPolicy } from './decide-retry.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { problemDetailsSchema, type ProblemDetails } from './response-schemas.js';
import { VexoraCheckoutApiError } from './vexora-checkout-api-error.js';
import { VexoraCheckoutNetworkError } from './vexora-checkout-network-error.js';

/** Told before each retry: for logs and progress lines. */
export interface RetryNotice {
  method: string;
  path: string;
  /** Attempts made so far. */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface RequestSettings {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof globalThis.fetch;
  onRetry?: ((notice: RetryNotice) => void) | undefined;
  random?: () => number;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  /** Overrides the settings' timeout (a long-poll needs longer). */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Sends one request, retrying what `decideRetry` allows with the very same headers and body (so
 * the same Idempotency-Key), and returns the first 2xx answer with its JSON body. Throws
 * `VexoraCheckoutApiError` for a final error answer, `VexoraCheckoutNetworkError` when no answer
 * came, or the caller's abort reason when `signal` aborts (never retried).
 */
export async function sendApiRequest(settings: RequestSettings, request: ApiRequest): Promise<ApiAnswer> {
  const url = new URL(
    request.path,
    settings.baseUrl.endsWith('/') ? settings.baseUrl : `${settings.baseUrl}/`,
  );
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = {
    authorization: `Bearer ${settings.apiKey}`,
    accept: 'application/json, application/problem+json',
  };
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const timeoutMs = request.timeoutMs ?? settings.timeoutMs;

  for (let attempt = 1; ; attempt += 1) {
    request.signal?.throwIfAborted();
    let error: Error;
    let outcome: AttemptOutcome;
    try {
      const signal = request.signal
        ? AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs);
      const response = await settings.fetch(url, { method: request.method, headers, body, signal });
      const json = parseJson(await response.text());
      if (response.ok) return { status: response.status, headers: response.headers, body: json };
      const problem = toProblem(response.status, json);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      error = new VexoraCheckoutApiError(response.status, problem, retryAfterMs);
      outcome = { kind: 'status', status: response.status, code: problem.code, retryAfterMs };
    } catch (cause) {
      if (request.signal?.aborted) throw request.signal.reason;
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      const reason = timedOut ? `no answer within ${timeoutMs} ms` : describeCause(cause);
      error = new VexoraCheckoutNetworkError(`${request.method} ${url.pathname} failed: ${reason}`, {
        cause,
      });
      outcome = { kind: 'network' };
    }
    const decision = decideRetry(outcome, attempt, settings.retry, settings.random);
    if (!decision.retry) throw error;
    settings.onRetry?.({
      method: request.method,
      path: url.pathname,
      attempt,
      delayMs: decision.delayMs,
      reason: decision.reason,
    });
    try {
      await sleep(decision.delayMs, undefined, { signal: request.signal });
    } catch {
      throw request.signal?.reason ?? error;
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The problem the API sent, or one describing an answer that was not a problem. */
function toProblem(status: number, body: unknown): ProblemDetails {
  const parsed = problemDetailsSchema.safeParse(body);
  if (parsed.success && typeof (body as { code?: unknown }).code === 'string') return parsed.data;
  const text = typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body)?.slice(0, 200);
  return {
    type: 'about:blank',
    status,
    code: 'unexpected_response',
    detail: `HTTP ${status} without a problem body${text ? `: ${text}` : ''}`,
  };
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // fetch wraps the socket error: its code (ECONNREFUSED, ECONNRESET…) is what helps.
  const inner = (cause as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail =
    typeof inner?.code === 'string'
      ? inner.code
      : typeof inner?.message === 'string'
        ? inner.message
        : undefined;
  return detail ? `${cause.message} (${detail})` : cause.message;
}
