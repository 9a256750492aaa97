import { afterAll, describe, expect, test } from '@vexora-checkout/testing';
import { startTestApi, validCheckout, type TestApi } from '../../../apps/api/test/start-test-api.js';
import { PROBLEM_STATUS } from '../../../apps/api/src/problems/api-problem.js';
import {
  createVexoraCheckoutClient,
  VexoraCheckoutApiError,
  type CheckoutEvent,
  type CreateCheckoutInput,
  type VexoraCheckoutClient,
} from '../src/index.js';

let api: TestApi;
test.beforeAll(async ({ databaseUrl }) => {
  api = await startTestApi(databaseUrl);
});
afterAll(async () => {
  await api.close();
});

async function newClient(): Promise<{ client: VexoraCheckoutClient; clientId: string }> {
  const { key, clientId } = await api.newClient();
  return {
    client: createVexoraCheckoutClient({ baseUrl: api.url, apiKey: key, retryBaseDelayMs: 10 }),
    clientId,
  };
}

const checkout = (overrides: Record<string, unknown> = {}) => validCheckout(overrides) as CreateCheckoutInput;

describe('the client against the real api', () => {
  test('create once, replay with the same key, refuse a used merchantReference', async () => {
    const { client, clientId } = await newClient();
    const first = await client.createCheckout(checkout({ merchantReference: 'c-1' }), {
      idempotencyKey: 'c-1',
    });
    expect(first).toMatchObject({
      replayed: false,
      intent: { state: 'PENDING', amount: '12.50', merchantReference: 'c-1' },
    });
    const again = await client.createCheckout(checkout({ merchantReference: 'c-1' }), {
      idempotencyKey: 'c-1',
    });
    expect(again).toMatchObject({ replayed: true, intent: first.intent });

    const conflict = await client
      .createCheckout(checkout({ merchantReference: 'c-1' }))
      .catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(VexoraCheckoutApiError);
    expect(conflict).toMatchObject({
      status: 409,
      code: 'merchant_reference_conflict',
      problem: { existing: { id: first.intent.id } },
    });
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(1);
  });

  test('a validation problem carries every field error', async () => {
    const { client } = await newClient();
    await expect(client.createCheckout(checkout({ amount: '1.234', currency: 'EUR' }))).rejects.toMatchObject(
      {
        status: 400,
        code: 'validation_failed',
        errors: [{ path: 'currency', message: 'must be "KHR" or "USD"' }],
      },
    );
  });

  test('a batch, then reads: get, long-poll, find, list, list all', async () => {
    const { client } = await newClient();
    const answer = await client.createCheckoutBatch([
      { idempotencyKey: 'b-1', checkout: checkout({ merchantReference: 'b-1' }) },
      {
        idempotencyKey: 'b-2',
        checkout: checkout({ merchantReference: 'b-2', currency: 'KHR', amount: '40000' }),
      },
      { idempotencyKey: 'b-3', checkout: checkout({ amount: 'ten' }) },
      { idempotencyKey: 'b-4', checkout: checkout({ merchantReference: 'b-1' }) },
      { idempotencyKey: 'b-5', checkout: checkout({ merchantReference: 'b-5' }) },
    ]);
    expect(answer.summary).toEqual({ created: 3, replayed: 0, refused: 1, invalid: 1 });
    expect(answer.results[2]?.problem?.errors?.[0]?.path).toBe('items.2.checkout.amount');
    expect(answer.results[3]?.problem).toMatchObject({
      code: 'merchant_reference_conflict',
      existing: { id: answer.results[0]?.intent?.id },
    });
    const created = answer.results[1]?.intent;
    if (!created) throw new Error('no intent');

    await expect(client.getCheckout(created.id)).resolves.toEqual(created);
    // Nothing submits it here: the long-poll returns it as it is once the wait is over.
    await expect(
      client.getCheckout(created.id, { waitFor: 'AWAITING_PAYMENT', timeoutSeconds: 0 }),
    ).resolves.toMatchObject({
      state: 'PENDING',
    });
    await expect(client.getCheckout('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
    await expect(client.findByMerchantReference('b-2')).resolves.toEqual(created);
    await expect(client.findByTradeNo(created.tradeNo)).resolves.toEqual(created);
    await expect(client.findByMerchantReference('nobody')).resolves.toBeNull();

    const page = await client.listCheckouts({ limit: 2, state: ['PENDING'] });
    expect(page.data).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    const all: string[] = [];
    for await (const intent of client.listAllCheckouts({
      limit: 2,
      createdFrom: new Date(Date.now() - 3_600_000),
    })) {
      all.push(intent.merchantReference ?? '');
    }
    expect(all).toEqual(['b-5', 'b-2', 'b-1']);
  });

  test('follow the events feed and resume from a cursor', async () => {
    const { client } = await newClient();
    await client.createCheckoutBatch(
      ['e-1', 'e-2', 'e-3'].map((reference) => ({
        idempotencyKey: reference,
        checkout: checkout({ merchantReference: reference }),
      })),
    );
    const read = async (after: string | undefined, count: number) => {
      const controller = new AbortController();
      const events: CheckoutEvent[] = [];
      for await (const event of client.followEvents({
        after,
        signal: controller.signal,
        limit: 2,
        pollIntervalMs: 20,
      })) {
        events.push(event);
        if (events.length === count) controller.abort();
      }
      return events;
    };
    const first = await read(undefined, 2);
    expect(
      first.map((event) => [event.merchantReference, event.fromState, event.toState, event.reason]),
    ).toEqual([
      ['e-1', null, 'PENDING', 'intent.created'],
      ['e-2', null, 'PENDING', 'intent.created'],
    ]);
    const rest = await read(first[1]?.cursor, 1);
    expect(rest.map((event) => event.merchantReference)).toEqual(['e-3']);
  });

  test('a revoked or unknown key is a 401, not retried', async () => {
    const client = createVexoraCheckoutClient({ baseUrl: api.url, apiKey: 'vxk_unknown' });
    await expect(client.listCheckouts()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  test('the problem codes the retry policy knows are the API’s', () => {
    expect(PROBLEM_STATUS.idempotency_in_flight).toBe(409);
    expect(PROBLEM_STATUS.service_unavailable).toBe(503);
  });
});
