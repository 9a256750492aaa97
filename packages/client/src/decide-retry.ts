/** What one attempt came to, as far as retrying is concerned. */
export type AttemptOutcome =
  { kind: 'network' } | { kind: 'status'; status: number; code: string; retryAfterMs: number | undefined };

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** First backoff ceiling; it doubles per attempt (full jitter) up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error goes to the caller. */
  maxRetryAfterMs: number;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number; reason: string };

/**
 * Whether to send a request again, and when. Every request this client sends is safe to repeat
 * (reads, and creations under the same idempotency key), so the only question is whether another
 * attempt can succeed: after a network error, `409 idempotency_in_flight` (the first attempt is
 * still running), `429`, `503` (honouring `Retry-After`) and other `5xx`. Any other answer is
 * final: sending it again would get the same answer.
 *
 * `attempt` is the number of attempts made so far (1 after the first).
 */
export function decideRetry(
  outcome: AttemptOutcome,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (attempt > policy.retries) return { retry: false };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const backoff = Math.floor(random() * ceiling);
  if (outcome.kind === 'network') return { retry: true, delayMs: backoff, reason: 'network error' };

  const { status, code, retryAfterMs } = outcome;
  const reason = `${status} ${code}`;
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) return { retry: false };
  if (status === 429 || status === 503) return { retry: true, delayMs: retryAfterMs ?? backoff, reason };
  if (status === 409 && code === 'idempotency_in_flight') {
    // The other request needs time to finish: never retry at once.
    return { retry: true, delayMs: retryAfterMs ?? Math.max(policy.baseDelayMs, backoff), reason };
  }
  if (status >= 500) return { retry: true, delayMs: retryAfterMs ?? backoff, reason };
  return { retry: false };
}
