// End to end inside one process: the real api, the real outbox relay and submit worker (BullMQ on
// the test Redis), and the real sandbox gateway over HTTP. The ledger of the sandbox is the
// truth the database is compared with.
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { createDatabaseClients } from '@vexora-checkout/db';
import { createGatewayClient, type GatewayClient } from '@vexora-checkout/gateway-client';
import { createLogger } from '@vexora-checkout/runtime';
import { describe, expect, test, waitUntil, type BullmqKit } from '@vexora-checkout/testing';
import { startTestApi, type TestApi } from '../../api/test/start-test-api.js';
import { startTestSandbox, type TestSandbox } from '../../sandbox/test/support/start-test-sandbox.js';
import { startOutboxRelay, type OutboxRelay } from '../src/outbox/index.js';
import {
  createSubmitBackoff,
  createSubmitProcessor,
  createSubmitQueue,
  SUBMIT_QUEUE,
} from '../src/submit/submit-queue.js';
import { createIntents } from './worker-processes.js';

interface Pipeline {
  api: TestApi;
  sandbox: TestSandbox;
  stop(): Promise<void>;
}

async function startPipeline(
  databaseUrl: string,
  bullmq: BullmqKit,
  options: { scenario?: Record<string, unknown>; gatewayTimeoutMs?: number; concurrency?: number },
): Promise<Pipeline> {
  const sandbox = await startTestSandbox(
    options.scenario ? { SANDBOX_SCENARIO: JSON.stringify(options.scenario) } : {},
  );
  const api = await startTestApi(databaseUrl);
  // The worker's own clients, as in main.ts: the submit path runs its SQL on the pool.
  const database = createDatabaseClients({ databaseUrl, poolSize: 10, applicationName: 'pipeline-worker' });
  const gateways = new Map<string, GatewayClient>();
  const logger = createLogger({ service: 'worker', level: 'silent' });
  const queue = createSubmitQueue({ connection: bullmq.connection, prefix: bullmq.prefix, maxAttempts: 30 });
  const relay: OutboxRelay = await startOutboxRelay({
    databaseUrl,
    queues: { [SUBMIT_QUEUE]: queue },
    logger,
    pollIntervalMs: 200,
  });
  const worker = bullmq.createWorker(
    SUBMIT_QUEUE,
    createSubmitProcessor({
      ...database,
      gatewayFor: (account) => {
        let client = gateways.get(account.id);
        if (!client) {
          client = createGatewayClient({
            baseUrl: sandbox.url,
            account,
            timeoutMs: options.gatewayTimeoutMs ?? 5_000,
          });
          gateways.set(account.id, client);
        }
        return client;
      },
      accounts: DEFAULT_SANDBOX_ACCOUNTS,
      notifyUrl: 'http://127.0.0.1:9/notify',
      defaultReturnUrl: 'http://127.0.0.1:9/return',
    }),
    {
      concurrency: options.concurrency ?? 32,
      settings: { backoffStrategy: createSubmitBackoff({ baseMs: 20, maxMs: 300 }) },
    },
  );
  return {
    api,
    sandbox,
    stop: async () => {
      await relay.stop();
      await worker.close();
      await queue.close();
      await database.prisma.$disconnect();
      // Prisma ends the pool only if it connected itself; the submit path used the pool alone.
      if (!database.pool.ended) await database.pool.end();
      await Promise.all([...gateways.values()].map((client) => client.close()));
      await api.close();
      await sandbox.stop();
    },
  };
}

async function ledgerByTradeNo(sandbox: TestSandbox): Promise<Map<string, Record<string, unknown>>> {
  const response = await sandbox.admin('GET', '/ledger?limit=10000');
  const orders = response.body.orders as Record<string, unknown>[];
  return new Map(orders.map((order) => [String(order.tradeNo), order]));
}

describe('the submission pipeline against the sandbox', () => {
  test('1,000 intents created through the API all get their payment link, each tradeNo sent once', async ({
    databaseUrl,
    bullmq,
  }) => {
    const pipeline = await startPipeline(databaseUrl, bullmq, {});
    try {
      const { api, sandbox } = pipeline;
      const { key, clientId } = await api.newClient();
      await createIntents(api, key, 1_000, 'happy');
      await waitUntil(
        () => api.prisma.checkoutIntent.count({ where: { clientId, state: 'AWAITING_PAYMENT' } }),
        (count) => count === 1_000,
        { timeoutMs: 60_000, intervalMs: 100, what: '1,000 intents awaiting payment' },
      );
      const intents = await api.prisma.checkoutIntent.findMany({ where: { clientId } });
      const ledger = await ledgerByTradeNo(sandbox);
      expect(ledger.size).toBe(1_000);
      for (const intent of intents) {
        const order = ledger.get(intent.tradeNo);
        expect(order?.platFormTradeNo).toBe(intent.platformTradeNo);
        expect(intent.paymentLink).toBe(order?.paymentLink);
        expect(intent.payInfo).toMatch(/^000201/);
      }
      // Exactly one checkout request per intent: no retries were needed, none were made.
      expect(
        await api.prisma.submissionAttempt.count({ where: { intent: { clientId }, kind: 'checkout' } }),
      ).toBe(1_000);
    } finally {
      await pipeline.stop();
    }
  });

  test('with 500s, 5000s, resets, timeouts and lost responses, every intent ends as the ledger says, no order twice', async ({
    databaseUrl,
    bullmq,
  }) => {
    const pipeline = await startPipeline(databaseUrl, bullmq, {
      gatewayTimeoutMs: 300,
      scenario: {
        faults: {
          endpoints: ['checkout', 'query'],
          http500: 0.04,
          code5000: 0.04,
          reset: 0.03,
          lostResponse: 0.03,
          timeout: 0.03,
          timeoutHoldMs: 600,
          timeoutThen: 'answer',
        },
      },
    });
    try {
      const { api, sandbox } = pipeline;
      const { key, clientId } = await api.newClient();
      await createIntents(api, key, 300, 'faulty');
      const settled = await waitUntil(
        () => api.prisma.checkoutIntent.groupBy({ by: ['state'], where: { clientId }, _count: true }),
        (groups) =>
          groups.every((group) => ['AWAITING_PAYMENT', 'REJECTED', 'SUBMIT_FAILED'].includes(group.state)),
        { timeoutMs: 90_000, intervalMs: 200, what: 'every intent to settle' },
      );
      expect(settled.map((group) => group.state)).toEqual(['AWAITING_PAYMENT']);
      const intents = await api.prisma.checkoutIntent.findMany({ where: { clientId } });
      const ledger = await ledgerByTradeNo(sandbox);
      // Every intent has exactly one order at the gateway, and it is the one we recorded.
      expect(ledger.size).toBe(300);
      for (const intent of intents)
        expect(ledger.get(intent.tradeNo)?.platFormTradeNo).toBe(intent.platformTradeNo);
      // Faults really happened, and were survived.
      const outcomes = await api.prisma.submissionAttempt.groupBy({
        by: ['outcome'],
        where: { intent: { clientId } },
        _count: true,
      });
      const seen = new Set(outcomes.map((group) => group.outcome));
      expect(seen.has('retryable') && seen.has('unknown')).toBe(true);
    } finally {
      await pipeline.stop();
    }
  });
});
