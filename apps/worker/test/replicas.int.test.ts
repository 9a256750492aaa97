// Several replicas of the worker (invariant 5): two worker processes, each with its own outbox
// relay and its own queue worker, run from `apps/worker/src/main.ts` as real child processes
// against one database, one Redis prefix and the sandbox. The outbox relays share the rows
// through SKIP LOCKED, the jobs are deduplicated by id, and the submit job moves an intent with a
// guarded update: the sandbox ledger must show exactly one order per intent.
import { describe, expect, test, waitUntil, type AppProcess } from '@vexora-checkout/testing';
import { startTestApi } from '../../api/test/start-test-api.js';
import { startTestSandbox } from '../../sandbox/test/support/start-test-sandbox.js';
import {
  INTENTS,
  countInState,
  createIntents,
  expectEachIntentSubmittedOnce,
  startWorker,
  workerEnv,
} from './worker-processes.js';

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
