// SIGTERM with submit jobs in flight, on a real worker process (its entry point, as in
// production) against the in-process sandbox made slow: a job that fits in the shutdown deadline
// is finished and no new one is taken; one that does not is handed back to the queue at the
// deadline and completed by the next worker, with one order at Vexora.
import { describe, expect, test, waitUntil, type AppProcess } from '@vexora-checkout/testing';
import { startTestApi } from '../../api/test/start-test-api.js';
import { startTestSandbox } from '../../sandbox/test/support/start-test-sandbox.js';
import { countInState, createIntents, startWorker, workerEnv } from './worker-processes.js';

/** The one intent a worker is submitting right now. */
async function waitForSubmitting(api: Awaited<ReturnType<typeof startTestApi>>, clientId: string) {
  const [intent] = await waitUntil(
    () => api.prisma.checkoutIntent.findMany({ where: { clientId, state: 'SUBMITTING' } }),
    (intents) => intents.length === 1,
    { timeoutMs: 30_000, intervalMs: 20, what: 'an intent SUBMITTING' },
  );
  if (!intent) throw new Error('unreachable');
  return intent;
}

async function ledgerOrders(sandbox: Awaited<ReturnType<typeof startTestSandbox>>) {
  const ledger = await sandbox.admin('GET', '/ledger?limit=10000');
  return ledger.body.orders as { tradeNo: string; platFormTradeNo: string }[];
}

describe('the worker process stopped with SIGTERM', () => {
  test(
    'finishes the job in flight within the deadline, takes no new one, and exits 0',
    { timeout: 90_000 },
    async ({ databaseUrl, redisUrl, bullmq }) => {
      // Every gateway call takes 1.5 s; one job at a time, so the others wait in the queue.
      const sandbox = await startTestSandbox({ SANDBOX_SCENARIO: JSON.stringify({ latencyMs: 1_500 }) });
      const api = await startTestApi(databaseUrl);
      const workers: AppProcess[] = [];
      try {
        const { key, clientId } = await api.newClient();
        await createIntents(api, key, 3, 'drain');
        const env = {
          ...workerEnv(databaseUrl, redisUrl, bullmq, sandbox),
          WORKER_CONCURRENCY: '1',
          WORKER_SHUTDOWN_TIMEOUT_MS: '20000',
        };
        const first = await startWorker(env);
        workers.push(first);
        const inFlight = await waitForSubmitting(api, clientId);

        expect(await first.stop('SIGTERM')).toBe(0);
        const finished = await api.prisma.checkoutIntent.findUniqueOrThrow({ where: { id: inFlight.id } });
        expect(finished.state).toBe('AWAITING_PAYMENT');
        expect(finished.paymentLink).not.toBeNull();
        expect(await countInState(api, clientId, 'AWAITING_PAYMENT')).toBe(1);
        expect(await api.prisma.checkoutIntent.count({ where: { clientId, state: 'PENDING' } })).toBe(2);
        expect(first.output.some((line) => line.includes('handed back'))).toBe(false);

        // The two left behind are the next worker's.
        const second = await startWorker(env);
        workers.push(second);
        await waitUntil(
          () => countInState(api, clientId, 'AWAITING_PAYMENT'),
          (count) => count === 3,
          { timeoutMs: 30_000, intervalMs: 50, what: 'the three intents awaiting payment' },
        );
        expect(await second.stop('SIGTERM')).toBe(0);
        expect(await ledgerOrders(sandbox)).toHaveLength(3);
      } finally {
        for (const worker of workers) await worker.stop('SIGKILL');
        await api.close();
        await sandbox.stop();
      }
    },
  );

  test(
    'hands a job longer than the deadline back to the queue at once; the next worker completes it, one order at Vexora',
    { timeout: 90_000 },
    async ({ databaseUrl, redisUrl, bullmq }) => {
      // The sandbox creates the order on arrival and answers 3 s later: the worker leaves before
      // the answer comes, with the order made at Vexora and the intent SUBMITTING.
      const sandbox = await startTestSandbox({ SANDBOX_SCENARIO: JSON.stringify({ latencyMs: 3_000 }) });
      const api = await startTestApi(databaseUrl);
      const workers: AppProcess[] = [];
      const queue = bullmq.createQueue('checkout-submit');
      try {
        const { key, clientId } = await api.newClient();
        await createIntents(api, key, 1, 'handback');
        const env = {
          ...workerEnv(databaseUrl, redisUrl, bullmq, sandbox),
          WORKER_SHUTDOWN_TIMEOUT_MS: '300',
          GATEWAY_TIMEOUT_MS: '5000',
          SUBMITTING_LEASE_MS: '11000',
          // A lock this long, and no stalled check or sweep in the test's time: only the hand-back
          // can return the job to the queue.
          WORKER_LOCK_DURATION_MS: '120000',
          WORKER_STALLED_INTERVAL_MS: '120000',
          SWEEP_INTERVAL_MS: '3600000',
        };
        const first = await startWorker(env);
        workers.push(first);
        const intent = await waitForSubmitting(api, clientId);
        // The checkout call is out: the sandbox holds the order (its answer is 3 s away).
        await waitUntil(
          () => ledgerOrders(sandbox),
          (orders) => orders.length === 1,
          { timeoutMs: 10_000, intervalMs: 20, what: 'the order at the sandbox' },
        );

        expect(await first.stop('SIGTERM')).toBe(0);
        expect(first.output.some((line) => line.includes('shutdown deadline passed; job handed back'))).toBe(
          true,
        );
        // Back in the queue, lock released, the moment the worker is gone.
        expect(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed')).toEqual({
          waiting: 1,
          active: 0,
          delayed: 0,
          failed: 0,
        });
        expect((await api.prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } })).state).toBe(
          'SUBMITTING',
        );

        // The next worker runs it: inside the lease it waits, then takes the intent over and
        // asks the Query API, which finds the order: nothing is sent again.
        const second = await startWorker(env);
        workers.push(second);
        const done = await waitUntil(
          () => api.prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent.id } }),
          (row) => row.state === 'AWAITING_PAYMENT',
          { timeoutMs: 45_000, intervalMs: 100, what: 'the handed-back intent awaiting payment' },
        );
        expect(await second.stop('SIGTERM')).toBe(0);

        const orders = await ledgerOrders(sandbox);
        expect(orders).toEqual([expect.objectContaining({ tradeNo: intent.tradeNo })]);
        expect(done.platformTradeNo).toBe(orders[0]?.platFormTradeNo);
        const attempts = await api.prisma.submissionAttempt.findMany({
          where: { intentId: intent.id },
          orderBy: { id: 'asc' },
          select: { kind: true, outcome: true },
        });
        expect(attempts).toEqual([{ kind: 'query', outcome: 'found' }]);
        const takenOver = await api.prisma.statusHistory.count({
          where: { intentId: intent.id, reason: 'submit.taking_over_stalled' },
        });
        expect(takenOver).toBe(1);
      } finally {
        for (const worker of workers) await worker.stop('SIGKILL');
        await queue.close();
        await api.close();
        await sandbox.stop();
      }
    },
  );
});
