import { afterEach, describe, expect, test } from 'vitest';
import {
  createVexoraCheckoutClient,
  type VexoraCheckoutClientOptions,
} from './create-vexora-checkout-client.js';
import type { RetryNotice } from './send-api-request.js';
import {
  intent,
  problem,
  startScriptedServer,
  type ScriptedServer,
  type ScriptStep,
} from './test-support/start-scripted-server.js';
import { VexoraCheckoutApiError } from './vexora-checkout-api-error.js';
import { VexoraCheckoutNetworkError } from './vexora-checkout-network-error.js';

const checkout = {
  amount: '12.50',
  currency: 'USD',
  payer: { firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 'sok@example.com' },
} as const;

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(script: ScriptStep[], options: Partial<VexoraCheckoutClientOptions> = {}) {
  server = await startScriptedServer(script);
  const retries: RetryNotice[] = [];
  const client = createVexoraCheckoutClient({
    baseUrl: server.url,
    apiKey: 'vxk_test_secret',
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    onRetry: (notice) => retries.push(notice),
    ...options,
  });
  return { client, retries, requests: server.requests };
}

describe('retries', () => {
  test('retry a create through 503, 500 and a reset connection with the same key and body', async () => {
    const { client, retries, requests } = await clientFor([
      { ...problem(503, 'service_unavailable'), headers: { 'retry-after': '0' } },
      problem(500, 'internal_error'),
      'reset',
      { status: 202, body: intent() },
    ]);
    const result = await client.createCheckout(checkout, { idempotencyKey: 'order-1' });
    expect(result).toMatchObject({
      replayed: false,
      idempotencyKey: 'order-1',
      intent: { state: 'PENDING' },
    });
    expect(requests).toHaveLength(4);
    for (const request of requests) {
      expect(request).toMatchObject({ method: 'POST', url: '/v1/checkouts' });
      expect(request.headers['idempotency-key']).toBe('order-1');
      expect(request.headers.authorization).toBe('Bearer vxk_test_secret');
      expect(JSON.parse(request.body)).toEqual(checkout);
    }
    expect(retries.map((notice) => notice.reason)).toEqual([
      '503 service_unavailable',
      '500 internal_error',
      'network error',
    ]);
    expect(retries[0]?.delayMs).toBe(0);
  });

  test('generate one key when none is given, and keep it across retries', async () => {
    const { client, requests } = await clientFor([
      problem(409, 'idempotency_in_flight'),
      { status: 202, body: intent(), headers: { 'idempotent-replayed': 'true' } },
    ]);
    const result = await client.createCheckout(checkout);
    expect(result.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.replayed).toBe(true);
    expect(requests.map((request) => request.headers['idempotency-key'])).toEqual([
      result.idempotencyKey,
      result.idempotencyKey,
    ]);
  });

  test('wait as long as Retry-After says', async () => {
    const { client, retries } = await clientFor([
      { ...problem(429, 'rate_limited'), headers: { 'retry-after': '1' } },
      { status: 200, body: intent() },
    ]);
    const started = Date.now();
    await client.getCheckout('8d1f4a52-4f43-4d8e-9d51-2b8f0c6a1e01');
    expect(retries).toMatchObject([{ delayMs: 1_000, reason: '429 rate_limited' }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  test('do not retry a final answer, and carry its problem', async () => {
    const { client, requests } = await clientFor([
      problem(409, 'merchant_reference_conflict', {
        existing: { id: 'a2b1c9d0-0000-4000-8000-000000000001', href: '/v1/checkouts/a2b1…' },
      }),
    ]);
    const error = await client
      .createCheckout(checkout, { idempotencyKey: 'k' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VexoraCheckoutApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'merchant_reference_conflict',
      type: 'urn:vexora-checkout:problem:merchant_reference_conflict',
      problem: { existing: { id: 'a2b1c9d0-0000-4000-8000-000000000001' } },
    });
    expect(requests).toHaveLength(1);
  });

  test('surface field errors of a validation problem', async () => {
    const { client } = await clientFor([
      problem(400, 'validation_failed', { errors: [{ path: 'amount', message: 'is required' }] }),
    ]);
    await expect(client.createCheckout(checkout)).rejects.toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'amount', message: 'is required' }],
    });
  });

  test('give up after the configured retries with the last error', async () => {
    const { client, requests } = await clientFor([problem(500, 'internal_error')], { retries: 2 });
    await expect(client.listCheckouts()).rejects.toMatchObject({ status: 500, code: 'internal_error' });
    expect(requests).toHaveLength(3);
  });

  test('report an answer that is not a problem as unexpected_response', async () => {
    const { client } = await clientFor([{ status: 404, body: 'Cannot GET' }]);
    await expect(client.listCheckouts()).rejects.toMatchObject({ status: 404, code: 'unexpected_response' });
  });

  test('time out an attempt that gets no answer, as a network error', async () => {
    const { client } = await clientFor(['hang'], { timeoutMs: 100, retries: 1 });
    const error = await client.listCheckouts().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VexoraCheckoutNetworkError);
    expect((error as Error).message).toContain('no answer within 100 ms');
  });

  test('stop at once when the caller aborts', async () => {
    const { client, requests } = await clientFor([problem(503, 'service_unavailable')], {
      retryBaseDelayMs: 10_000,
      retryMaxDelayMs: 10_000,
    });
    const controller = new AbortController();
    const pending = client.listCheckouts({}, { signal: controller.signal });
    await expect.poll(() => requests.length).toBe(1);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});

describe('batch', () => {
  test('send again only the items whose key was in flight, and merge the answers in order', async () => {
    const inFlight = problem(409, 'idempotency_in_flight').body;
    const { client, requests } = await clientFor([
      {
        status: 200,
        body: {
          summary: {},
          results: [
            { index: 0, idempotencyKey: 'a', outcome: 'created', status: 202, body: intent({ id: 'id-a' }) },
            { index: 1, idempotencyKey: 'b', outcome: 'refused', status: 409, body: inFlight },
            {
              index: 2,
              idempotencyKey: 'c',
              outcome: 'invalid',
              status: 400,
              problem: {
                ...problem(400, 'validation_failed').body,
                errors: [{ path: 'items.2.checkout.amount', message: 'bad' }],
              },
            },
          ],
        },
      },
      {
        status: 200,
        body: {
          summary: {},
          results: [
            { index: 0, idempotencyKey: 'b', outcome: 'replayed', status: 202, body: intent({ id: 'id-b' }) },
          ],
        },
      },
    ]);
    const answer = await client.createCheckoutBatch([
      { idempotencyKey: 'a', checkout },
      { idempotencyKey: 'b', checkout },
      { idempotencyKey: 'c', checkout: { ...checkout, amount: 'x' } },
    ]);
    expect(
      JSON.parse(requests[1]?.body ?? '').items.map(
        (item: { idempotencyKey: string }) => item.idempotencyKey,
      ),
    ).toEqual(['b']);
    expect(answer.summary).toEqual({ created: 1, replayed: 1, refused: 0, invalid: 1 });
    expect(
      answer.results.map((result) => [
        result.index,
        result.outcome,
        result.intent?.id ?? result.problem?.code,
      ]),
    ).toEqual([
      [0, 'created', 'id-a'],
      [1, 'replayed', 'id-b'],
      [2, 'invalid', 'validation_failed'],
    ]);
    expect(answer.results[2]?.problem?.errors).toEqual([{ path: 'items.2.checkout.amount', message: 'bad' }]);
  });

  test('refuse an empty or oversized batch before sending it', async () => {
    const { client, requests } = await clientFor([{ status: 200, body: {} }]);
    await expect(client.createCheckoutBatch([])).rejects.toThrow(RangeError);
    await expect(
      client.createCheckoutBatch(new Array(1_001).fill({ idempotencyKey: 'k', checkout })),
    ).rejects.toThrow(RangeError);
    expect(requests).toHaveLength(0);
  });
});

describe('reading', () => {
  test('page through every intent with the filters', async () => {
    const { client, requests } = await clientFor([
      { status: 200, body: { data: [intent({ id: '1' }), intent({ id: '2' })], nextCursor: 'c2' } },
      { status: 200, body: { data: [intent({ id: '3' })], nextCursor: null } },
    ]);
    const ids: string[] = [];
    for await (const found of client.listAllCheckouts({
      state: ['PAID', 'FAILED'],
      createdFrom: new Date('2025-06-01T00:00:00Z'),
      limit: 2,
    })) {
      ids.push(found.id);
    }
    expect(ids).toEqual(['1', '2', '3']);
    const second = new URL(requests[1]?.url ?? '', 'http://x');
    expect(Object.fromEntries(second.searchParams)).toEqual({
      state: 'PAID,FAILED',
      createdFrom: '2025-06-01T00:00:00.000Z',
      limit: '2',
      cursor: 'c2',
    });
  });

  test('ignore members it does not know, and fail on a body that is not an intent', async () => {
    const { client } = await clientFor([
      { status: 200, body: { ...intent(), newMember: 1, paymentLink: undefined } },
      { status: 200, body: { hello: 'world' } },
    ]);
    await expect(client.getCheckout('x')).resolves.toMatchObject({ paymentLink: null, newMember: 1 });
    await expect(client.getCheckout('x')).rejects.toThrow();
  });

  test('long-poll with waitFor, with a deadline longer than the wait', async () => {
    const { client, requests } = await clientFor(
      [{ status: 200, body: intent({ state: 'AWAITING_PAYMENT' }) }],
      {
        timeoutMs: 50,
      },
    );
    await client.getCheckout('id/1', { waitFor: 'AWAITING_PAYMENT', timeoutSeconds: 3 });
    expect(requests[0]?.url).toBe('/v1/checkouts/id%2F1?waitFor=AWAITING_PAYMENT&timeout=3');
  });

  test('find by merchantReference or tradeNo, null when absent', async () => {
    const { client, requests } = await clientFor([
      { status: 200, body: { data: [intent()], nextCursor: null } },
      { status: 200, body: { data: [], nextCursor: null } },
    ]);
    await expect(client.findByMerchantReference('order-1')).resolves.toMatchObject({
      merchantReference: 'order-1',
    });
    await expect(client.findByTradeNo('T1')).resolves.toBeNull();
    expect(requests.map((request) => request.url)).toEqual([
      '/v1/checkouts?merchantReference=order-1&limit=1',
      '/v1/checkouts?tradeNo=T1&limit=1',
    ]);
  });
});

describe('followEvents', () => {
  const event = (cursor: string) => ({
    cursor,
    intentId: 'i',
    tradeNo: 't',
    merchantReference: null,
    fromState: null,
    toState: 'PENDING',
    reason: 'intent.created',
    occurredAt: '2025-06-12T07:30:15.123Z',
  });

  test('follow the cursor through pages, empty polls and failures, until aborted', async () => {
    const { client, requests } = await clientFor(
      [
        { status: 200, body: { data: [event('1'), event('2')], nextCursor: '2' } },
        { status: 200, body: { data: [], nextCursor: '2' } },
        problem(503, 'service_unavailable'),
        { status: 200, body: { data: [event('3')], nextCursor: '3' } },
        { status: 200, body: { data: [], nextCursor: '3' } },
      ],
      { retries: 0 },
    );
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const next of client.followEvents({
      after: '0',
      signal: controller.signal,
      pollIntervalMs: 5,
      maxPollIntervalMs: 10,
    })) {
      seen.push(next.cursor);
      if (next.cursor === '3') controller.abort();
    }
    expect(seen).toEqual(['1', '2', '3']);
    expect(requests.map((request) => new URL(request.url, 'http://x').searchParams.get('after'))).toEqual([
      '0',
      '2',
      '2',
      '2',
    ]);
  });

  test('end with the error when the key is refused', async () => {
    const { client } = await clientFor([problem(401, 'unauthenticated')]);
    const follow = async () => {
      for await (const _ of client.followEvents({ pollIntervalMs: 5 })) {
        // nothing arrives
      }
    };
    await expect(follow()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });
});
