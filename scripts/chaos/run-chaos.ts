// One chaos run: private PostgreSQL and Redis, the apps as child processes (api, two workers, two
// webhook receivers behind a balancer, the sandbox in fault mode), a client creating intents,
// kill -9s and service restarts at seeded random moments; then the faults stop, the system
// settles, and the database is checked against the client's acknowledgements and the sandbox's
// ledger. See docs/reliability.md, "Chaos".
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { createPrismaClient } from '@vexora-checkout/db';
import { findFreePort } from '@vexora-checkout/dev-services';
import { NOTIFICATION_RECONCILE_QUEUE } from '@vexora-checkout/contracts';
import { Queue } from 'bullmq';
import pg from 'pg';
import { createApiKey } from '../../apps/api/src/auth/manage-api-keys.js';
import { startBalancer } from './balancer.js';
import {
  checkInvariants,
  readLedger,
  type Forgery,
  type InvariantResult,
  type LedgerOrder,
} from './check-invariants.js';
import { ChaosClient, runLoad, type ClientTally } from './client.js';
import { sendForgeries } from './forgeries.js';
import { ManagedProcess } from './processes.js';
import { pick, seededRandom } from './random.js';
import { startChaosServices } from './services.js';

export interface ChaosOptions {
  seed: number;
  /** Seconds of faults and load. */
  faultSeconds: number;
  /** kill -9s of app processes during the fault phase. */
  kills: number;
  /** Intents created per second during the fault phase. */
  rate: number;
  /** How long the system may take to settle once faults stop. */
  settleSeconds: number;
  /** How long PostgreSQL stays stopped in the outage (besides the fast restart). */
  postgresOutageSeconds: number;
  maxExamples: number;
  log: (message: string) => void;
}

export type FaultKind =
  | 'kill api'
  | 'kill worker'
  | 'kill webhook'
  | 'redis restart (data kept)'
  | 'redis restart (data lost)'
  | 'postgres fast restart'
  | 'postgres outage';

export interface ChaosResult {
  seed: number;
  options: Omit<ChaosOptions, 'log'>;
  faults: Record<FaultKind, number>;
  client: {
    acknowledged: number;
    requests: number;
    retries: number;
    gaveUp: number;
    answers: Record<string, number>;
    unexpected: string[];
  };
  intentsByState: Record<string, number>;
  ledger: { orders: number; byStatus: Record<string, number> };
  exceptionsByKind: Record<string, number>;
  /** Seconds from the end of faults until every check held (or the settle limit). */
  settleSeconds: number;
  processErrors: Record<string, number>;
  /** Exits of an app nobody caused (it crashed by itself; the harness restarted it), with the last lines before each. */
  crashes: Record<string, string[]>;
  invariants: InvariantResult[];
  ok: boolean;
}

/** The sandbox in fault mode: every kind of gateway trouble, on checkout and query. */
const FAULTY_SCENARIO = {
  latencyMs: { minMs: 5, maxMs: 40 },
  faults: {
    http500: 0.04,
    code5000: 0.04,
    timeout: 0.03,
    reset: 0.03,
    lostResponse: 0.04,
    // Longer than the worker's GATEWAY_TIMEOUT_MS (2 s): the call ends as an unknown outcome.
    timeoutHoldMs: 3_000,
    timeoutThen: 'answer',
  },
  autoSettle: { afterMs: 1_500, paid: 70, partial: 10, failed: 10, silent: 10 },
  notifications: {
    duplicateRate: 0.1,
    outOfOrderRate: 0.1,
    delayRate: 0.1,
    delayMs: { minMs: 500, maxMs: 5_000 },
  },
};
const CALM_SCENARIO = { ...FAULTY_SCENARIO, faults: {} };

const count = <K extends string>(values: Iterable<K>): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { log } = options;
  const random = seededRandom(options.seed);
  const runId = randomBytes(3).toString('hex');
  const stops: (() => Promise<void>)[] = [];
  const faults: Record<FaultKind, number> = {
    'kill api': 0,
    'kill worker': 0,
    'kill webhook': 0,
    'redis restart (data kept)': 0,
    'redis restart (data lost)': 0,
    'postgres fast restart': 0,
    'postgres outage': 0,
  };
  try {
    const services = await startChaosServices(log);
    stops.push(() => services.stop());
    const pool = new pg.Pool({ connectionString: services.databaseUrl, max: 3 });
    pool.on('error', () => undefined); // a PostgreSQL restart cuts idle connections: expected
    stops.push(() => pool.end());

    const prisma = createPrismaClient({
      databaseUrl: services.databaseUrl,
      poolSize: 1,
      applicationName: 'vexora-chaos',
    });
    const accountIds = DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id);
    const { key } = await createApiKey(prisma, {
      name: 'chaos',
      clientId: 'chaos',
      accountIds,
      knownAccountIds: accountIds,
    });
    await prisma.$disconnect();

    const [sandboxPort, apiPort, webhookPorts, workerPorts] = [
      await findFreePort(),
      await findFreePort(),
      [await findFreePort(), await findFreePort()],
      [await findFreePort(), await findFreePort()],
    ];
    const balancer = await startBalancer(webhookPorts);
    stops.push(() => balancer.close());
    const notifyUrl = `http://127.0.0.1:${balancer.port}/vexora/notify`;
    const bullmqPrefix = `chaos-${runId}`;
    const common = { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, LOG_LEVEL: 'warn' };

    const sandbox = new ManagedProcess({
      name: 'sandbox',
      entry: 'apps/sandbox/src/main.ts',
      port: sandboxPort,
      healthPath: '/health',
      env: {
        LOG_LEVEL: 'warn',
        SANDBOX_HOST: '127.0.0.1',
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_SEED: String(options.seed),
        // Vexora's retry schedule (2 s ... 3 h) twenty times faster: a receiver down for a while
        // is tried again within the run.
        SANDBOX_NOTIFY_TIME_SCALE: '0.05',
        SANDBOX_SCENARIO: JSON.stringify(FAULTY_SCENARIO),
      },
    });
    const api = new ManagedProcess({
      name: 'api',
      entry: 'apps/api/src/main.ts',
      port: apiPort,
      healthPath: '/healthz',
      env: { ...common, API_HOST: '127.0.0.1', API_PORT: String(apiPort) },
    });
    const webhooks = webhookPorts.map(
      (port, index) =>
        new ManagedProcess({
          name: `webhook-${index + 1}`,
          entry: 'apps/webhook/src/main.ts',
          port,
          healthPath: '/health',
          env: {
            ...common,
            BULLMQ_PREFIX: bullmqPrefix,
            WEBHOOK_HOST: '127.0.0.1',
            WEBHOOK_PORT: String(port),
          },
        }),
    );
    const workers = workerPorts.map(
      (port, index) =>
        new ManagedProcess({
          name: `worker-${index + 1}`,
          entry: 'apps/worker/src/main.ts',
          port,
          healthPath: '/health',
          env: {
            ...common,
            BULLMQ_PREFIX: bullmqPrefix,
            WORKER_HEALTH_HOST: '127.0.0.1',
            WORKER_HEALTH_PORT: String(port),
            VEXORA_BASE_URL: `http://127.0.0.1:${sandboxPort}`,
            WEBHOOK_PUBLIC_URL: notifyUrl,
            WORKER_CONCURRENCY: '50',
            VEXORA_REQUESTS_PER_SECOND: '0',
            GATEWAY_TIMEOUT_MS: '2000',
            SUBMITTING_LEASE_MS: '5000',
            SUBMIT_BACKOFF_BASE_MS: '200',
            SUBMIT_BACKOFF_MAX_MS: '3000',
            SUBMIT_MAX_ATTEMPTS: '100',
            WORKER_LOCK_DURATION_MS: '5000',
            WORKER_STALLED_INTERVAL_MS: '5000',
            WORKER_SHUTDOWN_TIMEOUT_MS: '2000',
            WORKER_DATABASE_POOL_SIZE: '10',
            // Sweeps every 2 s with the shortest graces the worker accepts, so the settle phase
            // takes seconds, not hours.
            SWEEP_INTERVAL_MS: '2000',
            SWEEP_ORPHAN_GRACE_MS: '10000',
            SWEEP_UNKNOWN_AFTER_MS: '10000',
            SWEEP_POLL_SCHEDULE_MS: '10000,30000,60000',
            RECONCILE_STRAGGLER_GRACE_MS: '5000',
          },
        }),
    );
    const apps = [sandbox, api, ...webhooks, ...workers];
    // Restarts in progress: the kills' and the supervisor's. Cleanup waits for them, so that
    // no app is started after the others were stopped.
    const restarts = new Set<Promise<void>>();
    let stopping = false;
    const restart = (app: ManagedProcess, afterMs: number) => {
      const started: Promise<void> = sleep(afterMs)
        .then(() => (stopping ? undefined : app.startPersistently()))
        .catch((error: unknown) => log(`restarting ${app.name} failed: ${String(error)}`))
        .finally(() => restarts.delete(started));
      restarts.add(started);
    };
    // The supervisor an orchestrator would be: an app that exits by itself is started again.
    for (const app of [api, ...webhooks, ...workers]) {
      app.onCrash = (crashed) => {
        log(`${crashed.name} exited on its own (${crashed.crashes.at(-1)?.slice(0, 200)}); restarting it`);
        restart(crashed, 500);
      };
    }
    stops.push(async () => {
      stopping = true;
      await Promise.all(restarts);
      await Promise.all(apps.map((app) => app.stop()));
    });
    log('starting sandbox, api, 2 webhook receivers, 2 workers (from source)');
    await sandbox.start();
    await Promise.all([api, ...webhooks, ...workers].map((app) => app.start()));

    // ---- fault phase: load, kills, restarts
    const client = new ChaosClient(`http://127.0.0.1:${apiPort}`, key, `chaos-${runId}`);
    const loadRandom = seededRandom(options.seed + 1);
    const load = runLoad(client, {
      rate: options.rate,
      seconds: options.faultSeconds,
      maxInFlight: 16,
      random: loadRandom,
    });
    const killable: { kind: FaultKind; app: ManagedProcess }[] = [
      { kind: 'kill api', app: api },
      ...workers.map((app) => ({ kind: 'kill worker' as const, app })),
      ...webhooks.map((app) => ({ kind: 'kill webhook' as const, app })),
    ];
    type Event = { at: number; run: () => Promise<void> };
    const events: Event[] = [];
    const span = options.faultSeconds * 1000;
    // The kills, spread evenly with jitter; every kind is killed at least once when kills >= 5.
    for (let index = 0; index < options.kills; index += 1) {
      const at = ((index + 0.2 + random() * 0.6) / options.kills) * span * 0.95;
      const preferred = index < killable.length ? killable[index]! : pick(random, killable);
      const downMs = 200 + Math.floor(random() * 2_000);
      events.push({
        at,
        run: async () => {
          const target = preferred.app.ready ? preferred : killable.find((entry) => entry.app.ready);
          if (!target) return;
          await target.app.kill();
          faults[target.kind] += 1;
          log(`kill -9 ${target.app.name}; restart in ${downMs} ms`);
          restart(target.app, downMs);
        },
      });
    }
    const serviceEvent = (share: number, kind: FaultKind, run: () => Promise<void>): Event => ({
      at: span * share,
      run: async () => {
        log(`${kind}`);
        await run();
        faults[kind] += 1;
      },
    });
    events.push(
      serviceEvent(0.3, 'redis restart (data kept)', () => services.restartRedisKeepingData()),
      serviceEvent(0.55, 'redis restart (data lost)', () => services.restartRedisLosingData()),
      serviceEvent(0.75, 'postgres fast restart', () => services.restartPostgres()),
      serviceEvent(0.4, 'postgres outage', () =>
        services.interruptPostgres(options.postgresOutageSeconds * 1_000),
      ),
    );
    let forgeries: Forgery[] = [];
    events.push({
      at: span * 0.5,
      run: async () => {
        forgeries = await sendForgeries(pool, notifyUrl, runId);
        log(`sent ${forgeries.length} forged notifications`);
      },
    });
    events.sort((a, b) => a.at - b.at);
    const started = Date.now();
    for (const event of events) {
      const wait = started + event.at - Date.now();
      if (wait > 0) await sleep(wait);
      await event.run();
    }
    await load;
    await Promise.all(restarts);
    // Anything still down (a restart that failed) is started again before the settle phase.
    for (const app of apps) if (!app.running) await app.startPersistently();
    log(
      `faults over after ${Math.round((Date.now() - started) / 1000)} s; ${client.tally.acknowledged.size} intents acknowledged`,
    );

    // ---- settle phase: no more faults; the checks are repeated until they hold or time runs out
    await fetch(`http://127.0.0.1:${sandboxPort}/_sandbox/scenario`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CALM_SCENARIO),
    });
    const settleStarted = Date.now();
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    let invariants: InvariantResult[] = [];
    let ledgerOrders: LedgerOrder[] = [];
    const reconcileQueue = new Queue(NOTIFICATION_RECONCILE_QUEUE, {
      connection: { url: services.redisUrl, maxRetriesPerRequest: 3 },
      prefix: bullmqPrefix,
    });
    reconcileQueue.on('error', () => undefined);
    stops.push(() => reconcileQueue.close());
    const describeJob = async (notificationId: string) => {
      const job = await reconcileQueue.getJob(`notification-${notificationId}`);
      if (!job) return 'absent';
      const state = await job.getState();
      return `${state}, ${job.attemptsMade} attempts${job.failedReason ? `, failed: ${job.failedReason}` : ''}`;
    };
    for (;;) {
      ledgerOrders = await readLedger(sandboxUrl);
      invariants = await checkInvariants(pool, {
        acknowledged: client.tally.acknowledged,
        ledger: ledgerOrders,
        forgeries,
        maxExamples: options.maxExamples,
        describeJob,
      });
      const violations = invariants.reduce((sum, result) => sum + result.violations, 0);
      if (violations === 0 || Date.now() - settleStarted > options.settleSeconds * 1000) break;
      await sleep(2_000);
    }
    const settleSeconds = Math.round((Date.now() - settleStarted) / 1000);

    const states = await pool.query<{ state: string; n: number }>(
      'SELECT state::text, count(*)::int AS n FROM checkout_intent GROUP BY state ORDER BY state',
    );
    const kinds = await pool.query<{ kind: string; n: number }>(
      'SELECT kind, count(*)::int AS n FROM reconciliation_exception GROUP BY kind ORDER BY kind',
    );
    return {
      seed: options.seed,
      options: {
        seed: options.seed,
        faultSeconds: options.faultSeconds,
        kills: options.kills,
        rate: options.rate,
        settleSeconds: options.settleSeconds,
        postgresOutageSeconds: options.postgresOutageSeconds,
        maxExamples: options.maxExamples,
      },
      faults,
      client: summariseTally(client.tally),
      intentsByState: Object.fromEntries(states.rows.map((row) => [row.state, row.n])),
      ledger: { orders: ledgerOrders.length, byStatus: count(ledgerOrders.map((order) => order.status)) },
      exceptionsByKind: Object.fromEntries(kinds.rows.map((row) => [row.kind, row.n])),
      settleSeconds,
      processErrors: Object.fromEntries(apps.map((app) => [app.name, app.errorLines])),
      crashes: Object.fromEntries(
        apps.filter((app) => app.crashes.length > 0).map((app) => [app.name, app.crashes]),
      ),
      invariants,
      ok: invariants.every((result) => result.violations === 0) && client.tally.unexpected.length === 0,
    };
  } finally {
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  }
}

function summariseTally(tally: ClientTally): ChaosResult['client'] {
  return {
    acknowledged: tally.acknowledged.size,
    requests: tally.requests,
    retries: tally.retries,
    gaveUp: tally.gaveUp,
    answers: Object.fromEntries(tally.answers),
    unexpected: tally.unexpected.slice(0, 20),
  };
}
