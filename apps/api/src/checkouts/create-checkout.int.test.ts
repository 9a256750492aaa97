import pg from 'pg';
import { afterAll, describe, expect, test, waitUntil } from '@vexora-checkout/testing';
import { startTestApi, validCheckout, type TestApi } from '../../test/start-test-api.js';

let api: TestApi;
let databaseUrl: string;

// One api per file, on the file's database; each test makes its own client, so rows never mix.
test.beforeAll(async ({ databaseUrl: url }) => {
  databaseUrl = url;
  api = await startTestApi(url);
});
afterAll(async () => {
  await api.close();
});

async function countRows(clientId: string) {
  const [intents, outbox, history, keys] = await Promise.all([
    api.prisma.checkoutIntent.count({ where: { clientId } }),
    api.prisma.outboxEvent.count({ where: { intent: { clientId } } }),
    api.prisma.statusHistory.count({ where: { clientId } }),
    api.prisma.idempotencyKey.count({ where: { clientId } }),
  ]);
  return { intents, outbox, history, keys };
}

describe('POST /v1/checkouts', () => {
  test('accepts an intent with its outbox event and history, and answers 202 with the resource', async () => {
    const { key, clientId } = await api.newClient();
    const response = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'create-1',
      body: validCheckout({ merchantReference: 'order-1', remark: 'r' }),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe(`/v1/checkouts/${response.body.id}`);
    expect(response.body).toMatchObject({
      state: 'PENDING',
      amount: '12.50',
      currency: 'USD',
      merchantReference: 'order-1',
      paymentLink: null,
      payInfo: null,
      platformTradeNo: null,
      paidAmount: null,
    });
    expect(response.body.tradeNo).toMatch(/^\d{14}\d{8,}00$/);
    const intent = await api.prisma.checkoutIntent.findUniqueOrThrow({
      where: { id: response.body.id },
      include: { outboxEvents: true, statusHistory: true },
    });
    expect(intent).toMatchObject({
      clientId,
      accountId: 'sandbox-usd',
      merchantNo: 'SANDBOX0001',
      payerMobile: '12345678',
      channelCode: 'KHQR',
      tradeNo: response.body.tradeNo,
    });
    expect(intent.outboxEvents).toMatchObject([
      { eventType: 'checkout.submit', generation: 0, publishedAt: null },
    ]);
    expect(intent.statusHistory).toMatchObject([
      { fromState: null, toState: 'PENDING', actor: 'api', reason: 'intent.created' },
    ]);
    // The same shape when read back.
    expect((await api.request(`/v1/checkouts/${response.body.id}`, { key })).body).toEqual(response.body);
  });

  test('routes each currency to an account that takes it, and refuses one no account takes', async () => {
    const { key } = await api.newClient(['sandbox-usd']);
    const khr = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'khr-1',
      body: validCheckout({ amount: '40000', currency: 'KHR' }),
    });
    expect(khr.status).toBe(422);
    expect(khr.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(khr.body).toMatchObject({
      code: 'no_account_for_currency',
      type: 'urn:vexora-checkout:problem:no_account_for_currency',
    });
    const both = await api.newClient();
    const ok = await api.request('/v1/checkouts', {
      key: both.key,
      idempotencyKey: 'khr-1',
      body: validCheckout({ amount: '40000', currency: 'KHR' }),
    });
    expect(ok.status).toBe(202);
    expect(ok.body.amount).toBe('40000');
    expect(
      (await api.prisma.checkoutIntent.findUniqueOrThrow({ where: { id: ok.body.id } })).merchantNo,
    ).toBe('SANDBOX0002');
  });
});

describe('idempotency', () => {
  test('replays the first response for the same key and body, byte for byte', async () => {
    const { key, clientId } = await api.newClient();
    const first = await api.request('/v1/checkouts', { key, idempotencyKey: 'same', body: validCheckout() });
    // Same JSON, other key order and spacing: the same request.
    const reordered = JSON.stringify(
      { payer: validCheckout().payer, currency: 'USD', amount: '12.50' },
      null,
      2,
    );
    const second = await api.request('/v1/checkouts', { key, idempotencyKey: 'same', body: reordered });
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await countRows(clientId)).toEqual({ intents: 1, outbox: 1, history: 1, keys: 1 });
  });

  test('refuses the same key with a different body (422), changing nothing', async () => {
    const { key, clientId } = await api.newClient();
    await api.request('/v1/checkouts', { key, idempotencyKey: 'k', body: validCheckout() });
    const other = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'k',
      body: validCheckout({ amount: '13.00' }),
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await countRows(clientId)).toEqual({ intents: 1, outbox: 1, history: 1, keys: 1 });
  });

  test('scopes keys per client', async () => {
    const a = await api.newClient();
    const b = await api.newClient();
    const first = await api.request('/v1/checkouts', {
      key: a.key,
      idempotencyKey: 'shared',
      body: validCheckout(),
    });
    const second = await api.request('/v1/checkouts', {
      key: b.key,
      idempotencyKey: 'shared',
      body: validCheckout(),
    });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body.id).not.toBe(first.body.id);
  });

  test('a key whose replay window has passed is free for a new request', async () => {
    const { key, clientId } = await api.newClient();
    const first = await api.request('/v1/checkouts', { key, idempotencyKey: 'old', body: validCheckout() });
    await api.prisma.$executeRaw`
      UPDATE idempotency_key SET expires_at = now() - interval '1 second' WHERE client_id = ${clientId}`;
    const second = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'old',
      body: validCheckout({ amount: '99.00' }),
    });
    expect(second.status).toBe(202);
    expect(second.body.id).not.toBe(first.body.id);
    // The key now replays the second request's answer, for a new window.
    const replay = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'old',
      body: validCheckout({ amount: '99.00' }),
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(second.body);
    expect(await countRows(clientId)).toEqual({ intents: 2, outbox: 2, history: 2, keys: 1 });
  });

  test('answers 409 while a request with the same key is in flight', async () => {
    const { key, clientId } = await api.newClient();
    // Hold the key as an in-flight request would: claimed in a transaction not yet committed.
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        "INSERT INTO idempotency_key (client_id, key, request_hash, response_status, response_body, expires_at) VALUES ($1, 'busy', 'x', 0, 'null', now() + interval '1 day')",
        [clientId],
      );
      const response = await api.request('/v1/checkouts', {
        key,
        idempotencyKey: 'busy',
        body: validCheckout(),
      });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('idempotency_in_flight');
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    // Once the other request is gone, the key works.
    expect(
      (await api.request('/v1/checkouts', { key, idempotencyKey: 'busy', body: validCheckout() })).status,
    ).toBe(202);
    expect(await countRows(clientId)).toEqual({ intents: 1, outbox: 1, history: 1, keys: 1 });
  });

  test('waits for a concurrent insert of the same merchantReference past the in-flight wait, then decides', async () => {
    // An api whose in-flight wait is 1 ms: the wait for the key must not bound other lock waits.
    const quick = await startTestApi(databaseUrl, { inFlightWaitMs: 1 });
    const { key, clientId } = await quick.newClient();
    const created = await quick.request('/v1/checkouts', {
      key,
      idempotencyKey: 'model',
      body: validCheckout({ merchantReference: 'model' }),
    });
    // Another transaction inserts merchantReference "race" and holds it, uncommitted.
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO checkout_intent (id, client_id, account_id, merchant_no, merchant_reference, trade_no, amount,
           currency, channel_code, way_code, payer_first_name, payer_last_name, payer_mobile, payer_email,
           state_changed_at, updated_at)
         SELECT gen_random_uuid(), client_id, account_id, merchant_no, 'race', trade_no || 'R', amount, currency,
           channel_code, way_code, payer_first_name, payer_last_name, payer_mobile, payer_email, now(), now()
         FROM checkout_intent WHERE id = $1`,
        [created.body.id],
      );
      const pending = quick.request('/v1/checkouts', {
        key,
        idempotencyKey: 'racer',
        body: validCheckout({ merchantReference: 'race' }),
      });
      // The create waits for the holder's transaction (far longer than 1 ms by the time this returns).
      await waitUntil(
        async () =>
          (
            await holder.query<{ waiting: number }>(
              "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'transactionid'",
            )
          ).rows[0]?.waiting ?? 0,
        (waiting) => waiting > 0,
        { what: 'the create to wait for the held merchantReference' },
      );
      await holder.query('ROLLBACK');
      const response = await pending;
      expect(response.status).toBe(202);
      expect(response.body.merchantReference).toBe('race');
    } finally {
      await holder.end();
      await quick.close();
    }
    expect(await countRows(clientId)).toEqual({ intents: 2, outbox: 2, history: 2, keys: 2 });
  });

  test('50 concurrent identical requests create exactly one intent and one outbox row', async () => {
    const { key, clientId } = await api.newClient();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        api.request('/v1/checkouts', {
          key,
          idempotencyKey: 'storm',
          body: validCheckout({ merchantReference: 'storm-1' }),
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    // Each is the creation, a replay of it, or told to retry because it was in flight.
    expect(statuses.every((status) => status === 202 || status === 409)).toBe(true);
    const ids = new Set(
      responses.filter((response) => response.status === 202).map((response) => response.body.id as string),
    );
    expect(ids.size).toBe(1);
    expect(await countRows(clientId)).toEqual({ intents: 1, outbox: 1, history: 1, keys: 1 });
  });

  test('a failure on the second insert leaves nothing: intent and outbox row commit together or not at all', async () => {
    const { key, clientId } = await api.newClient();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      // Make the outbox insert fail, as a crash between the two inserts would.
      await admin.query(`
        CREATE FUNCTION fail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'simulated crash between the intent and its outbox row'; END $$;
        CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox_event FOR EACH ROW EXECUTE FUNCTION fail_outbox();`);
      const failed = await api.request('/v1/checkouts', {
        key,
        idempotencyKey: 'atomic',
        body: validCheckout(),
      });
      expect(failed.status).toBe(500);
      expect(failed.body.code).toBe('internal_error');
      expect(await countRows(clientId)).toEqual({ intents: 0, outbox: 0, history: 0, keys: 0 });
    } finally {
      await admin.query(
        'DROP TRIGGER IF EXISTS fail_outbox ON outbox_event; DROP FUNCTION IF EXISTS fail_outbox()',
      );
      await admin.end();
    }
    // The retry with the same key succeeds: nothing half-done was left to replay.
    expect(
      (await api.request('/v1/checkouts', { key, idempotencyKey: 'atomic', body: validCheckout() })).status,
    ).toBe(202);
    expect(await countRows(clientId)).toEqual({ intents: 1, outbox: 1, history: 1, keys: 1 });
  });

  test('refuses a second intent with the same merchantReference (409, linking the first), and replays that answer', async () => {
    const { key, clientId } = await api.newClient();
    const first = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'ref-a',
      body: validCheckout({ merchantReference: 'order-9' }),
    });
    const second = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'ref-b',
      body: validCheckout({ merchantReference: 'order-9' }),
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      code: 'merchant_reference_conflict',
      existing: { id: first.body.id, href: `/v1/checkouts/${first.body.id}` },
    });
    const again = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'ref-b',
      body: validCheckout({ merchantReference: 'order-9' }),
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(second.body);
    expect((await countRows(clientId)).intents).toBe(1);
  });
});
