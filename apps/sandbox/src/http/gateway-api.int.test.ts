import { request as httpRequest } from 'node:http';
import { isQueryNotFound } from '@vexora-checkout/contracts';
import { expect, test } from '@vexora-checkout/testing';
import { onTestFinished } from 'vitest';
import {
  buildCheckoutBody,
  buildQueryBody,
  KHR_MERCHANT,
  USD_MERCHANT,
} from '../../test/support/build-checkout-body.js';
import { startTestSandbox, type TestSandbox } from '../../test/support/start-test-sandbox.js';
import { decodeKhqr } from '../khqr/decode-khqr.js';

async function sandboxFor(env: Record<string, string> = {}): Promise<TestSandbox> {
  const sandbox = await startTestSandbox(env);
  onTestFinished(() => sandbox.stop());
  return sandbox;
}

async function ledger(sandbox: TestSandbox, query = '') {
  const { body } = await sandbox.admin('GET', `/ledger${query}`);
  return body as { total: number; orders: Record<string, unknown>[] };
}

/** A raw POST that reports how the connection ended instead of throwing. */
function rawPost(
  url: string,
  body: unknown,
  merchantNo = USD_MERCHANT,
): Promise<{ outcome: 'answered'; status: number; text: string } | { outcome: 'failed'; code: string }> {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const outgoing = httpRequest(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', merchantNo } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            outcome: 'answered',
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ outcome: 'failed', code: error.code ?? error.message }),
    );
    outgoing.end(text);
  });
}

test('creates an order over HTTP: 0000, a payment link that serves the cashier, a valid KHQR', async () => {
  const sandbox = await sandboxFor();
  const body = buildCheckoutBody({ amount: '25.00' });
  const { status, body: answer } = await sandbox.call('/v1/vexora/checkout', body);
  expect(status).toBe(200);
  expect(answer).toMatchObject({
    code: '0000',
    msg: 'success',
    success: true,
    data: { status: '0015', tradeNo: body.tradeNo },
  });
  expect(typeof answer.timestamp).toBe('number');
  const link = answer.data?.paymentLink ?? '';
  expect(link.startsWith(`${sandbox.url}/pay?token=`)).toBe(true);
  const page = await fetch(link);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const khqr = decodeKhqr(answer.data?.payInfo ?? '');
  expect(khqr).toMatchObject({ ok: true, crcValid: true });
  expect(khqr.ok && [khqr.values.get('53'), khqr.values.get('54'), khqr.values.get('62.01')]).toEqual([
    '840',
    '25.00',
    body.tradeNo,
  ]);
});

test('rejects bad requests with 8000 and a precise message, HTTP 200', async () => {
  const sandbox = await sandboxFor();
  const missing = await sandbox.call('/v1/vexora/checkout', { ...buildCheckoutBody(), mobile: undefined });
  expect(missing).toMatchObject({
    status: 200,
    body: { code: '8000', msg: 'mobile is required', success: false, data: null },
  });
  const notJson = await sandbox.call('/v1/vexora/checkout', '{"tradeNo":');
  expect(notJson.body).toMatchObject({ code: '8000', msg: 'the body is not valid JSON' });
  const unknownMerchant = await sandbox.call('/v1/vexora/checkout', buildCheckoutBody(), 'SOMEONE');
  expect(unknownMerchant.body.msg).toBe('merchantNo SOMEONE is not a merchant of this gateway');
  const wrongCurrency = await sandbox.call(
    '/v1/vexora/checkout',
    buildCheckoutBody({ amount: '10.50' }),
    KHR_MERCHANT,
  );
  expect(wrongCurrency.body.msg).toMatch(/^amount must be a whole number of riel for KHR/);

  const form = await fetch(`${sandbox.url}/v1/vexora/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', merchantNo: USD_MERCHANT },
    body: 'tradeNo=1',
  });
  expect(await form.json()).toMatchObject({ code: '8000', msg: 'Content-Type must be application/json' });
  const huge = await sandbox.call('/v1/vexora/checkout', {
    ...buildCheckoutBody(),
    remark: 'x'.repeat(70_000),
  });
  expect(huge.body).toMatchObject({ code: '8000', msg: 'the body is larger than 64kb' });
  expect(await ledger(sandbox)).toMatchObject({ total: 0 });
});

test('rejects a duplicate tradeNo with 8000 and keeps the first order', async () => {
  const sandbox = await sandboxFor();
  const body = buildCheckoutBody();
  const first = await sandbox.call('/v1/vexora/checkout', body);
  const second = await sandbox.call('/v1/vexora/checkout', {
    ...buildCheckoutBody({ tradeNo: body.tradeNo }),
  });
  expect(first.body.code).toBe('0000');
  expect(second.body).toMatchObject({
    code: '8000',
    msg: expect.stringMatching(/already exists .*duplicate order/) as string,
  });
  const held = await ledger(sandbox, `?tradeNo=${body.tradeNo}`);
  expect(held.total).toBe(1);
  expect(held.orders[0]?.platFormTradeNo).toBe(first.body.data?.platFormTradeNo);
});

test('answers queries: the explicit not-found, then the true state', async () => {
  const sandbox = await sandboxFor();
  const unknown = await sandbox.call('/v1/vexora/queryPayInResult', buildQueryBody('NEVER-SENT'));
  expect(unknown.body).toMatchObject({ code: '8000', msg: 'order does not exist' });
  expect(isQueryNotFound(unknown.body.code, unknown.body.msg)).toBe(true);

  const body = buildCheckoutBody({ amount: '8.00' });
  await sandbox.call('/v1/vexora/checkout', body);
  const processing = await sandbox.call('/v1/vexora/queryPayInResult', buildQueryBody(body.tradeNo));
  expect(processing.body.data).toMatchObject({ status: '0015', amount: '8.00' });
  const settled = await sandbox.admin('POST', `/orders/${USD_MERCHANT}/${body.tradeNo}/settle`, {
    outcome: 'partial',
    amount: '3.5',
  });
  expect(settled.status).toBe(200);
  const partial = await sandbox.call('/v1/vexora/queryPayInResult', buildQueryBody(body.tradeNo));
  expect(partial.body.data).toMatchObject({ status: '0001', amount: '3.50' });
  expect(partial.body.data?.successTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
});

test('answers unknown paths with a JSON 404 and does not advertise Express', async () => {
  const sandbox = await sandboxFor();
  const response = await fetch(`${sandbox.url}/v1/vexora/refund`, { method: 'POST' });
  expect(response.status).toBe(404);
  expect(response.headers.get('x-powered-by')).toBeNull();
  expect(await response.json()).toEqual({ code: '404', msg: 'Not Found', success: false });
});

test('fault http500: HTTP 500, no order', async () => {
  const sandbox = await sandboxFor({ SANDBOX_SCENARIO: JSON.stringify({ faults: { http500: 1 } }) });
  const answer = await rawPost(`${sandbox.url}/v1/vexora/checkout`, buildCheckoutBody());
  expect(answer).toMatchObject({ outcome: 'answered', status: 500 });
  expect(await ledger(sandbox)).toMatchObject({ total: 0 });
});

test('fault code5000: HTTP 200 with code 5000, no order', async () => {
  const sandbox = await sandboxFor();
  await sandbox.admin('PUT', '/scenario', { faults: { code5000: 1 } });
  const { status, body } = await sandbox.call('/v1/vexora/checkout', buildCheckoutBody());
  expect(status).toBe(200);
  expect(body).toMatchObject({ code: '5000', success: false, data: null });
  expect(await ledger(sandbox)).toMatchObject({ total: 0 });
});

test('fault reset: the connection is destroyed before anything happens', async () => {
  const sandbox = await sandboxFor();
  await sandbox.admin('PUT', '/scenario', { faults: { reset: 1 } });
  const answer = await rawPost(`${sandbox.url}/v1/vexora/checkout`, buildCheckoutBody());
  expect(answer).toMatchObject({ outcome: 'failed', code: 'ECONNRESET' });
  expect(await ledger(sandbox)).toMatchObject({ total: 0 });
});

test('fault lostResponse: the order exists but the answer never comes; a resubmission is a duplicate', async () => {
  const sandbox = await sandboxFor();
  await sandbox.admin('PUT', '/scenario', { faults: { lostResponse: 1, endpoints: ['checkout'] } });
  const body = buildCheckoutBody();
  const answer = await rawPost(`${sandbox.url}/v1/vexora/checkout`, body);
  expect(answer).toMatchObject({ outcome: 'failed', code: 'ECONNRESET' });
  // Queries are not affected (endpoints: checkout only): the order is there.
  const query = await sandbox.call('/v1/vexora/queryPayInResult', buildQueryBody(body.tradeNo));
  expect(query.body).toMatchObject({ code: '0000', data: { status: '0015' } });
  await sandbox.admin('PUT', '/scenario', {});
  const again = await sandbox.call('/v1/vexora/checkout', body);
  expect(again.body.msg).toMatch(/duplicate order/);
});

test('fault timeout "drop": the request is held, then the connection is destroyed; no order', async () => {
  const sandbox = await sandboxFor();
  await sandbox.admin('PUT', '/scenario', {
    faults: { timeout: 1, timeoutHoldMs: 100, timeoutThen: 'drop' },
  });
  const started = performance.now();
  const answer = await rawPost(`${sandbox.url}/v1/vexora/checkout`, buildCheckoutBody());
  expect(answer).toMatchObject({ outcome: 'failed', code: 'ECONNRESET' });
  expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  expect(await ledger(sandbox)).toMatchObject({ total: 0 });
});

test('fault timeout "answer": the order is created at once and the answer comes late', async () => {
  const sandbox = await sandboxFor();
  await sandbox.admin('PUT', '/scenario', {
    faults: { timeout: 1, timeoutHoldMs: 150, timeoutThen: 'answer' },
  });
  const body = buildCheckoutBody();
  const started = performance.now();
  const pending = sandbox.call('/v1/vexora/checkout', body);
  // The order exists while the answer is still held.
  await expect.poll(async () => (await ledger(sandbox, `?tradeNo=${body.tradeNo}`)).total).toBe(1);
  expect((await pending).body).toMatchObject({ code: '0000', data: { tradeNo: body.tradeNo } });
  expect(performance.now() - started).toBeGreaterThanOrEqual(145);
});

test('a client that gives up on a held answer leaves the sandbox healthy', async () => {
  const sandbox = await sandboxFor();
  await sandbox.admin('PUT', '/scenario', {
    faults: { timeout: 1, timeoutHoldMs: 60_000, timeoutThen: 'answer' },
  });
  const aborted = fetch(`${sandbox.url}/v1/vexora/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', merchantNo: USD_MERCHANT },
    body: JSON.stringify(buildCheckoutBody()),
    signal: AbortSignal.timeout(100),
  });
  await expect(aborted).rejects.toThrow(/timeout|aborted/i);
  // stop() (onTestFinished) destroys the held connection instead of waiting a minute.
});

test('latency: every answer waits at least the configured time', async () => {
  const sandbox = await sandboxFor({ SANDBOX_SCENARIO: JSON.stringify({ latencyMs: 120 }) });
  const started = performance.now();
  const { body } = await sandbox.call('/v1/vexora/queryPayInResult', buildQueryBody('X'));
  expect(body.code).toBe('8000');
  expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  const scenario = await sandbox.admin('GET', '/scenario');
  expect(scenario.body).toMatchObject({ scenario: { latencyMs: { minMs: 120, maxMs: 120 } }, seed: 7 });
});

test('faults follow their rates, reproducibly for a seed', async () => {
  const outcomes = async () => {
    const sandbox = await sandboxFor({
      SANDBOX_SCENARIO: JSON.stringify({ faults: { http500: 0.3, code5000: 0.3 } }),
    });
    const seen: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const answer = await rawPost(`${sandbox.url}/v1/vexora/queryPayInResult`, buildQueryBody('X'));
      seen.push(
        answer.outcome === 'answered'
          ? answer.status === 500
            ? '500'
            : (JSON.parse(answer.text) as { code: string }).code
          : 'x',
      );
    }
    return seen;
  };
  const first = await outcomes();
  expect(new Set(first)).toEqual(new Set(['500', '5000', '8000']));
  expect(await outcomes()).toEqual(first);
});
