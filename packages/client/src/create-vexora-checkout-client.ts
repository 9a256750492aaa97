import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  CheckoutIntentResource,
  createCheckoutBodySchema,
  IntentStateName,
} from '@vexora-checkout/contracts';
import type { z } from 'zod';
import { followEvents, type FollowEventsOptions } from './follow-events.js';
import { normalizeBatchResult, type CheckoutBatchItemResult } from './normalize-batch-result.js';
import {
  checkoutBatchResponseSchema,
  checkoutIntentSchema,
  checkoutPageSchema,
  type CheckoutEvent,
} from './response-schemas.js';
import {
  sendApiRequest,
  type ApiRequest,
  type RequestSettings,
  type RetryNotice,
} from './send-api-request.js';

/** The body of a checkout as you send it (amount as a decimal string, never a number). */
export type CreateCheckoutInput = z.input<typeof createCheckoutBodySchema>;

/** Items the API takes in one batch. */
export const MAX_BATCH_ITEMS = 1_000;

export interface VexoraCheckoutClientOptions {
  /** Where the API listens, e.g. `http://127.0.0.1:4000`. */
  baseUrl: string;
  /** A key from `npm run api-key -- create`; sent as `Authorization: Bearer`. */
  apiKey: string;
  /** Deadline of one attempt (default 30 s; a long-poll gets its own wait on top). */
  timeoutMs?: number;
  /** Attempts after the first for a retryable failure (default 5). */
  retries?: number;
  /** Backoff ceiling of the first retry, doubled per retry up to `retryMaxDelayMs` (200 ms, 10 s). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for (default 60 s). */
  maxRetryAfterMs?: number;
  /** Called before each retry (for logs): never with the body or the key. */
  onRetry?: (notice: RetryNotice) => void;
  /** Defaults to the global fetch (Node 20+). */
  fetch?: typeof globalThis.fetch;
}

export interface CreateCheckoutResult {
  intent: CheckoutIntentResource;
  /** True when the API replayed the first answer for this key instead of creating anything. */
  replayed: boolean;
  /** The key sent: yours, or the one generated. Keep it to retry safely later. */
  idempotencyKey: string;
}

export interface CheckoutBatchResult {
  summary: Record<CheckoutBatchItemResult['outcome'], number>;
  /** One per item, in the order sent. */
  results: CheckoutBatchItemResult[];
}

export interface ListCheckoutsQuery {
  state?: IntentStateName | readonly IntentStateName[];
  /** Inclusive lower bound of `createdAt`. */
  createdFrom?: Date | string;
  /** Exclusive upper bound of `createdAt`. */
  createdTo?: Date | string;
  merchantReference?: string;
  tradeNo?: string;
  cursor?: string;
  /** 1-200 (default 50). */
  limit?: number;
}

export interface CheckoutPage {
  /** Newest first. */
  data: CheckoutIntentResource[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface VexoraCheckoutClient {
  /**
   * `POST /v1/checkouts`. Without an `idempotencyKey` one is generated; retries reuse it, so a
   * retry never creates a second intent. Pass your own (your order id) to make it safe across
   * restarts of your process too.
   */
  createCheckout(
    body: CreateCheckoutInput,
    options?: RequestOptions & { idempotencyKey?: string },
  ): Promise<CreateCheckoutResult>;
  /**
   * `POST /v1/checkouts/batch`: up to 1,000 items in one transaction. Retrying a batch is safe
   * (each item has its key); items refused only because their key was in flight elsewhere are
   * sent again until they are decided or the retries run out.
   */
  createCheckoutBatch(
    items: readonly { idempotencyKey: string; checkout: CreateCheckoutInput }[],
    options?: RequestOptions,
  ): Promise<CheckoutBatchResult>;
  /** `GET /v1/checkouts/:id`; with `waitFor`, long-polls up to `timeoutSeconds` (0-30, default 10). */
  getCheckout(
    id: string,
    options?: RequestOptions & { waitFor?: IntentStateName; timeoutSeconds?: number },
  ): Promise<CheckoutIntentResource>;
  findByMerchantReference(
    reference: string,
    options?: RequestOptions,
  ): Promise<CheckoutIntentResource | null>;
  findByTradeNo(tradeNo: string, options?: RequestOptions): Promise<CheckoutIntentResource | null>;
  /** One page of `GET /v1/checkouts`. */
  listCheckouts(query?: ListCheckoutsQuery, options?: RequestOptions): Promise<CheckoutPage>;
  /** Every intent matching `query`, page after page, newest first. */
  listAllCheckouts(
    query?: ListCheckoutsQuery,
    options?: RequestOptions,
  ): AsyncIterable<CheckoutIntentResource>;
  /** Every state change, in order, forever (see `FollowEventsOptions`). */
  followEvents(options?: FollowEventsOptions): AsyncIterable<CheckoutEvent>;
}

/** A typed client of the vexora-checkout API, with retries that are always safe to make. */
export function createVexoraCheckoutClient(options: VexoraCheckoutClientOptions): VexoraCheckoutClient {
  const settings: RequestSettings = {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: {
      retries: options.retries ?? 5,
      baseDelayMs: options.retryBaseDelayMs ?? 200,
      maxDelayMs: options.retryMaxDelayMs ?? 10_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    },
    fetch: options.fetch ?? globalThis.fetch,
    onRetry: options.onRetry,
  };
  const send = (request: ApiRequest) => sendApiRequest(settings, request);

  const listCheckouts = async (query: ListCheckoutsQuery = {}, requestOptions: RequestOptions = {}) => {
    const state = typeof query.state === 'string' ? query.state : query.state?.join(',');
    const answer = await send({
      method: 'GET',
      path: 'v1/checkouts',
      query: {
        state,
        createdFrom: toIso(query.createdFrom),
        createdTo: toIso(query.createdTo),
        merchantReference: query.merchantReference,
        tradeNo: query.tradeNo,
        cursor: query.cursor,
        limit: query.limit,
      },
      signal: requestOptions.signal,
    });
    return checkoutPageSchema.parse(answer.body);
  };

  return {
    async createCheckout(body, requestOptions = {}) {
      const idempotencyKey = requestOptions.idempotencyKey ?? randomUUID();
      const answer = await send({
        method: 'POST',
        path: 'v1/checkouts',
        body,
        idempotencyKey,
        signal: requestOptions.signal,
      });
      return {
        intent: checkoutIntentSchema.parse(answer.body),
        replayed: answer.headers.get('idempotent-replayed') === 'true',
        idempotencyKey,
      };
    },

    async createCheckoutBatch(items, requestOptions = {}) {
      if (items.length === 0 || items.length > MAX_BATCH_ITEMS) {
        throw new RangeError(`a batch holds 1 to ${MAX_BATCH_ITEMS} items (got ${items.length})`);
      }
      const results = new Array<CheckoutBatchItemResult>(items.length);
      let pending = items.map((_, index) => index);
      for (let round = 1; ; round += 1) {
        const answer = await send({
          method: 'POST',
          path: 'v1/checkouts/batch',
          body: { items: pending.map((index) => items[index]) },
          signal: requestOptions.signal,
        });
        const sent = pending;
        pending = [];
        for (const raw of checkoutBatchResponseSchema.parse(answer.body).results) {
          const index = sent[raw.index];
          if (index === undefined) continue;
          const result = { ...normalizeBatchResult(raw), index };
          results[index] = result;
          if (result.problem?.code === 'idempotency_in_flight') pending.push(index);
        }
        if (pending.length === 0 || round > settings.retry.retries) break;
        // Another request holds these keys right now: give it time to finish, then ask again.
        const delayMs = Math.min(settings.retry.maxDelayMs, settings.retry.baseDelayMs * 2 ** (round - 1));
        settings.onRetry?.({
          method: 'POST',
          path: '/v1/checkouts/batch',
          attempt: round,
          delayMs,
          reason: `${pending.length} items in flight`,
        });
        await sleep(delayMs, undefined, { signal: requestOptions.signal });
      }
      const summary = { created: 0, replayed: 0, refused: 0, invalid: 0 };
      for (const result of results) summary[result.outcome] += 1;
      return { summary, results };
    },

    async getCheckout(id, requestOptions = {}) {
      const timeoutSeconds = requestOptions.waitFor ? (requestOptions.timeoutSeconds ?? 10) : undefined;
      const answer = await send({
        method: 'GET',
        path: `v1/checkouts/${encodeURIComponent(id)}`,
        query: { waitFor: requestOptions.waitFor, timeout: timeoutSeconds },
        // The API holds a long-poll up to timeoutSeconds: the deadline must outlast it.
        timeoutMs: settings.timeoutMs + (timeoutSeconds ?? 0) * 1000,
        signal: requestOptions.signal,
      });
      return checkoutIntentSchema.parse(answer.body);
    },

    async findByMerchantReference(reference, requestOptions = {}) {
      const page = await listCheckouts({ merchantReference: reference, limit: 1 }, requestOptions);
      return page.data[0] ?? null;
    },

    async findByTradeNo(tradeNo, requestOptions = {}) {
      const page = await listCheckouts({ tradeNo, limit: 1 }, requestOptions);
      return page.data[0] ?? null;
    },

    listCheckouts,

    async *listAllCheckouts(query = {}, requestOptions = {}) {
      let cursor = query.cursor;
      do {
        const page = await listCheckouts({ ...query, cursor }, requestOptions);
        yield* page.data;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    },

    followEvents: (followOptions) => followEvents(send, followOptions),
  };
}

function toIso(value: Date | string | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}
