import {
  DEFAULT_SANDBOX_ACCOUNTS,
  NOTIFICATION_RECONCILE_QUEUE,
  notificationReconcileJobId,
} from '@vexora-checkout/contracts';
import { signFields } from '@vexora-checkout/signing';
import { afterAll, expect, test, waitUntil } from '@vexora-checkout/testing';
import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import {
  startTestWebhook,
  type TestWebhook,
  type TestWebhookOptions,
} from '../../test/start-test-webhook.js';

const SECRET = DEFAULT_SANDBOX_ACCOUNTS[0]!.appSecret;
let reader: pg.Pool | undefined;
let sequence = 0;

afterAll(async () => {
  await reader?.end();
});

function readerFor(databaseUrl: string): pg.Pool {
  reader ??= new pg.Pool({ connectionString: databaseUrl, max: 2 });
  return reader;
}

/** A notification as the sandbox sends it (all strings), with a tradeNo unique to this file run. */
function notification(overrides: Record<string, string> = {}): {
  tradeNo: string;
  platFormTradeNo: string;
  [field: string]: string;
} {
  sequence += 1;
  return {
    platFormTradeNo: `P${process.pid}${sequence}`,
    tradeNo: `T20261126${process.pid}${String(sequence).padStart(5, '0')}`,
    amount: '12.50',
    status: '0000',
    message: 'success',
    remark: 'order-42',
    timestamp: String(Date.now()),
    ...overrides,
  };
}

interface StoredRow {
  id: string;
  raw_body: string;
  content_type: string | null;
  headers: Record<string, string>;
  source_ip: string | null;
  trade_no: string | null;
  platform_trade_no: string | null;
  status: string | null;
  amount: string | null;
  signature: string;
  account_id: string | null;
  dedupe_key: string;
  processed_at: Date | null;
}

async function rowsFor(pool: pg.Pool, tradeNo: string): Promise<StoredRow[]> {
  const result = await pool.query<StoredRow>(
    'SELECT * FROM gateway_notification WHERE trade_no = $1 ORDER BY id',
    [tradeNo],
  );
  return result.rows.map((row) => ({ ...row, id: String(row.id) }));
}

async function countRows(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ n: string }>('SELECT count(*) AS n FROM gateway_notification');
  return Number(result.rows[0]?.n);
}

async function metric(webhook: TestWebhook, name: string, labels: Record<string, string> = {}) {
  const values = (await webhook.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

async function withWebhook(
  options: TestWebhookOptions,
  run: (webhook: TestWebhook) => Promise<void>,
): Promise<void> {
  const webhook = await startTestWebhook(options);
  try {
    await run(webhook);
  } catch (error) {
    // What the receiver said about it is usually the explanation.
    const problems = webhook.logs.filter((line) => line.level === 'error' || line.level === 'warn');
    console.error(JSON.stringify(problems.slice(-5), null, 1));
    throw error;
  } finally {
    await webhook.close();
  }
}

test('a signed notification is stored, committed before "OK", then handed to the reconcile queue', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  const queue = bullmq.createQueue(NOTIFICATION_RECONCILE_QUEUE);
  await withWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix }, async (webhook) => {
    const body = signFields(notification(), SECRET);
    const answer = await webhook.notify(body, {
      headers: { 'x-request-id': 'req-1', authorization: 'Bearer x' },
    });
    expect(answer).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', text: 'OK' });

    // Read at once, on another connection: the row was committed before the answer left.
    const [row, ...others] = await rowsFor(readerFor(databaseUrl), body.tradeNo);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      raw_body: JSON.stringify(body),
      content_type: 'application/json; charset=utf-8',
      source_ip: '127.0.0.1',
      trade_no: body.tradeNo,
      platform_trade_no: body.platFormTradeNo,
      status: '0000',
      amount: '12.50',
      signature: 'valid',
      // The development accounts share a secret and no checkout owns this tradeNo: the first one.
      account_id: 'sandbox-usd',
      processed_at: null,
    });
    expect(row!.dedupe_key).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': 'req-1',
    });
    expect(row!.headers).not.toHaveProperty('authorization');

    const job = await waitUntil(
      () => queue.getJob(notificationReconcileJobId(row!.id)),
      (found) => found !== undefined,
      { what: 'the reconcile job' },
    );
    expect(job).toMatchObject({ name: 'reconcile', data: { notificationId: row!.id } });
    expect(job!.opts).toMatchObject({
      removeOnComplete: { age: 3_600, count: 10_000 },
      removeOnFail: { age: 604_800, count: 100_000 },
    });
    expect(await metric(webhook, 'webhook_notifications_total', { signature: 'valid', status: '200' })).toBe(
      1,
    );
    expect(await metric(webhook, 'webhook_reconcile_enqueued_total')).toBe(1);
    await queue.close();

    // The request's log line says what was stored, never the sign or the authorization header.
    const logged = JSON.stringify(webhook.logs);
    expect(logged).not.toContain(body.sign);
    expect(logged).not.toContain('Bearer x');
    expect(webhook.logs).toContainEqual(
      expect.objectContaining({
        msg: 'request completed',
        reqId: 'req-1',
        source: { ip: '127.0.0.1', peer: '127.0.0.1' },
        notification: expect.objectContaining({ id: row!.id, tradeNo: body.tradeNo, signature: 'valid' }),
      }),
    );
  });
});

test('a form-encoded notification is accepted and verified like JSON', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix }, async (webhook) => {
    const body = signFields(notification({ status: '0001', amount: '4.00' }), SECRET);
    const form = new URLSearchParams(body).toString();
    expect(await webhook.notify(form, { contentType: 'application/x-www-form-urlencoded' })).toMatchObject({
      status: 200,
      text: 'OK',
    });
    expect(await rowsFor(readerFor(databaseUrl), body.tradeNo)).toMatchObject([
      {
        raw_body: form,
        content_type: 'application/x-www-form-urlencoded',
        status: '0001',
        amount: '4.00',
        signature: 'valid',
      },
    ]);
  });
});

test('among accounts sharing a secret, the one whose checkout owns the tradeNo is recorded', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  const pool = readerFor(databaseUrl);
  const body = signFields(notification({ amount: '15000' }), SECRET);
  await pool.query(
    `INSERT INTO checkout_intent (id, seq, client_id, account_id, merchant_no, state, trade_no, amount, currency,
       payer_first_name, payer_last_name, payer_mobile, payer_email, updated_at)
     VALUES (gen_random_uuid(), $1, 'client-w', 'sandbox-khr', 'SANDBOX0002', 'AWAITING_PAYMENT', $2, 15000, 'KHR',
       'Sok', 'Dara', '12345678', 'sok@example.com', now())`,
    [900_000 + sequence, body.tradeNo],
  );
  await withWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix }, async (webhook) => {
    expect((await webhook.notify(body)).text).toBe('OK');
    expect(await rowsFor(pool, body.tradeNo)).toMatchObject([
      { signature: 'valid', account_id: 'sandbox-khr', amount: '15000.00' },
    ]);
  });
});

test('an invalid sign is stored as invalid and answered 401; an absent one is stored and acknowledged', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  const queue = bullmq.createQueue(NOTIFICATION_RECONCILE_QUEUE);
  await withWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix }, async (webhook) => {
    const forged = signFields(notification(), 'not-our-secret');
    const forgedAnswer = await webhook.notify(forged);
    expect(forgedAnswer).toMatchObject({
      status: 401,
      contentType: 'application/problem+json; charset=utf-8',
    });
    expect(JSON.parse(forgedAnswer.text)).toMatchObject({ status: 401, code: 'invalid_signature' });
    const [forgedRow] = await rowsFor(readerFor(databaseUrl), forged.tradeNo);
    expect(forgedRow).toMatchObject({ signature: 'invalid', account_id: null, status: '0000' });
    // Still handed over: the reconcile job records the exception.
    await waitUntil(
      () => queue.getJob(notificationReconcileJobId(forgedRow!.id)),
      (job) => job !== undefined,
    );

    const unsigned = notification();
    expect(await webhook.notify(unsigned)).toMatchObject({ status: 200, text: 'OK' });
    expect(await rowsFor(readerFor(databaseUrl), unsigned.tradeNo)).toMatchObject([
      { signature: 'absent', account_id: null, amount: '12.50' },
    ]);
    expect(
      await metric(webhook, 'webhook_notifications_total', { signature: 'invalid', status: '401' }),
    ).toBe(1);
    expect(await metric(webhook, 'webhook_notifications_total', { signature: 'absent', status: '200' })).toBe(
      1,
    );
    await queue.close();
  });
});

test('duplicates are stored as separate deliveries sharing one dedupe key', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix }, async (webhook) => {
    const first = notification();
    const deliveries = [
      signFields(first, SECRET),
      // A retry: same claim, another timestamp, the amount written differently.
      signFields({ ...first, timestamp: String(Date.now() + 5_000), amount: '12.5' }, SECRET),
      signFields(first, SECRET),
    ];
    for (const body of deliveries) expect((await webhook.notify(body)).text).toBe('OK');
    // Another claim on the same order: the stale "processing" one.
    expect((await webhook.notify(signFields({ ...first, status: '0015' }, SECRET))).text).toBe('OK');

    const rows = await rowsFor(readerFor(databaseUrl), first.tradeNo);
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((row) => row.id)).size).toBe(4);
    const [a, b, c, stale] = rows;
    expect(b!.dedupe_key).toBe(a!.dedupe_key);
    expect(c!.dedupe_key).toBe(a!.dedupe_key);
    expect(stale!.dedupe_key).not.toBe(a!.dedupe_key);
  });
});

test('an oversized body is refused with 413 and nothing is stored', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withWebhook(
    { databaseUrl, redisUrl, prefix: bullmq.prefix, bodyLimitBytes: 2_048 },
    async (webhook) => {
      const before = await countRows(readerFor(databaseUrl));
      const body = signFields(notification({ remark: 'x'.repeat(3_000) }), SECRET);
      const answer = await webhook.notify(body);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'payload_too_large' });
      expect(await countRows(readerFor(databaseUrl))).toBe(before);
      expect(
        await metric(webhook, 'webhook_notifications_total', { signature: 'unread', status: '413' }),
      ).toBe(1);
      // The limit is on the body, not the sender: a normal one still goes through.
      expect((await webhook.notify(signFields(notification(), SECRET))).text).toBe('OK');
    },
  );
});

test('a body that is not a notification is stored as evidence and answered 400', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix }, async (webhook) => {
    const pool = readerFor(databaseUrl);
    const marker = `junk-${process.pid}-${Date.now()}`;
    for (const [body, contentType] of [
      [`{"broken": "${marker}"`, 'application/json'],
      [`{"orderId":"${marker}","status":"0000"}`, 'application/json'],
      [`nothing=${marker}`, 'application/x-www-form-urlencoded'],
    ] as const) {
      const answer = await webhook.notify(body, { contentType });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'not_a_notification' });
    }
    const stored = await pool.query<StoredRow>(
      'SELECT * FROM gateway_notification WHERE raw_body LIKE $1 ORDER BY id',
      [`%${marker}%`],
    );
    expect(stored.rows).toMatchObject([
      { trade_no: null, status: null, amount: null, signature: 'absent' },
      { trade_no: null, status: '0000', signature: 'absent' },
      { trade_no: null, signature: 'absent' },
    ]);
    expect(new Set(stored.rows.map((row) => row.dedupe_key)).size).toBe(3);

    // NUL cannot be stored in PostgreSQL text: it is replaced, and the delivery still stored.
    const withNul = await webhook.notify(`{"tradeNo":"T-NUL","x":"${marker}\u0000"}`);
    expect(withNul.status).toBe(400);
    const nulRow = await pool.query<StoredRow>(
      'SELECT raw_body FROM gateway_notification WHERE raw_body LIKE $1',
      [`%${marker}\uFFFD%`],
    );
    expect(nulRow.rows).toHaveLength(1);
  });
});

test('database unreachable or failing: 503, so that Vexora retries; /health says so', async ({
  redisUrl,
  bullmq,
  createEmptyDatabase,
}) => {
  // A closed port, and a database without our tables (the INSERT itself fails).
  for (const databaseUrl of ['postgresql://postgres@127.0.0.1:1/nowhere', await createEmptyDatabase()]) {
    await withWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix }, async (webhook) => {
      const answer = await webhook.notify(signFields(notification(), SECRET));
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'service_unavailable' });
      expect(await metric(webhook, 'webhook_notifications_total', { status: '503' })).toBe(1);
      expect(await metric(webhook, 'webhook_store_duration_seconds', { result: 'error' })).toBeGreaterThan(0);
      expect(await metric(webhook, 'webhook_reconcile_enqueued_total')).toBe(0);
      const health = await fetch(`${webhook.url}/health`);
      expect(health.status).toBe(databaseUrl.includes(':1/') ? 503 : 200);
    });
  }
});

test('a database that does not answer: 503 after WEBHOOK_STORE_TIMEOUT_MS, counted as a timeout', async ({
  redisUrl,
  bullmq,
}) => {
  // Accepts connections and never says a word, like a PostgreSQL behind a dead network path.
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as { port: number };
  const webhook = await startTestWebhook({
    databaseUrl: `postgresql://postgres@127.0.0.1:${port}/silent`,
    redisUrl,
    prefix: bullmq.prefix,
    storeTimeoutMs: 300,
  });
  try {
    const answer = await webhook.notify(signFields(notification(), SECRET));
    expect(answer.status).toBe(503);
    expect(await metric(webhook, 'webhook_store_duration_seconds', { result: 'timeout' })).toBeGreaterThan(0);
  } finally {
    for (const socket of sockets) socket.destroy();
    await webhook.close();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('Redis unreachable: still stored and acknowledged without waiting; the failure is counted', async ({
  databaseUrl,
}) => {
  await withWebhook(
    { databaseUrl, redisUrl: 'redis://127.0.0.1:1', prefix: 'unreachable', enqueueTimeoutMs: 2_000 },
    async (webhook) => {
      const body = signFields(notification(), SECRET);
      expect(await webhook.notify(body)).toMatchObject({ status: 200, text: 'OK' });
      // The answer came before the hand-over had even timed out.
      expect(await metric(webhook, 'webhook_reconcile_enqueue_failures_total')).toBe(0);
      expect(await rowsFor(readerFor(databaseUrl), body.tradeNo)).toMatchObject([
        { signature: 'valid', processed_at: null },
      ]);
      await waitUntil(
        () => metric(webhook, 'webhook_reconcile_enqueue_failures_total', { reason: 'timeout' }),
        (failures) => failures === 1,
        { what: 'the hand-over to time out' },
      );
      const health = await fetch(`${webhook.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        checks: { database: 'ok' },
        queue: expect.not.stringMatching(/^ok$/) as string,
      });
    },
  );
});

test('200 parallel deliveries are all stored exactly once and all handed over', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  const queue = bullmq.createQueue(NOTIFICATION_RECONCILE_QUEUE);
  await withWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix }, async (webhook) => {
    const bodies = Array.from({ length: 200 }, () => signFields(notification(), SECRET));
    const answers = await Promise.all(bodies.map((body) => webhook.notify(body)));
    expect(answers.every((answer) => answer.status === 200 && answer.text === 'OK')).toBe(true);
    const stored = await readerFor(databaseUrl).query<{ trade_no: string; n: string }>(
      'SELECT trade_no, count(*) AS n FROM gateway_notification WHERE trade_no = ANY($1) GROUP BY trade_no',
      [bodies.map((body) => body.tradeNo)],
    );
    expect(stored.rows).toHaveLength(200);
    expect(stored.rows.every((row) => row.n === '1')).toBe(true);
    await waitUntil(
      () => queue.getJobCountByTypes('wait'),
      (count) => count === 200,
      { what: '200 reconcile jobs' },
    );
    await queue.close();
  });
});
