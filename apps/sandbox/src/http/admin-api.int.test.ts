import { expect, test } from '@vexora-checkout/testing';
import { onTestFinished } from 'vitest';
import { buildCheckoutBody, KHR_MERCHANT, USD_MERCHANT } from '../../test/support/build-checkout-body.js';
import { startTestSandbox, type TestSandbox } from '../../test/support/start-test-sandbox.js';

async function sandboxFor(env: Record<string, string> = {}): Promise<TestSandbox> {
  const sandbox = await startTestSandbox(env);
  onTestFinished(() => sandbox.stop());
  return sandbox;
}

test('GET /_sandbox/scenario shows the scenario from SANDBOX_SCENARIO, with defaults, and the seed', async () => {
  const sandbox = await sandboxFor({
    SANDBOX_SCENARIO: '{"faults":{"code5000":0.25}}',
    SANDBOX_SEED: '1234',
  });
  const { status, body } = await sandbox.admin('GET', '/scenario');
  expect(status).toBe(200);
  expect(body).toEqual({
    seed: 1234,
    scenario: {
      latencyMs: { minMs: 0, maxMs: 0 },
      faults: {
        endpoints: ['checkout', 'query'],
        http500: 0,
        code5000: 0.25,
        timeout: 0,
        reset: 0,
        lostResponse: 0,
        timeoutHoldMs: 15_000,
        timeoutThen: 'drop',
      },
      autoSettle: null,
      notifications: {
        duplicateRate: 0,
        outOfOrderRate: 0,
        delayRate: 0,
        delayMs: { minMs: 1_000, maxMs: 10_000 },
      },
    },
  });
});

test('PUT /_sandbox/scenario replaces the scenario, or answers 400 naming every bad field', async () => {
  const sandbox = await sandboxFor();
  const bad = await sandbox.admin('PUT', '/scenario', {
    faults: { http500: 2, timeoutThen: 'never' },
    latencyMs: -1,
  });
  expect(bad.status).toBe(400);
  expect(bad.body).toEqual({
    error: 'invalid scenario',
    issues: expect.arrayContaining([
      'latencyMs.minMs: must not be negative',
      'faults.http500: must be between 0 and 1',
      'faults.timeoutThen: must be "drop" or "answer"',
    ]) as string[],
  });
  const notJson = await fetch(`${sandbox.url}/_sandbox/scenario`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: '{',
  });
  expect(notJson.status).toBe(400);
  expect(await notJson.json()).toEqual({ error: 'the body is not valid JSON' });

  const good = await sandbox.admin('PUT', '/scenario', { latencyMs: { minMs: 1, maxMs: 3 } });
  expect(good.status).toBe(200);
  expect((await sandbox.admin('GET', '/scenario')).body).toMatchObject({
    scenario: { latencyMs: { minMs: 1, maxMs: 3 }, faults: { http500: 0 } },
  });
});

test('POST /_sandbox/reset forgets every order and returns to the start scenario', async () => {
  const sandbox = await sandboxFor({ SANDBOX_SCENARIO: '{"latencyMs":1}' });
  for (let i = 0; i < 3; i += 1) await sandbox.call('/v1/vexora/checkout', buildCheckoutBody());
  await sandbox.admin('PUT', '/scenario', { faults: { http500: 1, endpoints: ['query'] } });
  const reset = await sandbox.admin('POST', '/reset');
  expect(reset).toMatchObject({ status: 200, body: { cleared: 3, scenario: { latencyMs: { minMs: 1 } } } });
  expect((await sandbox.admin('GET', '/ledger')).body).toMatchObject({ total: 0, orders: [] });
  expect((await sandbox.admin('GET', '/scenario')).body).toMatchObject({
    scenario: { faults: { http500: 0 } },
  });
});

test('GET /_sandbox/ledger lists orders with their true state, filtered and paged', async () => {
  const sandbox = await sandboxFor();
  const usd = [buildCheckoutBody(), buildCheckoutBody(), buildCheckoutBody()];
  const khr = buildCheckoutBody({ amount: '4000' });
  for (const body of usd) await sandbox.call('/v1/vexora/checkout', body);
  await sandbox.call('/v1/vexora/checkout', khr, KHR_MERCHANT);
  await sandbox.admin('POST', `/orders/${USD_MERCHANT}/${usd[1]?.tradeNo}/settle`, { outcome: 'paid' });

  const all = await sandbox.admin('GET', '/ledger');
  expect(all.body).toMatchObject({ total: 4, offset: 0, limit: 1000, capacity: 200_000 });
  const byMerchant = await sandbox.admin('GET', `/ledger?merchantNo=${KHR_MERCHANT}`);
  expect(byMerchant.body).toMatchObject({
    total: 1,
    orders: [
      {
        merchantNo: KHR_MERCHANT,
        tradeNo: khr.tradeNo,
        status: '0015',
        outcome: 'processing',
        final: false,
        currency: 'KHR',
        amount: '4000',
        paidAmount: null,
        notifications: [],
      },
    ],
  });
  const paged = await sandbox.admin('GET', `/ledger?merchantNo=${USD_MERCHANT}&offset=1&limit=1`);
  expect(paged.body).toMatchObject({
    total: 3,
    orders: [
      {
        tradeNo: usd[1]?.tradeNo,
        status: '0000',
        outcome: 'paid',
        final: true,
        paidAmount: '10.50',
        settledBy: 'admin',
      },
    ],
  });
  const bad = await sandbox.admin('GET', '/ledger?limit=0&colour=red');
  expect(bad.status).toBe(400);
  expect(bad.body.issues).toEqual(expect.arrayContaining(['limit: must be at least 1']));
});

test('POST /_sandbox/orders/:merchantNo/:tradeNo/settle settles once, and explains refusals', async () => {
  const sandbox = await sandboxFor();
  const body = buildCheckoutBody();
  await sandbox.call('/v1/vexora/checkout', body);
  const path = `/orders/${USD_MERCHANT}/${body.tradeNo}/settle`;
  expect(
    (await sandbox.admin('POST', `/orders/${USD_MERCHANT}/NOPE/settle`, { outcome: 'paid' })).status,
  ).toBe(404);
  expect(await sandbox.admin('POST', path, { outcome: 'refunded' })).toMatchObject({
    status: 400,
    body: { issues: ['outcome: must be "paid", "partial" or "failed"'] },
  });
  expect(await sandbox.admin('POST', path, { outcome: 'partial', amount: '0.001' })).toMatchObject({
    status: 400,
    body: { error: 'amount must have at most 2 decimal places for USD (got "0.001")' },
  });
  expect((await sandbox.admin('POST', path, { outcome: 'failed' })).body).toMatchObject({
    order: { status: '00029' },
  });
  expect(await sandbox.admin('POST', path, { outcome: 'paid' })).toMatchObject({
    status: 409,
    body: { error: 'the order is already settled (status 00029)' },
  });
});

test('SANDBOX_MAX_ORDERS bounds memory: once full, checkouts answer 5000 until a reset', async () => {
  const sandbox = await sandboxFor({ SANDBOX_MAX_ORDERS: '2' });
  await sandbox.call('/v1/vexora/checkout', buildCheckoutBody());
  await sandbox.call('/v1/vexora/checkout', buildCheckoutBody());
  const full = await sandbox.call('/v1/vexora/checkout', buildCheckoutBody());
  expect(full.body).toMatchObject({
    code: '5000',
    msg: expect.stringContaining('SANDBOX_MAX_ORDERS') as string,
  });
  await sandbox.admin('POST', '/reset');
  expect((await sandbox.call('/v1/vexora/checkout', buildCheckoutBody())).body.code).toBe('0000');
});
