// Several replicas of the worker (invariant 5): two worker processes, each with its own outbox
// relay and its own queue worker, run from `apps/worker/src/main.ts` as real child processes
// against one database, one Redis prefix and the sandbox. The outbox relays share the rows
// through SKIP LOCKED, the jobs are deduplicated by id, and the submit job moves an intent with a
// guarded update: the sandbox ledger must show exactly one order per intent.
import {
  describe,
  expect,
  startAppProcess,
  test,
  waitUntil,
  type AppProcess,
  type BullmqKit,
} from '@vexora-checkout/testing';
import { startTestApi, validCheckout, type TestApi } from '../../api/test/start-test-api.js';
import { startTestSandbox, type TestSandbox } from '../../sandbox/test/support/start-test-sandbox.js';

const INTENTS = 2_000;
const WORKER_ENTRY = 'apps/worker/src/main.ts';

function workerEnv(
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

async function startWorker(env: Record<string, string>): Promise<AppProcess> {
  const worker = startAppProcess(WORKER_ENTRY, env);
  try {
    await worker.waitForLog((line) => line.msg === 'worker started; health probe listening', 30_000);
  } catch (error) {
    await worker.stop('SIGKILL');
    throw error;
  }
  return worker;
}

async function createIntents(api: TestApi, key: string, count: number, prefix: string): Promise<void> {
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

const countInState = (api: TestApi, clientId: string, state: 'AWAITING_PAYMENT' | 'SUBMITTING') =>
  api.prisma.checkoutIntent.count({ where: { clientId, state } });

/**
 * The checks of "none lost, none submitted twice": every intent AWAITING_PAYMENT; the ledger has
 * exactly one order per intent, under the intent's tradeNo, with the platform number the intent
 * recorded; no order of a tradeNo not ours; at most one accepted checkout per intent; and no
 * checkout refused, since the only refusal the sandbox makes of a valid request is a duplicate
 * tradeNo.
 */
async function expectEachIntentSubmittedOnce(api: TestApi, sandbox: TestSandbox, clientId: string) {
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

/** `publishedTotal` of the "outbox relay stopped" line a worker logs when it stops cleanly. */
function publishedBy(worker: AppProcess): number {
  for (const raw of worker.output) {
    if (!raw.includes('outbox relay stopped')) continue;
    const line = JSON.parse(raw) as { publishedTotal?: unknown };
    if (typeof line.publishedTotal === 'number') return line.publishedTotal;
  }
  throw new Error(`no "outbox relay stopped" line; output:\n${worker.output.join('\n')}`);
}

describe('two worker processes at once', () => {
  test(
    '2,000 intents, two relays and two queue workers: every intent gets one order, none twice',
    { timeout: 90_000 },
    async ({ databaseUrl, redisUrl, bullmq }) => {
      const sandbox = await startTestSandbox({
        SANDBOX_SCENARIO: JSON.stringify({ latencyMs: { minMs: 20, maxMs: 50 } }),
      });
      const api = await startTestApi(databaseUrl);
      const workers: AppProcess[] = [];
      try {
        const env = workerEnv(databaseUrl, redisUrl, bullmq, sandbox);
        // Both are up before the first intent exists, so both relays race for every batch.
        const started = await Promise.allSettled([startWorker(env), startWorker(env)]);
        for (const result of started) if (result.status === 'fulfilled') workers.push(result.value);
        for (const result of started) if (result.status === 'rejected') throw result.reason;
        const { key, clientId } = await api.newClient();
        await createIntents(api, key, INTENTS, 'replicas');
        await waitUntil(
          () => countInState(api, clientId, 'AWAITING_PAYMENT'),
          (count) => count === INTENTS,
          { timeoutMs: 60_000, intervalMs: 100, what: `all ${INTENTS} intents awaiting payment` },
        );
        const codes = await Promise.all(workers.map((worker) => worker.stop('SIGTERM')));
        expect(codes).toEqual([0, 0]);

        await expectEachIntentSubmittedOnce(api, sandbox, clientId);
        // Each outbox row was published by exactly one of the relays (SKIP LOCKED), never by both.
        const published = workers.map(publishedBy);
        expect(published.reduce((sum, count) => sum + count, 0)).toBe(INTENTS);
        // No intent needed a takeover or a query: nothing stalled, nothing was doubted.
        expect(
          await api.prisma.submissionAttempt.count({ where: { intent: { clientId }, kind: 'query' } }),
        ).toBe(0);
      } finally {
        for (const worker of workers) await worker.stop('SIGKILL');
        await api.close();
        await sandbox.stop();
      }
    },
  );
});
