/**
 * Exponential backoff with full jitter (a random delay between 0 and the exponential cap), which
 * spreads a burst of failures instead of retrying them in lockstep; never sooner than the
 * gateway's own Retry-After.
 */
export function computeRetryDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number | undefined; random?: () => number },
): number {
  const random = options.random ?? Math.random;
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * cap);
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
