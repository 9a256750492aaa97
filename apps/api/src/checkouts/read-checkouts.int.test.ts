import { afterAll, describe, expect, test, waitUntil } from '@vexora-checkout/testing';
import pg from 'pg';
import { startTestApi, validCheckout, type TestApi } from '../../test/start-test-api.js';

let api: TestApi;
test.beforeAll(async ({ databaseUrl }) => {
  api = await startTestApi(databaseUrl);
});
afterAll(async () => {
  await api.close();
});

async function createMany(key: string, count: number, prefix: string) {
  const items = Array.from({ length: count }, (_, index) => ({
    idempotencyKey: `${prefix}-${index}`,
    checkout: validCheckout({ merchantReference: `${prefix}-${index}` }),
  }));
  const response = await api.request('/v1/checkouts/batch', { key, body: { items } });
  return response.body.results.map((result: { body: { id: string; tradeNo: string } }) => result.body);
}

describe('reading intents', () => {
  test('lists newest first with keyset pagination, and filters', async () => {
    const { key } = await api.newClient();
    const created = await createMany(key, 5, 'list');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await api.request(
        `/v1/checkouts?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { key },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((intent: { id: string }) => intent.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(created.map((intent: { id: string }) => intent.id)));

    const byReference = await api.request('/v1/checkouts?merchantReference=list-3', { key });
    expect(byReference.body.data.map((intent: { id: string }) => intent.id)).toEqual([created[3].id]);
    const byTradeNo = await api.request(`/v1/checkouts?tradeNo=${created[1].tradeNo}`, { key });
    expect(byTradeNo.body.data.map((intent: { id: string }) => intent.id)).toEqual([created[1].id]);
    expect((await api.request('/v1/checkouts?state=PAID', { key })).body.data).toEqual([]);
    expect((await api.request('/v1/checkouts?state=PENDING,PAID&limit=200', { key })).body.data).toHaveLength(
      5,
    );
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await api.request(`/v1/checkouts?createdFrom=${future}`, { key })).body.data).toEqual([]);
  });

  test('explains bad query parameters', async () => {
    const { key } = await api.newClient();
    const response = await api.request('/v1/checkouts?state=DONE&limit=0&cursor=zzz&color=red', { key });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'query',
      'query.limit',
      'query.state.0',
    ]);
  });

  test('never shows one client the intents of another (404, not 403)', async () => {
    const owner = await api.newClient();
    const stranger = await api.newClient();
    const [intent] = await createMany(owner.key, 1, 'mine');
    const response = await api.request(`/v1/checkouts/${intent.id}`, { key: stranger.key });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    expect(
      (await api.request(`/v1/checkouts?tradeNo=${intent.tradeNo}`, { key: stranger.key })).body.data,
    ).toEqual([]);
    expect((await api.request('/v1/checkouts/not-a-uuid', { key: owner.key })).status).toBe(404);
  });

  test('long-polls until the payment link is there', async () => {
    const { key } = await api.newClient();
    const [intent] = await createMany(key, 1, 'wait');
    const waiting = api.request(`/v1/checkouts/${intent.id}?waitFor=AWAITING_PAYMENT&timeout=10`, { key });
    await api.prisma.checkoutIntent.update({
      where: { id: intent.id },
      data: { state: 'AWAITING_PAYMENT', paymentLink: 'https://pay.example/1' },
    });
    const response = await waiting;
    expect(response.body).toMatchObject({ state: 'AWAITING_PAYMENT', paymentLink: 'https://pay.example/1' });
    const timedOut = await api.request(`/v1/checkouts/${intent.id}?waitFor=PAID&timeout=0`, { key });
    expect(timedOut.body.state).toBe('AWAITING_PAYMENT');
  });
});

describe('GET /v1/events', () => {
  test('follows every state change of the client with one cursor', async () => {
    const { key, clientId } = await api.newClient();
    const created = await createMany(key, 3, 'ev');
    await api.prisma.$transaction([
      api.prisma.checkoutIntent.update({ where: { id: created[0].id }, data: { state: 'SUBMITTING' } }),
      api.prisma.statusHistory.create({
        data: {
          intentId: created[0].id,
          clientId,
          fromState: 'PENDING',
          toState: 'SUBMITTING',
          actor: 'worker',
          reason: 'submit.started',
        },
      }),
    ]);
    // Rows appear once no older transaction anywhere in the cluster is still running.
    await waitUntil(
      () => api.request('/v1/events', { key }),
      (response) => response.body.data.length === 4,
      { what: 'the four events' },
    );
    const first = await api.request('/v1/events?limit=2', { key });
    expect(first.body.data).toHaveLength(2);
    const rest = await api.request(`/v1/events?after=${first.body.nextCursor}`, { key });
    const all = [...first.body.data, ...rest.body.data];
    expect(all.map((event: { toState: string }) => event.toState)).toEqual([
      'PENDING',
      'PENDING',
      'PENDING',
      'SUBMITTING',
    ]);
    expect(all[3]).toMatchObject({
      intentId: created[0].id,
      fromState: 'PENDING',
      reason: 'submit.started',
      tradeNo: created[0].tradeNo,
    });
    const end = await api.request(`/v1/events?after=${rest.body.nextCursor}`, { key });
    expect(end.body).toEqual({ data: [], nextCursor: rest.body.nextCursor });
    // Another client sees none of it.
    const other = await api.newClient();
    expect((await api.request('/v1/events', { key: other.key })).body.data).toEqual([]);
  });
});

describe('the events feed across concurrent transactions', () => {
  test('a transaction that took its id earlier but writes and commits later is not skipped', async ({
    databaseUrl,
  }) => {
    const { key, clientId } = await api.newClient();
    const [intent] = await createMany(key, 1, 'feed-order');
    const start = await waitUntil(
      () => api.request('/v1/events', { key }),
      (response) => response.body.data.length === 1,
      { timeoutMs: 20_000, what: 'the creation event' },
    );
    const insertHistory = (client: pg.Client, reason: string) =>
      client.query(
        `INSERT INTO status_history (intent_id, client_id, from_state, to_state, actor, reason)
         VALUES ($1, $2, 'PENDING', 'SUBMITTING', 'worker', $3)`,
        [intent.id, clientId, reason],
      );
    const older = new pg.Client({ connectionString: databaseUrl });
    const younger = new pg.Client({ connectionString: databaseUrl });
    await older.connect();
    await younger.connect();
    try {
      // `older` takes its transaction id first; `younger` takes a later one but inserts first, so
      // it holds the smaller history id. `older` commits while `younger` still runs.
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      await younger.query('BEGIN');
      await insertHistory(younger, 'test.younger');
      await insertHistory(older, 'test.older');
      await older.query('COMMIT');
      const first = await waitUntil(
        () => api.request(`/v1/events?after=${start.body.nextCursor}`, { key }),
        (response) => response.body.data.length > 0,
        { timeoutMs: 20_000, what: "the older transaction's event" },
      );
      expect(first.body.data.map((event: { reason: string }) => event.reason)).toEqual(['test.older']);

      await younger.query('COMMIT');
      // Paging by history id alone would never serve this row: its id is below the cursor.
      const second = await waitUntil(
        () => api.request(`/v1/events?after=${first.body.nextCursor}`, { key }),
        (response) => response.body.data.length > 0,
        { timeoutMs: 20_000, what: "the younger transaction's event" },
      );
      expect(second.body.data.map((event: { reason: string }) => event.reason)).toEqual(['test.younger']);
    } finally {
      await older.end();
      await younger.end();
    }
  });
});

describe('authentication', () => {
  test('refuses a missing, unknown or revoked key with 401', async () => {
    expect((await api.request('/v1/checkouts')).status).toBe(401);
    const unknown = await api.request('/v1/checkouts', { key: `vxk_${'a'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({
      code: 'unauthenticated',
      detail: 'The API key is unknown or revoked.',
    });
    const { key, clientId } = await api.newClient();
    expect((await api.request('/v1/checkouts', { key })).status).toBe(200);
    await api.prisma.apiKey.updateMany({ where: { clientId }, data: { revokedAt: new Date() } });
    expect((await api.request('/v1/checkouts', { key })).status).toBe(401);
  });
});
