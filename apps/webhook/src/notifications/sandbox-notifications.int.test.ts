import { afterAll, expect, test, waitUntil } from '@vexora-checkout/testing';
import pg from 'pg';
import {
  buildCheckoutBody,
  KHR_MERCHANT,
  USD_MERCHANT,
} from '../../../sandbox/test/support/build-checkout-body.js';
import { startTestSandbox, type TestSandbox } from '../../../sandbox/test/support/start-test-sandbox.js';
import { startTestWebhook, type TestWebhook } from '../../test/start-test-webhook.js';

// What the simulator actually sends, end to end: its own HTTP client, headers, body and signing,
// against the real receiver. The simulator records each attempt's outcome ("ok" only for HTTP 200
// with the body exactly OK), so these tests see our answer as Vexora would.

let sandbox: TestSandbox;
let reader: pg.Pool;

test.beforeAll(async ({ databaseUrl }) => {
  sandbox = await startTestSandbox();
  reader = new pg.Pool({ connectionString: databaseUrl, max: 1 });
});
afterAll(async () => {
  await sandbox.stop();
  await reader.end();
});

async function settle(
  webhook: TestWebhook,
  merchantNo: string,
  body: Record<string, unknown>,
  settlement: Record<string, unknown>,
) {
  const created = await sandbox.call(
    '/v1/vexora/checkout',
    buildCheckoutBody({ ...body, notifyUrl: `${webhook.url}/vexora/notify` }),
    merchantNo,
  );
  expect(created.body.code).toBe('0000');
  const tradeNo = created.body.data!.tradeNo!;
  expect((await sandbox.admin('POST', `/orders/${merchantNo}/${tradeNo}/settle`, settlement)).status).toBe(
    200,
  );
  return { tradeNo, platFormTradeNo: created.body.data!.platFormTradeNo! };
}

async function deliveries(merchantNo: string, tradeNo: string) {
  const ledger = await sandbox.admin('GET', `/ledger?merchantNo=${merchantNo}&tradeNo=${tradeNo}`);
  const orders = ledger.body.orders as {
    notifications: { state: string; attempts: { outcome: string }[] }[];
  }[];
  return orders[0]?.notifications ?? [];
}

test('a paid order: the simulator’s notification is stored valid and acknowledged on the first attempt', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  const webhook = await startTestWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix });
  const { tradeNo, platFormTradeNo } = await settle(
    webhook,
    USD_MERCHANT,
    { amount: '10.50' },
    { outcome: 'paid' },
  );
  const sent = await waitUntil(
    () => deliveries(USD_MERCHANT, tradeNo),
    (notifications) => notifications.length === 1 && notifications[0]!.state === 'delivered',
    { what: 'the notification to be acknowledged' },
  );
  expect(sent[0]!.attempts).toEqual([expect.objectContaining({ outcome: 'ok' })]);
  const rows = await reader.query('SELECT * FROM gateway_notification WHERE trade_no = $1', [tradeNo]);
  expect(rows.rows).toMatchObject([
    {
      platform_trade_no: platFormTradeNo,
      status: '0000',
      amount: '10.50',
      signature: 'valid',
      account_id: 'sandbox-usd',
      content_type: 'application/json; charset=utf-8',
      headers: expect.objectContaining({ 'user-agent': 'vexora-sandbox-notifier' }) as object,
    },
  ]);
  await webhook.close();
});

test('a partial KHR payment: the amount actually paid is stored', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  const webhook = await startTestWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix });
  const { tradeNo } = await settle(
    webhook,
    KHR_MERCHANT,
    { amount: '40000' },
    { outcome: 'partial', amount: '25000' },
  );
  await waitUntil(
    () => deliveries(KHR_MERCHANT, tradeNo),
    (notifications) => notifications[0]?.state === 'delivered',
    { what: 'the notification to be acknowledged' },
  );
  const rows = await reader.query(
    'SELECT status, amount, signature, account_id FROM gateway_notification WHERE trade_no = $1',
    [tradeNo],
  );
  // The KHR account shares the USD account's development secret; no checkout of ours owns this
  // tradeNo here, so the first configured account is recorded (see store-notification.ts).
  expect(rows.rows).toEqual([
    { status: '0001', amount: '25000.00', signature: 'valid', account_id: 'sandbox-usd' },
  ]);
  await webhook.close();
});
