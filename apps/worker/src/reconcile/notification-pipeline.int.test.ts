// End to end: the simulator's real signed notifications (with duplicates and stale 0015s after
// the final one) → the real webhook receiver (stores, answers OK, enqueues) → this reconcile job.
import {
  DEFAULT_SANDBOX_ACCOUNTS,
  NOTIFICATION_RECONCILE_QUEUE,
  type VexoraAccount,
} from '@vexora-checkout/contracts';
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { createGatewayClient, type GatewayClient } from '@vexora-checkout/gateway-client';
import { afterAll, beforeEach, expect, test, waitUntil, type BullmqKit } from '@vexora-checkout/testing';
import { startTestSandbox, type TestSandbox } from '../../../sandbox/test/support/start-test-sandbox.js';
import { startTestWebhook } from '../../../webhook/test/start-test-webhook.js';
import { createOrderIntent } from '../../test/reconcile-test-support.js';
import { createReconcileProcessor } from './reconcile-queue.js';

const USD = DEFAULT_SANDBOX_ACCOUNTS[0]!;

let prisma: PrismaClient;
let sandbox: TestSandbox;
let gateway: GatewayClient;

test.beforeAll(async ({ databaseUrl }) => {
  prisma = createPrismaClient({ databaseUrl, poolSize: 8 });
  sandbox = await startTestSandbox();
  gateway = createGatewayClient({ baseUrl: sandbox.url, account: USD, timeoutMs: 5_000 });
});
afterAll(async () => {
  await gateway.close();
  await sandbox.stop();
  await prisma.$disconnect();
});
beforeEach(async () => {
  await prisma.$executeRawUnsafe(
    'TRUNCATE reconciliation_exception, gateway_notification, superseded_trade_no, outbox_event, submission_attempt, status_history, checkout_intent',
  );
  // Every final notification is sent again after its acknowledgement, and followed by a stale 0015.
  await sandbox.admin('PUT', '/scenario', { notifications: { duplicateRate: 1, outOfOrderRate: 1 } });
});

async function run(
  { databaseUrl, redisUrl, bullmq }: { databaseUrl: string; redisUrl: string; bullmq: BullmqKit },
  account: VexoraAccount,
) {
  const webhook = await startTestWebhook({ databaseUrl, redisUrl, prefix: bullmq.prefix });
  const worker = bullmq.createWorker(
    NOTIFICATION_RECONCILE_QUEUE,
    createReconcileProcessor({ prisma, accounts: [account], gatewayFor: () => gateway }),
    { concurrency: 4 },
  );
  const notifyUrl = `${webhook.url}/vexora/notify`;
  const paid = await createOrderIntent(prisma, gateway, USD, { notifyUrl });
  const partial = await createOrderIntent(prisma, gateway, USD, { notifyUrl });
  const failed = await createOrderIntent(prisma, gateway, USD, { notifyUrl });
  const settle = async (tradeNo: string, body: Record<string, unknown>) =>
    expect((await sandbox.admin('POST', `/orders/${USD.merchantNo}/${tradeNo}/settle`, body)).status).toBe(
      200,
    );
  await settle(paid.tradeNo, { outcome: 'paid' });
  await settle(partial.tradeNo, { outcome: 'partial', amount: '4.25' });
  await settle(failed.tradeNo, { outcome: 'failed' });

  // Three deliveries per order at least (the notification, its duplicate, the stale 0015), all
  // reconciled.
  const rows = await waitUntil(
    () => prisma.gatewayNotification.findMany({ orderBy: { id: 'asc' } }),
    (all) => all.length >= 9 && all.every((row) => row.processedAt !== null),
    { what: 'the simulator’s deliveries stored and reconciled', timeoutMs: 20_000 },
  );
  await worker.close();
  await webhook.close();

  const intents = await prisma.checkoutIntent.findMany({
    where: { id: { in: [paid.id, partial.id, failed.id] } },
  });
  const byId = new Map(intents.map((intent) => [intent.id, intent]));
  expect(byId.get(paid.id)).toMatchObject({ state: 'PAID', gatewayStatus: '0000' });
  expect(byId.get(partial.id)?.state).toBe('PARTIALLY_PAID');
  expect(byId.get(partial.id)?.paidAmount?.toFixed(2)).toBe('4.25');
  expect(byId.get(failed.id)).toMatchObject({ state: 'FAILED', gatewayStatus: '00029' });
  for (const id of [paid.id, partial.id, failed.id]) {
    expect(await prisma.statusHistory.count({ where: { intentId: id } })).toBe(1);
  }
  expect(rows.every((row) => row.signature === 'valid' && row.intentId !== null)).toBe(true);
  const outcomes = rows.map((row) => row.outcome);
  expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(3);
  expect(outcomes.every((o) => o === 'applied' || o === 'duplicate' || o === 'no_change')).toBe(true);
  expect(await prisma.reconciliationException.count()).toBe(0);
  return { paid, partial, failed };
}

test('notifications of a non-trusting account are confirmed through the Query API and applied once', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  const { paid } = await run({ databaseUrl, redisUrl, bullmq }, USD);
  expect(
    await prisma.submissionAttempt.count({ where: { intentId: paid.id, kind: 'query' } }),
  ).toBeGreaterThan(0);
});

test('a trusting account applies the simulator’s signed notifications without a query', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await run({ databaseUrl, redisUrl, bullmq }, { ...USD, trustSignedNotifications: true });
  expect(await prisma.submissionAttempt.count({ where: { kind: 'query' } })).toBe(0);
});
