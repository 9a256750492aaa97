// Crash safety of the submission pipeline: the worker runs as a real child process (the way it
// runs in production, from `apps/worker/src/main.ts`), is killed with SIGKILL in the middle of a
// 2,000-intent run and started again. Nothing may be lost and nothing submitted twice: the
// sandbox ledger (the gateway's truth) must hold exactly one order per intent, the one the
// intent recorded. Intents are created through the real api, in this process.
import {
  describe,
  expect,
  test,
  waitUntil,
  type AppProcess,
  type BullmqKit,
  type HarnessFixtures,
} from '@vexora-checkout/testing';
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

interface FlushContext {
  databaseUrl: string;
  redisUrl: string;
  bullmq: BullmqKit;
  createRedis: HarnessFixtures['createRedis'];
}
/**
 * Recovery settings. A job cut off by the kill comes back through BullMQ's stalled check once its
 * lock expires; its intent is then still SUBMITTING and is taken over (resolved through the Query
 * API) only once older than the lease. The lock is renewed every lockDuration / 2, so with the
 * lock at 5 s the job comes back at least 2.5 s after the kill, past the 2 s lease: the submit
 * job itself takes the intent over. (Had it come back inside the lease, it would complete as
 * "skipped" and only the sweep would hand the intent back; the second test covers that path.)
 * The lease must exceed twice the gateway deadline (env.ts enforces it).
 */
const RECOVERY_ENV = {
  SUBMITTING_LEASE_MS: '2000',
  WORKER_LOCK_DURATION_MS: '5000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  GATEWAY_TIMEOUT_MS: '900',
  SWEEP_INTERVAL_MS: '1000',
};

/**
 * Creates 2,000 intents, starts the worker process, SIGKILLs it once half of them await payment,
 * starts it again and checks that every intent got exactly one order.
 */
async function killMidRunAndRestart(
  { databaseUrl, redisUrl, bullmq }: { databaseUrl: string; redisUrl: string; bullmq: BullmqKit },
  recoveryEnv: Record<string, string>,
): Promise<void> {
  // 20-50 ms per gateway call: with 50 jobs at once, ~50 intents are SUBMITTING at any moment.
  const sandbox = await startTestSandbox({
    SANDBOX_SCENARIO: JSON.stringify({ latencyMs: { minMs: 20, maxMs: 50 } }),
  });
  const api = await startTestApi(databaseUrl);
  const workers: AppProcess[] = [];
  try {
    const { key, clientId } = await api.newClient();
    await createIntents(api, key, INTENTS, 'crash');
    const env = { ...workerEnv(databaseUrl, redisUrl, bullmq, sandbox), ...recoveryEnv };

    const first = await startWorker(env);
    workers.push(first);
    await waitUntil(
      () => countInState(api, clientId, 'AWAITING_PAYMENT'),
      (count) => count >= INTENTS / 2,
      { timeoutMs: 45_000, intervalMs: 20, what: 'half of the intents awaiting payment' },
    );
    const killed = first.stop('SIGKILL');
    const inFlight = await countInState(api, clientId, 'SUBMITTING');
    await killed;
    expect(first.child.signalCode).toBe('SIGKILL');
    const doneAtKill = await countInState(api, clientId, 'AWAITING_PAYMENT');
    // The kill landed mid-run: work was left, some of it in flight.
    expect(doneAtKill).toBeLessThan(INTENTS);
    expect(inFlight).toBeGreaterThan(0);

    const second = await startWorker(env);
    workers.push(second);
    await waitUntil(
      () => countInState(api, clientId, 'AWAITING_PAYMENT'),
      (count) => count === INTENTS,
      { timeoutMs: 60_000, intervalMs: 100, what: `all ${INTENTS} intents awaiting payment` },
    );
    expect(await second.stop('SIGTERM')).toBe(0);

    await expectEachIntentSubmittedOnce(api, sandbox, clientId);
    // The intents the dead worker left SUBMITTING were taken over after the lease and resolved
    // through the Query API, not sent blindly again.
    const takenOver = await api.prisma.statusHistory.count({
      where: { clientId, reason: 'submit.taking_over_stalled' },
    });
    expect(takenOver).toBeGreaterThan(0);
  } finally {
    for (const worker of workers) await worker.stop('SIGKILL');
    await api.close();
    await sandbox.stop();
  }
}

describe('the worker process killed mid-run', () => {
  test(
    'SIGKILL while 2,000 intents are in flight, then a restart: every intent gets its order, none twice',
    { timeout: 120_000 },
    ({ databaseUrl, redisUrl, bullmq }) =>
      killMidRunAndRestart({ databaseUrl, redisUrl, bullmq }, RECOVERY_ENV),
  );

  // The production ratios scaled down ten times (defaults: lease 60 s, lock 30 s, stalled check
  // 30 s). The stalled job comes back 1.5-9 s after the kill, often inside the 6 s lease: the
  // submit job then waits for the lease to end and takes the intent over; the sweep, which uses
  // the same lease, hands back anything a job let go of.
  test(
    'SIGKILL with the lease longer than the lock (production ratios): the sweep hands back what the stalled jobs skipped',
    { timeout: 120_000 },
    ({ databaseUrl, redisUrl, bullmq }) =>
      killMidRunAndRestart(
        { databaseUrl, redisUrl, bullmq },
        {
          SUBMITTING_LEASE_MS: '6000',
          WORKER_LOCK_DURATION_MS: '3000',
          WORKER_STALLED_INTERVAL_MS: '3000',
          GATEWAY_TIMEOUT_MS: '2000',
          SWEEP_INTERVAL_MS: '1000',
        },
      ),
  );

  // Acceptance point 3: Redis loses everything while intents are pending. Jobs and locks go; the
  // intents are still in PostgreSQL, and the sweep republishes those left without a live job
  // (PENDING after the orphan grace, SUBMITTING after the lease).
  const emptyRedisMidRun = async (
    { databaseUrl, redisUrl, bullmq, createRedis }: FlushContext,
    options: { restartWorker: boolean },
  ) => {
    const sandbox = await startTestSandbox({
      SANDBOX_SCENARIO: JSON.stringify({ latencyMs: { minMs: 20, maxMs: 50 } }),
    });
    const api = await startTestApi(databaseUrl);
    const workers: AppProcess[] = [];
    try {
      const { key, clientId } = await api.newClient();
      await createIntents(api, key, INTENTS, 'flushed');
      const env = {
        ...workerEnv(databaseUrl, redisUrl, bullmq, sandbox),
        ...RECOVERY_ENV,
        SWEEP_INTERVAL_MS: '1000',
        SWEEP_ORPHAN_GRACE_MS: '10000',
        SWEEP_UNKNOWN_AFTER_MS: '10000',
      };
      workers.push(await startWorker(env));
      await waitUntil(
        () => countInState(api, clientId, 'AWAITING_PAYMENT'),
        (count) => count >= INTENTS / 4,
        { timeoutMs: 45_000, intervalMs: 20, what: 'a quarter of the intents awaiting payment' },
      );
      // "Redis restarted empty", scoped to this test: every key of its prefix goes (jobs, locks,
      // the sweep schedule); FLUSHALL would hit the other files sharing this Redis.
      const redis = createRedis();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${bullmq.prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
      await redis.quit();
      expect(await countInState(api, clientId, 'AWAITING_PAYMENT')).toBeLessThan(INTENTS);
      if (options.restartWorker) {
        expect(await workers[0]?.stop('SIGTERM')).toBe(0);
        workers.push(await startWorker(env));
      }

      await waitUntil(
        () => countInState(api, clientId, 'AWAITING_PAYMENT'),
        (count) => count === INTENTS,
        { timeoutMs: 60_000, intervalMs: 200, what: `all ${INTENTS} intents awaiting payment` },
      );
      expect(await workers.at(-1)?.stop('SIGTERM')).toBe(0);
      await expectEachIntentSubmittedOnce(api, sandbox, clientId);
      const republished = await api.prisma.outboxEvent.count({
        where: { intent: { clientId }, generation: 0 },
      });
      expect(republished).toBeGreaterThan(INTENTS); // the sweep added rows for the orphans
    } finally {
      for (const worker of workers) await worker.stop('SIGKILL');
      await api.close();
      await sandbox.stop();
    }
  };

  // The sweep runs from a BullMQ job scheduler, which lives in Redis: emptying Redis deletes it.
  // Every worker upserts it again each sweep interval, so the sweeps come back by themselves.
  test(
    'Redis emptied while 2,000 intents are pending, workers left running: the sweep recovers every one',
    { timeout: 120_000 },
    ({ databaseUrl, redisUrl, bullmq, createRedis }) =>
      emptyRedisMidRun({ databaseUrl, redisUrl, bullmq, createRedis }, { restartWorker: false }),
  );

  test(
    'Redis emptied while 2,000 intents are pending, then the worker restarted: the sweep recovers every one, none twice',
    { timeout: 120_000 },
    ({ databaseUrl, redisUrl, bullmq, createRedis }) =>
      emptyRedisMidRun({ databaseUrl, redisUrl, bullmq, createRedis }, { restartWorker: true }),
  );
});
