// The worker's /metrics, scraped from a real worker process (its entry point, as in production)
// that submits intents created through the real api to the in-process sandbox.
import { IntentState } from '@vexora-checkout/db';
import { describe, expect, startTcpProxy, test, waitUntil, type AppProcess } from '@vexora-checkout/testing';
import { startTestApi, type TestApi } from '../../api/test/start-test-api.js';
import { startTestSandbox } from '../../sandbox/test/support/start-test-sandbox.js';
import { readMetric, scrapeMetrics, workerPort } from './scrape-worker-metrics.js';
import { countInState, createIntents, startWorker, workerEnv } from './worker-processes.js';

const INTENTS = 24;

/** Intents per state as the database has them, every state listed (0 for none). */
async function intentsByState(api: TestApi): Promise<Record<string, number>> {
  const rows = await api.prisma.checkoutIntent.groupBy({ by: ['state'], _count: true });
  const counts: Record<string, number> = Object.fromEntries(
    Object.values(IntentState).map((state) => [state, 0]),
  );
  for (const row of rows) counts[row.state] = row._count;
  return counts;
}

function intentsInScrape(text: string): Record<string, number | undefined> {
  return Object.fromEntries(
    Object.values(IntentState).map((state) => [state, readMetric(text, 'vexora_worker_intents', { state })]),
  );
}

describe('the worker metrics endpoint', () => {
  test(
    'reports jobs by outcome, gateway latency, queue depth, outbox lag and intents by state after a run',
    { timeout: 90_000 },
    async ({ databaseUrl, redisUrl, bullmq }) => {
      const sandbox = await startTestSandbox();
      const api = await startTestApi(databaseUrl);
      let worker: AppProcess | undefined;
      try {
        const { key, clientId } = await api.newClient();
        await createIntents(api, key, INTENTS, 'metrics');
        worker = await startWorker({
          ...workerEnv(databaseUrl, redisUrl, bullmq, sandbox),
          WORKER_METRICS_INTENTS_TTL_MS: '1000',
        });
        const port = await workerPort(worker);
        await waitUntil(
          () => countInState(api, clientId, 'AWAITING_PAYMENT'),
          (count) => count === INTENTS,
          { timeoutMs: 45_000, intervalMs: 50, what: `all ${INTENTS} intents awaiting payment` },
        );

        // The counter moves on BullMQ's "completed" event, just after the intent's transaction.
        const jobsDone = (text: string) =>
          readMetric(text, 'vexora_worker_jobs_total', {
            queue: 'checkout-submit',
            outcome: 'awaiting_payment',
          });
        const { text } = await waitUntil(
          () => scrapeMetrics(port),
          (scrape) => jobsDone(scrape.text) === INTENTS,
          { timeoutMs: 10_000, intervalMs: 100, what: 'every submit job counted as awaiting_payment' },
        );
        const scrape = await scrapeMetrics(port);
        expect(scrape.status).toBe(200);
        expect(scrape.contentType).toContain('text/plain');

        expect(
          readMetric(text, 'vexora_worker_jobs_total', { queue: 'checkout-submit', outcome: 'retry_later' }),
        ).toBeUndefined();
        expect(
          readMetric(text, 'vexora_worker_jobs_total', { queue: 'checkout-submit', outcome: 'failed' }),
        ).toBeUndefined();
        expect(
          readMetric(text, 'vexora_worker_gateway_call_duration_seconds_count', {
            kind: 'checkout',
            outcome: 'accepted',
          }),
        ).toBe(INTENTS);
        expect(
          readMetric(text, 'vexora_worker_gateway_call_duration_seconds_bucket', {
            kind: 'checkout',
            outcome: 'accepted',
            le: '+Inf',
          }),
        ).toBe(INTENTS);

        // Finished submit jobs are kept (bounded) in Redis; nothing waits.
        for (const [state, expected] of Object.entries({
          completed: INTENTS,
          waiting: 0,
          active: 0,
          failed: 0,
        })) {
          expect(
            readMetric(text, 'vexora_worker_queue_jobs', { queue: 'checkout-submit', state }),
            state,
          ).toBe(expected);
        }
        expect(
          readMetric(text, 'vexora_worker_queue_jobs', { queue: 'sweeps', state: 'waiting' }),
        ).toBeDefined();

        expect(readMetric(text, 'vexora_worker_outbox_unpublished')).toBe(0);
        expect(readMetric(text, 'vexora_worker_outbox_lag_seconds')).toBe(0);
        expect(readMetric(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
        expect(readMetric(text, 'vexora_worker_metrics_errors_total', { source: 'intents' })).toBeUndefined();

        // Counted at most once a second here (WORKER_METRICS_INTENTS_TTL_MS): wait for a count
        // taken after the run, then it must be the database's, state by state.
        const expected = await intentsByState(api);
        expect(expected.AWAITING_PAYMENT).toBe(INTENTS);
        const latest = await waitUntil(
          async () => intentsInScrape((await scrapeMetrics(port)).text),
          (counts) => counts.AWAITING_PAYMENT === INTENTS,
          { timeoutMs: 10_000, intervalMs: 200, what: 'intents by state counted after the run' },
        );
        expect(latest).toEqual(expected);
        const age = readMetric((await scrapeMetrics(port)).text, 'vexora_worker_intents_age_seconds');
        expect(age).toBeGreaterThanOrEqual(0);
        expect(age).toBeLessThan(60);

        expect(await worker.stop('SIGTERM')).toBe(0);
      } finally {
        await worker?.stop('SIGKILL');
        await api.close();
        await sandbox.stop();
      }
    },
  );

  test(
    'still answers with PostgreSQL unreachable: Redis-side series present, database-side ones their last value or absent',
    { timeout: 90_000 },
    async ({ databaseUrl, redisUrl, bullmq }) => {
      const sandbox = await startTestSandbox();
      const api = await startTestApi(databaseUrl);
      const target = new URL(databaseUrl);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const proxiedUrl = new URL(databaseUrl);
      proxiedUrl.hostname = '127.0.0.1';
      proxiedUrl.port = String(proxy.port);
      let worker: AppProcess | undefined;
      try {
        const { key, clientId } = await api.newClient();
        await createIntents(api, key, 6, 'unreachable');
        worker = await startWorker({
          ...workerEnv(proxiedUrl.toString(), redisUrl, bullmq, sandbox),
          WORKER_METRICS_INTENTS_TTL_MS: '1000',
        });
        const port = await workerPort(worker);
        await waitUntil(
          () => countInState(api, clientId, 'AWAITING_PAYMENT'),
          (count) => count === 6,
          { timeoutMs: 45_000, intervalMs: 50, what: 'the intents awaiting payment' },
        );
        const before = await waitUntil(
          async () => intentsInScrape((await scrapeMetrics(port)).text),
          (counts) => counts.AWAITING_PAYMENT !== undefined && counts.AWAITING_PAYMENT >= 6,
          { timeoutMs: 10_000, intervalMs: 200, what: 'intents by state counted after the run' },
        );

        await proxy.cut();
        // Past the intents' and the outbox's refresh interval, a scrape tries the database again
        // and fails: the failure is counted, and the scrape answers all the same.
        const { text } = await waitUntil(
          () => scrapeMetrics(port),
          (scrape) =>
            scrape.status === 200 &&
            (readMetric(scrape.text, 'vexora_worker_metrics_errors_total', { source: 'intents' }) ?? 0) >=
              1 &&
            (readMetric(scrape.text, 'vexora_worker_metrics_errors_total', { source: 'outbox' }) ?? 0) >= 1,
          { timeoutMs: 30_000, intervalMs: 500, what: 'a scrape counting the database failures' },
        );
        expect(
          readMetric(text, 'vexora_worker_queue_jobs', { queue: 'checkout-submit', state: 'completed' }),
        ).toBe(6);
        expect(
          readMetric(text, 'vexora_worker_jobs_total', {
            queue: 'checkout-submit',
            outcome: 'awaiting_payment',
          }),
        ).toBe(6);
        expect(readMetric(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
        // The intents' last count is still served (it is younger than its maximum age).
        expect(intentsInScrape(text)).toEqual(before);
        const lag = readMetric(text, 'vexora_worker_outbox_lag_seconds');
        expect(lag === undefined || lag === 0).toBe(true);

        await proxy.restore();
        expect(await worker.stop('SIGTERM')).toBe(0);
      } finally {
        await worker?.stop('SIGKILL');
        await proxy.cut();
        await api.close();
        await sandbox.stop();
      }
    },
  );
});
