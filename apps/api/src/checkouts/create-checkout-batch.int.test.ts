import { afterAll, describe, expect, test } from '@vexora-checkout/testing';
import { startTestApi, validCheckout, type TestApi } from '../../test/start-test-api.js';

let api: TestApi;
test.beforeAll(async ({ databaseUrl }) => {
  api = await startTestApi(databaseUrl);
});
afterAll(async () => {
  await api.close();
});

const item = (key: string, overrides: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  checkout: validCheckout(overrides),
});

describe('POST /v1/checkouts/batch', () => {
  test('creates valid items, reports invalid ones by path, and can be retried whole', async () => {
    const { key, clientId } = await api.newClient();
    const body = {
      items: [
        item('b-0', { merchantReference: 'b-ref-0' }),
        { idempotencyKey: 'b-1', checkout: validCheckout({ amount: '1.234' }) },
        item('b-2', { currency: 'KHR', amount: '4000' }),
        { checkout: validCheckout() },
        item('b-4', { merchantReference: 'b-ref-0' }),
      ],
    };
    const first = await api.request('/v1/checkouts/batch', { key, body });
    expect(first.status).toBe(200);
    expect(first.body.summary).toEqual({ created: 2, replayed: 0, refused: 1, invalid: 2 });
    expect(first.body.results.map((result: { outcome: string }) => result.outcome)).toEqual([
      'created',
      'invalid',
      'created',
      'invalid',
      'refused',
    ]);
    expect(first.body.results[1].problem.errors).toEqual([
      {
        path: 'items.1.checkout.amount',
        message: 'must have at most 2 decimal places for USD (got "1.234")',
      },
    ]);
    expect(first.body.results[3].problem.errors).toEqual([
      { path: 'items.3.idempotencyKey', message: 'is required' },
    ]);
    expect(first.body.results[4]).toMatchObject({
      status: 409,
      body: { code: 'merchant_reference_conflict', existing: { id: first.body.results[0].body.id } },
    });

    // The whole batch again: nothing new, every decided item replayed as it was.
    const retry = await api.request('/v1/checkouts/batch', { key, body });
    expect(retry.body.summary).toEqual({ created: 0, replayed: 3, refused: 0, invalid: 2 });
    expect(retry.body.results[0].body).toEqual(first.body.results[0].body);
    expect(retry.body.results[4]).toMatchObject({ outcome: 'replayed', status: 409 });
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(2);
    expect(await api.prisma.outboxEvent.count({ where: { intent: { clientId } } })).toBe(2);
  });

  test('shares keys with the single endpoint, and treats a key repeated in the batch as one request', async () => {
    const { key, clientId } = await api.newClient();
    const single = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'shared',
      body: validCheckout(),
    });
    const batch = await api.request('/v1/checkouts/batch', {
      key,
      body: { items: [item('shared'), item('twice'), item('twice'), item('twice', { amount: '99.00' })] },
    });
    expect(batch.body.results.map((result: { outcome: string }) => result.outcome)).toEqual([
      'replayed',
      'created',
      'replayed',
      'refused',
    ]);
    expect(batch.body.results[0].body).toEqual(single.body);
    expect(batch.body.results[3].body.code).toBe('idempotency_key_reused');
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(2);
  });

  test('a merchantReference taken before the batch refuses every item that repeats it, naming the first intent', async () => {
    const { key, clientId } = await api.newClient();
    const earlier = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'early',
      body: validCheckout({ merchantReference: 'taken' }),
    });
    const batch = await api.request('/v1/checkouts/batch', {
      key,
      body: {
        items: [
          item('t-0', { merchantReference: 'taken' }),
          item('t-1', { merchantReference: 'free' }),
          item('t-2', { merchantReference: 'taken' }),
          item('t-3', { merchantReference: 'free' }),
        ],
      },
    });
    expect(batch.body.summary).toEqual({ created: 1, replayed: 0, refused: 3, invalid: 0 });
    const existing = (index: number) => batch.body.results[index].body.existing.id as string;
    expect([existing(0), existing(2)]).toEqual([earlier.body.id, earlier.body.id]);
    expect(existing(3)).toBe(batch.body.results[1].body.id);
    // Each refusal is stored under its key like a success.
    const again = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 't-2',
      body: validCheckout({ merchantReference: 'taken' }),
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(batch.body.results[2].body);
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(2);
  });

  test('takes 1,000 items in one request, set-based', async () => {
    const { key, clientId } = await api.newClient();
    const items = Array.from({ length: 1_000 }, (_, index) =>
      item(`bulk-${index}`, { merchantReference: `bulk-${index}` }),
    );
    const response = await api.request('/v1/checkouts/batch', { key, body: { items } });
    expect(response.body.summary).toEqual({ created: 1_000, replayed: 0, refused: 0, invalid: 0 });
    const tradeNos = new Set(
      response.body.results.map((result: { body: { tradeNo: string } }) => result.body.tradeNo),
    );
    expect(tradeNos.size).toBe(1_000);
    expect(await api.prisma.outboxEvent.count({ where: { intent: { clientId } } })).toBe(1_000);
    expect(await api.prisma.statusHistory.count({ where: { clientId } })).toBe(1_000);
  });

  test('refuses an empty, oversized or malformed batch as a whole', async () => {
    const { key } = await api.newClient();
    const empty = await api.request('/v1/checkouts/batch', { key, body: { items: [] } });
    expect(empty.body.errors).toEqual([{ path: 'items', message: 'must contain at least one item' }]);
    const tooMany = await api.request('/v1/checkouts/batch', {
      key,
      body: { items: Array.from({ length: 1_001 }, (_, index) => item(`x-${index}`)) },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([{ path: 'items', message: 'must contain at most 1000 items' }]);
    const extra = await api.request('/v1/checkouts/batch', {
      key,
      body: { items: [item('y')], dryRun: true },
    });
    expect(extra.body.errors).toEqual([{ path: '(body)', message: 'unknown field: dryRun' }]);
  });
});
