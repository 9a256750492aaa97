// The receiving side of notifications for the suites that send hostile ones (fuzz-notifications,
// security-webhook): the sandbox and a gateway client to it, the webhook receiver on the test's
// database and queue, and a real reconcile worker consuming that queue.
import { DEFAULT_SANDBOX_ACCOUNTS, NOTIFICATION_RECONCILE_QUEUE } from '@vexora-checkout/contracts';
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { createGatewayClient, type GatewayClient } from '@vexora-checkout/gateway-client';
import type { BullmqKit } from '@vexora-checkout/testing';
import { startTestSandbox } from '../../sandbox/test/support/start-test-sandbox.js';
import { startTestWebhook, type TestWebhook } from '../../webhook/test/start-test-webhook.js';
import { createReconcileProcessor } from '../src/reconcile/reconcile-queue.js';

export const USD = DEFAULT_SANDBOX_ACCOUNTS.find((account) => account.currencies.includes('USD'))!;

export interface NotificationRig {
  prisma: PrismaClient;
  sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
  gateway: GatewayClient;
  webhook: TestWebhook;
  close(): Promise<void>;
}

export async function startNotificationRig(options: {
  databaseUrl: string;
  redisUrl: string;
  bullmq: BullmqKit;
  /** Reconcile jobs at once; the Prisma pool gets as many connections. */
  concurrency: number;
  bodyLimitBytes: number;
}): Promise<NotificationRig> {
  const prisma = createPrismaClient({ databaseUrl: options.databaseUrl, poolSize: options.concurrency });
  const sandbox = await startTestSandbox();
  const gateway = createGatewayClient({ baseUrl: sandbox.url, account: USD, timeoutMs: 5_000 });
  const webhook = await startTestWebhook({
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    prefix: options.bullmq.prefix,
    bodyLimitBytes: options.bodyLimitBytes,
  });
  const worker = options.bullmq.createWorker(
    NOTIFICATION_RECONCILE_QUEUE,
    createReconcileProcessor({ prisma, accounts: DEFAULT_SANDBOX_ACCOUNTS, gatewayFor: () => gateway }),
    { concurrency: options.concurrency },
  );
  return {
    prisma,
    sandbox,
    gateway,
    webhook,
    close: async () => {
      await worker.close();
      await webhook.close();
      await gateway.close();
      await sandbox.stop();
      await prisma.$disconnect();
    },
  };
}
