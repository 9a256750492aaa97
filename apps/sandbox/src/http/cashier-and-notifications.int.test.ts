import { verifyRawBody } from '@vexora-checkout/signing';
import { expect, test } from '@vexora-checkout/testing';
import { onTestFinished } from 'vitest';
import { buildCheckoutBody, DEV_SECRET, USD_MERCHANT } from '../../test/support/build-checkout-body.js';
import { startReceiver, type Receiver } from '../../test/support/start-receiver.js';
import { startTestSandbox, type TestSandbox } from '../../test/support/start-test-sandbox.js';

async function sandboxFor(env: Record<string, string> = {}): Promise<TestSandbox> {
  const sandbox = await startTestSandbox(env);
  onTestFinished(() => sandbox.stop());
  return sandbox;
}

async function receiverFor(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const receiver = await startReceiver(...args);
  onTestFinished(() => receiver.close());
  return receiver;
}

async function createOrder(sandbox: TestSandbox, overrides: Record<string, unknown> = {}) {
  const body = buildCheckoutBody(overrides);
  const { body: answer } = await sandbox.call('/v1/vexora/checkout', body);
  expect(answer.code).toBe('0000');
  return { tradeNo: body.tradeNo, paymentLink: answer.data?.paymentLink ?? '' };
}

async function order(sandbox: TestSandbox, tradeNo: string) {
  const { body } = await sandbox.admin('GET', `/ledger?tradeNo=${encodeURIComponent(tradeNo)}`);
  return (body.orders as Record<string, unknown>[])[0] as {
    status: string;
    paidAmount: string | null;
    settledBy: string | null;
    notifications: {
      kind: string;
      status: string;
      state: string;
      attempts: { outcome: string; httpStatus: number | null }[];
    }[];
  };
}

/** Submits a cashier form the way a browser does (urlencoded, no redirect following). */
function submit(paymentLink: string, fields: Record<string, string>) {
  return fetch(paymentLink, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

test('the cashier page shows the order and an inline SVG QR code, with no script allowed', async () => {
  const sandbox = await sandboxFor();
  const { tradeNo, paymentLink } = await createOrder(sandbox, { amount: '42.00' });
  const response = await fetch(paymentLink);
  const html = await response.text();
  expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(html).toContain(USD_MERCHANT);
  expect(html).toContain('42.00 USD');
  expect(html).toContain(tradeNo);
  expect(html).toMatch(/<div class="qr"[^>]*><svg [^>]*viewBox/);
  expect(html).toContain('value="full"');
  expect(html).toContain('value="partial"');
  expect(html).toContain('value="fail"');
  expect(html).not.toMatch(/<script|src="http|href="http(?!s:\/\/merchant)/);
});

test('the cashier page escapes what the merchant sent', async () => {
  const sandbox = await sandboxFor();
  const hostile = '<img src=x onerror=alert(1)>"\'&';
  const { paymentLink } = await createOrder(sandbox, {
    tradeNo: hostile,
    returnUrl: 'https://merchant.example/return?a="><script>alert(1)</script>',
  });
  await submit(paymentLink, { action: 'fail' });
  const html = await (await fetch(paymentLink)).text();
  expect(html).not.toContain('<img src=x');
  expect(html).not.toContain('<script>');
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
  expect(html).toContain(
    'href="https://merchant.example/return?a=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"',
  );
});

test('paying in full settles the order and notifies the merchant with a valid signature', async () => {
  const sandbox = await sandboxFor();
  const receiver = await receiverFor();
  const { tradeNo, paymentLink } = await createOrder(sandbox, { amount: '15.75', notifyUrl: receiver.url });
  const response = await submit(paymentLink, { action: 'full' });
  expect(response.status).toBe(303);
  expect(new URL(response.headers.get('location') ?? '', paymentLink).href).toBe(paymentLink);
  await expect.poll(() => receiver.received.length).toBe(1);
  const [notification] = receiver.received;
  expect(notification?.contentType).toMatch(/^application\/json/);
  expect(notification?.body).toMatchObject({ tradeNo, amount: '15.75', status: '0000', message: 'Success' });
  expect(verifyRawBody(notification?.raw ?? '', 'application/json', DEV_SECRET)).toMatchObject({
    signature: 'valid',
  });
  await expect.poll(async () => (await order(sandbox, tradeNo)).notifications[0]?.state).toBe('delivered');
  expect(await order(sandbox, tradeNo)).toMatchObject({
    status: '0000',
    paidAmount: '15.75',
    settledBy: 'cashier',
  });
  // Settled: the page says so and offers no more buttons; a second payment is refused.
  const page = await (await fetch(paymentLink)).text();
  expect(page).toContain('Paid (0000)');
  expect(page).not.toContain('value="full"');
  expect((await submit(paymentLink, { action: 'fail' })).status).toBe(409);
});

test('paying partially records the paid amount; a bad amount is explained on the page', async () => {
  const sandbox = await sandboxFor();
  const receiver = await receiverFor();
  const { tradeNo, paymentLink } = await createOrder(sandbox, { amount: '20.00', notifyUrl: receiver.url });
  const tooMuch = await submit(paymentLink, { action: 'partial', amount: '25' });
  expect(tooMuch.status).toBe(400);
  expect(await tooMuch.text()).toContain('amount must not exceed the order&#39;s 20.00 USD');
  expect((await submit(paymentLink, { action: 'partial', amount: '7.5' })).status).toBe(303);
  await expect.poll(() => receiver.received.length).toBe(1);
  expect(receiver.received[0]?.body).toMatchObject({
    status: '0001',
    amount: '7.50',
    message: 'Partial payment',
  });
  expect(await order(sandbox, tradeNo)).toMatchObject({ status: '0001', paidAmount: '7.50' });
});

test('failing the payment notifies 00029', async () => {
  const sandbox = await sandboxFor();
  const receiver = await receiverFor();
  const { tradeNo, paymentLink } = await createOrder(sandbox, { notifyUrl: receiver.url });
  expect((await submit(paymentLink, { action: 'fail' })).status).toBe(303);
  await expect.poll(() => receiver.received[0]?.body.status).toBe('00029');
  expect(await order(sandbox, tradeNo)).toMatchObject({ status: '00029', paidAmount: null });
});

test('an unknown payment link is a 404 page', async () => {
  const sandbox = await sandboxFor();
  expect((await fetch(`${sandbox.url}/pay?token=nope`)).status).toBe(404);
  expect((await submit(`${sandbox.url}/pay?token=nope`, { action: 'full' })).status).toBe(404);
});

test('retries a notification until the receiver answers 200 "OK", recording each attempt', async () => {
  const sandbox = await sandboxFor();
  const answers = [
    { status: 500, body: 'OK' },
    { status: 200, body: 'ok' },
    { status: 200, body: 'OK' },
  ];
  const receiver = await receiverFor((index) => answers[index] ?? { status: 200, body: 'OK' });
  const { tradeNo } = await createOrder(sandbox, { notifyUrl: receiver.url });
  await sandbox.admin('POST', `/orders/${USD_MERCHANT}/${tradeNo}/settle`, { outcome: 'paid' });
  await expect.poll(async () => (await order(sandbox, tradeNo)).notifications[0]?.state).toBe('delivered');
  const { attempts } = (await order(sandbox, tradeNo)).notifications[0]!;
  expect(attempts.map((attempt) => [attempt.outcome, attempt.httpStatus])).toEqual([
    ['rejected', 500],
    ['rejected', 200],
    ['ok', 200],
  ]);
  expect(receiver.received).toHaveLength(3);
  // The same signed notification each time.
  expect(new Set(receiver.received.map((notification) => notification.raw)).size).toBe(1);
});

test('gives up after the first delivery and 8 retries, and records an unreachable receiver', async () => {
  // 36,047 s of schedule scaled by 0.00001: about 0.4 s.
  const sandbox = await sandboxFor({ SANDBOX_NOTIFY_TIME_SCALE: '0.00001' });
  const receiver = await receiverFor(() => ({ status: 503, body: 'busy' }));
  const { tradeNo } = await createOrder(sandbox, { notifyUrl: receiver.url });
  await sandbox.admin('POST', `/orders/${USD_MERCHANT}/${tradeNo}/settle`, { outcome: 'failed' });
  await expect
    .poll(async () => (await order(sandbox, tradeNo)).notifications[0]?.state, { timeout: 10_000 })
    .toBe('gave-up');
  expect(receiver.received).toHaveLength(9);

  const unreachable = await createOrder(sandbox, { notifyUrl: 'http://127.0.0.1:9/closed' });
  await sandbox.admin('POST', `/orders/${USD_MERCHANT}/${unreachable.tradeNo}/settle`, { outcome: 'paid' });
  await expect
    .poll(async () => (await order(sandbox, unreachable.tradeNo)).notifications[0]?.attempts[0]?.outcome)
    .toBe('error');
});

test('a receiver slower than SANDBOX_NOTIFY_TIMEOUT_MS counts as a timeout', async () => {
  const sandbox = await sandboxFor({ SANDBOX_NOTIFY_TIMEOUT_MS: '100' });
  const { createServer } = await import('node:http');
  // Never answers; the sandbox aborts the attempt after 100 ms.
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        silent.closeAllConnections();
        silent.close(() => resolve());
      }),
  );
  const address = silent.address() as { port: number };
  const { tradeNo } = await createOrder(sandbox, { notifyUrl: `http://127.0.0.1:${address.port}/n` });
  await sandbox.admin('POST', `/orders/${USD_MERCHANT}/${tradeNo}/settle`, { outcome: 'paid' });
  await expect
    .poll(async () => (await order(sandbox, tradeNo)).notifications[0]?.attempts[0]?.outcome)
    .toBe('timeout');
});

test('auto-settles orders after the delay and notifies', async () => {
  const sandbox = await sandboxFor({
    SANDBOX_SCENARIO: JSON.stringify({ autoSettle: { afterMs: 50, paid: 1 } }),
  });
  const receiver = await receiverFor();
  const { tradeNo } = await createOrder(sandbox, { notifyUrl: receiver.url });
  await expect.poll(() => receiver.received.length).toBe(1);
  expect(receiver.received[0]?.body).toMatchObject({ tradeNo, status: '0000' });
  expect(await order(sandbox, tradeNo)).toMatchObject({ status: '0000', settledBy: 'auto' });
});

test('auto-settles by the configured ratios; silent orders stay processing', async () => {
  const sandbox = await sandboxFor();
  await sandbox.admin('PUT', '/scenario', {
    autoSettle: { afterMs: 0, paid: 1, partial: 1, failed: 1, silent: 1 },
  });
  const receiver = await receiverFor();
  const tradeNos: string[] = [];
  for (let i = 0; i < 24; i += 1)
    tradeNos.push((await createOrder(sandbox, { amount: '9.00', notifyUrl: receiver.url })).tradeNo);
  const { body } = await sandbox.admin('GET', '/ledger');
  const orders = body.orders as { status: string; autoSettle: { outcome: string } }[];
  const expected: Record<string, string> = { paid: '0000', partial: '0001', failed: '00029', silent: '0015' };
  await expect
    .poll(async () => {
      const { body: now } = await sandbox.admin('GET', '/ledger');
      return (now.orders as { status: string; autoSettle: { outcome: string } }[]).every(
        (item) => item.status === expected[item.autoSettle.outcome],
      );
    })
    .toBe(true);
  expect(new Set(orders.map((item) => item.autoSettle.outcome))).toEqual(new Set(Object.keys(expected)));
  const notifying = orders.filter((item) => item.autoSettle.outcome !== 'silent').length;
  await expect.poll(() => receiver.received.length).toBe(notifying);
});

test('duplicate delivery: the acknowledged notification comes twice', async () => {
  const sandbox = await sandboxFor({
    SANDBOX_SCENARIO: JSON.stringify({ notifications: { duplicateRate: 1 } }),
  });
  const receiver = await receiverFor();
  const { tradeNo } = await createOrder(sandbox, { notifyUrl: receiver.url });
  await sandbox.admin('POST', `/orders/${USD_MERCHANT}/${tradeNo}/settle`, { outcome: 'paid' });
  await expect.poll(() => receiver.received.length).toBe(2);
  expect(receiver.received[1]?.raw).toBe(receiver.received[0]?.raw);
  await expect
    .poll(async () => (await order(sandbox, tradeNo)).notifications.map((item) => [item.kind, item.state]))
    .toEqual([
      ['final', 'delivered'],
      ['duplicate', 'delivered'],
    ]);
});

test('out-of-order delivery: a stale 0015 arrives after the final notification', async () => {
  const sandbox = await sandboxFor({
    SANDBOX_SCENARIO: JSON.stringify({ notifications: { outOfOrderRate: 1 } }),
  });
  const receiver = await receiverFor();
  const { tradeNo } = await createOrder(sandbox, { notifyUrl: receiver.url });
  await sandbox.admin('POST', `/orders/${USD_MERCHANT}/${tradeNo}/settle`, { outcome: 'paid' });
  await expect.poll(() => receiver.received.map((item) => item.body.status)).toEqual(['0000', '0015']);
  expect(verifyRawBody(receiver.received[1]?.raw ?? '', 'application/json', DEV_SECRET).signature).toBe(
    'valid',
  );
  // The truth does not move.
  expect((await order(sandbox, tradeNo)).status).toBe('0000');
});
