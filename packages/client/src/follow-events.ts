import { setTimeout as sleep } from 'node:timers/promises';
import { eventPageSchema, type CheckoutEvent } from './response-schemas.js';
import type { ApiRequest, ApiAnswer } from './send-api-request.js';
import { VexoraCheckoutApiError } from './vexora-checkout-api-error.js';

export interface FollowEventsOptions {
  /** Start after this cursor (the last event you handled); from the beginning when absent. */
  after?: string;
  /** Ends the iteration (cleanly: the loop just stops). */
  signal?: AbortSignal;
  /** Events per request (1-1000, default 100). */
  limit?: number;
  /** Pause after an empty page; it doubles on each empty page up to `maxPollIntervalMs`. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
}

/**
 * Every state change, in order, forever: pages through `GET /v1/events` and, once caught up,
 * polls with a growing pause (reset by the next event). A failure the request could not retry
 * away (the API down for a while) is waited out the same way, so a follower survives an API
 * restart; a final error (a revoked key, `401`) ends the iteration with that error.
 *
 * Events are yielded one by one, so the caller can persist `event.cursor` after handling each
 * and pass it as `after` when it restarts: nothing is skipped, at worst the last one is seen twice.
 */
export async function* followEvents(
  send: (request: ApiRequest) => Promise<ApiAnswer>,
  options: FollowEventsOptions = {},
): AsyncGenerator<CheckoutEvent, void, undefined> {
  const { signal } = options;
  const minPause = options.pollIntervalMs ?? 500;
  const maxPause = options.maxPollIntervalMs ?? 5_000;
  let after = options.after;
  let pause = minPause;
  while (!signal?.aborted) {
    let answer: ApiAnswer | undefined;
    try {
      answer = await send({
        method: 'GET',
        path: 'v1/events',
        query: { after, limit: options.limit },
        signal,
      });
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof VexoraCheckoutApiError && error.status < 500 && error.status !== 429) throw error;
      // A network error or a 5xx that outlasted the request's retries: wait, then carry on.
    }
    const page = answer ? eventPageSchema.parse(answer.body) : undefined;
    const events: CheckoutEvent[] = page?.data ?? [];
    if (page) after = page.nextCursor;
    for (const event of events) {
      yield event;
      if (signal?.aborted) return;
    }
    if (events.length > 0) {
      pause = minPause;
      continue;
    }
    try {
      await sleep(pause, undefined, { signal });
    } catch {
      return;
    }
    pause = Math.min(pause * 2, maxPause);
  }
}
