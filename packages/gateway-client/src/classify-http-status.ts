/**
 * What an HTTP status says before the body is read. One place, so that a change in what we
 * learn about Vexora's front (a proxy, a WAF) is one line.
 * - 2xx: the body is the answer.
 * - 429: throttled; the request was not processed.
 * - 504: a proxy's gateway timeout: Vexora may have processed the request without the proxy
 *   seeing the answer in time. Like our own deadline, that is `unknown/timeout`, never a resend.
 * - other 5xx: retryable, as the contract says.
 * - anything else (3xx, 4xx): not the contract's transport; the body counts only if it carries a
 *   business code the contract knows as a refusal (`8000`) or a busy gateway (`5000`). A
 *   misrouted request (a 404 page, a proxy's 403) must not turn into a final rejection.
 */
export type HttpStatusPolicy = 'read_body' | 'read_known_refusal' | 'http_429' | 'http_5xx' | 'timeout';

export function classifyHttpStatus(status: number): HttpStatusPolicy {
  if (status >= 200 && status <= 299) return 'read_body';
  if (status === 429) return 'http_429';
  if (status === 504) return 'timeout';
  if (status >= 500 && status <= 599) return 'http_5xx';
  return 'read_known_refusal';
}

/** Business codes a non-2xx, non-5xx answer may carry and still be believed. */
export const CODES_BELIEVED_OUTSIDE_2XX: readonly string[] = ['8000', '5000'];
