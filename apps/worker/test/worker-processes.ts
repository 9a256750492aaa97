// What the process-level worker tests share: the worker run from its entry point as a real child
// process, intents created through the real api, and the checks of "none lost, none twice"
// against the sandbox ledger.
import { expect, startAppProcess, type AppProcess, type BullmqKit } from '@vexora-checkout/testing';
import { validCheckout, type TestApi } from '../../api/test/start-test-api.js';
import type { TestSandbox } from '../../sandbox/test/support/start-test-sandbox.js';

export const INTENTS = 2_000;
export const WORKER_ENTRY = 'apps/worker/src/main.ts';

export function workerEnv(
  databaseUrl: string,
  redisUrl: string,
  bullmq: BullmqKit,
  sandbox: TestSandbox,
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    WORKER_HEALTH_HOST: '127.0.0.1',
    WORKER_HEALTH_PORT: '0',
    VEXORA_BASE_URL: sandbox.url,
    BULLMQ_PREFIX: bullmq.prefix,
    WORKER_CONCURRENCY: '50',
    VEXORA_REQUESTS_PER_SECOND: '0',
    SUBMIT_BACKOFF_BASE_MS: '50',
    SUBMIT_BACKOFF_MAX_MS: '500',
    SUBMIT_MAX_ATTEMPTS: '30',
    WORKER_DATABASE_POOL_SIZE: '10',
    LOG_LEVEL: 'info',
  };
}

export async function startWorker(env: Record<string, string>): Promise<AppProcess> {
  const worker = startAppProcess(WORKER_ENTRY, env);
  try {
    await worker.waitForLog((line) => line.msg === 'worker started; health probe listening', 30_000);
  } catch (error) {
    await worker.stop('SIGKILL');
    throw error;
  }
  return worker;
}

export async function createIntents(api: TestApi, key: string, count: number, prefix: string): Promise<void> {
  for (let offset = 0; offset < count; offset += 500) {
    const items = Array.from({ length: Math.min(500, count - offset) }, (_, index) => ({
      idempotencyKey: `${prefix}-${offset + index}`,
      checkout: validCheckout({
        currency: (offset + index) % 2 === 0 ? 'USD' : 'KHR',
        amount: (offset + index) % 2 === 0 ? '12.50' : '40000',
      }),
    }));
    const response = await api.request('/v1/checkouts/batch', { key, body: { items } });
    expect(response.status).toBe(200);
    expect(response.body.summary.created).toBe(items.length);
  }
}

export const countInState = (
  api: TestApi,
  clientId: string,
  state: 'AWAITING_PAYMENT' | 'SUBMITTING',
): Promise<number> => api.prisma.checkoutIntent.count({ where: { clientId, state } });

/**
 * The checks of "none lost, none submitted twice": every intent AWAITING_PAYMENT; the ledger has
 * exactly one order per intent, under the intent's tradeNo, with the platform number the intent
 * recorded; no order of a tradeNo not ours; at most one accepted checkout per intent; and no
 * checkout refused, since the only refusal the sandbox makes of a valid request is a duplicate
 * tradeNo.
 */
export async function expectEachIntentSubmittedOnce(api: TestApi, sandbox: TestSandbox, clientId: string) {
  const intents = await api.prisma.checkoutIntent.findMany({
    where: { clientId },
    select: { id: true, state: true, tradeNo: true, platformTradeNo: true },
  });
  expect(intents).toHaveLength(INTENTS);
  expect(intents.filter((intent) => intent.state !== 'AWAITING_PAYMENT')).toEqual([]);

  const ledger = await sandbox.admin('GET', '/ledger?limit=10000');
  const orders = ledger.body.orders as { tradeNo: string; platFormTradeNo: string }[];
  expect(ledger.body.total).toBe(INTENTS);
  const byTradeNo = new Map(orders.map((order) => [order.tradeNo, order]));
  expect(byTradeNo.size).toBe(INTENTS);
  const mismatches = intents.filter(
    (intent) => byTradeNo.get(intent.tradeNo)?.platFormTradeNo !== intent.platformTradeNo,
  );
  expect(mismatches).toEqual([]);

  const acceptedTwice = await api.prisma.submissionAttempt.groupBy({
    by: ['intentId'],
    where: { intent: { clientId }, kind: 'checkout', outcome: 'accepted' },
    _count: true,
    having: { intentId: { _count: { gt: 1 } } },
  });
  expect(acceptedTwice).toEqual([]);
  const refused = await api.prisma.submissionAttempt.findMany({
    where: { intent: { clientId }, kind: 'checkout', outcome: 'rejected' },
    select: { tradeNo: true, message: true },
  });
  expect(refused).toEqual([]);
  expect(await api.prisma.outboxEvent.count({ where: { publishedAt: null } })).toBe(0);
}
