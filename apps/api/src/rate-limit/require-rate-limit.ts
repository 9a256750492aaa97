import type { Logger } from '@vexora-checkout/runtime';
import type { Request, RequestHandler, Response } from 'express';
import { Counter, type Registry } from 'prom-client';
import { ApiProblem } from '../problems/api-problem.js';
import type { KeyRateLimiter, RateLimitDecision } from './create-key-rate-limiter.js';

/** Intents of a batch per token: a 1,000-item batch costs 10, a single create 1. */
export const BATCH_ITEMS_PER_TOKEN = 100;

/**
 * What a request costs. One token per request, except a batch: one per started
 * BATCH_ITEMS_PER_TOKEN items, so bulk creation (the primary use) is neither starved by a cost
 * per intent nor a way around the limit at one token for 1,000 intents.
 */
export function requestCost(request: Request): number {
  const items = (request.body as { items?: unknown } | undefined)?.items;
  // As Express routes it: case-insensitive, with or without a trailing slash.
  if (request.method === 'POST' && /^\/checkouts\/batch\/?$/i.test(request.path) && Array.isArray(items)) {
    return Math.max(1, Math.ceil(items.length / BATCH_ITEMS_PER_TOKEN));
  }
  return 1;
}

/** Failed checks are logged at most this often (with how many failed meanwhile). */
const FAILURE_LOG_INTERVAL_MS = 10_000;

function setRateLimitHeaders(response: Response, decision: RateLimitDecision): void {
  response.set('RateLimit-Limit', String(decision.limit));
  response.set('RateLimit-Remaining', String(decision.remaining));
  response.set('RateLimit-Reset', String(Math.ceil(decision.resetMs / 1_000)));
}

/**
 * Counts each authenticated request against its API key (after `requireApiKey`). Over the
 * limit: `429 rate_limited` with `Retry-After` in whole seconds, rounded up. When Redis does not
 * answer in time the request proceeds (fail open: availability of payments first; PostgreSQL's
 * pool and the body limit still bound what one client can cost), counted in
 * `api_rate_limit_checks_total{result="failed_open"}` and logged at warn, without the key.
 */
export function requireRateLimit(deps: {
  limiter: KeyRateLimiter;
  logger: Logger;
  registry: Registry;
  now?: () => number;
}): RequestHandler {
  const now = deps.now ?? Date.now;
  const checks = new Counter({
    name: 'api_rate_limit_checks_total',
    help: 'Per-key rate-limit checks by result: admitted, limited, failed_open (Redis failed or was slow).',
    labelNames: ['result'] as const,
    registers: [deps.registry],
  });
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let unloggedFailures = 0;

  return async (request, response, next) => {
    const principal = response.locals.principal;
    if (!principal) throw new ApiProblem('unauthenticated', 'No API key.');
    let decision: RateLimitDecision;
    try {
      decision = await deps.limiter.take(principal.keyId, requestCost(request));
    } catch (error) {
      checks.inc({ result: 'failed_open' });
      unloggedFailures += 1;
      if (now() - lastLoggedAt >= FAILURE_LOG_INTERVAL_MS) {
        deps.logger.warn(
          { reason: error instanceof Error ? error.message : String(error), failures: unloggedFailures },
          'rate-limit check failed: letting requests through unlimited',
        );
        lastLoggedAt = now();
        unloggedFailures = 0;
      }
      next();
      return;
    }
    setRateLimitHeaders(response, decision);
    if (!decision.admitted) {
      checks.inc({ result: 'limited' });
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1_000));
      response.set('Retry-After', String(seconds));
      throw new ApiProblem('rate_limited', `Too many requests with this API key; retry after ${seconds} s.`, {
        extensions: { retryAfterSeconds: seconds },
      });
    }
    checks.inc({ result: 'admitted' });
    next();
  };
}
