// npm run bench:pipeline: end-to-end throughput of the submission pipeline on this machine.
//
// Starts PostgreSQL and Redis the way `npm start` does when they are not running, creates a
// throwaway migrated database and a unique BullMQ prefix, runs the sandbox (fixed latency), the
// api and the worker(s) from source as child processes, then creates intents through the API
// (POST /v1/checkouts/batch) at a steady rate for a fixed duration, open-loop. When every intent
// has settled it reads the database: end-to-end checkouts per second and time-to-link per intent
// (checkout_intent.created_at → the AWAITING_PAYMENT status_history row), split into its stages.
// As a reference it measures bare BullMQ on the same Redis (addBulk + a no-op Worker with the
// workers' concurrency). It cleans up everything it started. See docs/benchmarks.md, "Pipeline".
//
//   npm run bench:pipeline -- --duration 15          # a quick run
//   npm run bench:pipeline -- --rate 1000 --duration 60 --concurrency 200 --workers 1
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createApiKey } from '../apps/api/src/auth/manage-api-keys.js';
import { findFreePort } from '../packages/dev-services/src/index.js';
import { withDatabase } from '@vexora-checkout/testing/services';
import { startAppProcess, type AppProcess } from './bench-app-process.js';
import { checkoutBatchBody } from './bench-batch-body.js';
import { cleanUpOnSignals, cleanups, runThenCleanUp } from './bench-cleanups.js';
import { CpuMeter, type CpuShares } from './bench-cpu.js';
import { createBenchDatabase, prismaSql, showSetting } from './bench-database.js';
import { post } from './bench-post.js';
import { deleteRedisPrefix, ensureDevServices, redisServerPid } from './bench-redis.js';
import { writeBenchResult } from './bench-report.js';
import { int, loadAverage, percentile, say, table } from './bench-support.js';
import { devConfig } from './dev-config.js';

// ---------------------------------------------------------------------------------------------
// Settings

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    rate: { type: 'string', default: '1000' },
    'batch-size': { type: 'string', default: '100' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '200' },
    workers: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '5' },
    'drain-timeout': { type: 'string', default: '600' },
    'noop-jobs': { type: 'string', default: '20000' },
    'gateway-rps': { type: 'string', default: '2000' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (args.help) {
  console.log(`npm run bench:pipeline -- [options]
  --duration S        seconds of steady load (default 60)
  --rate N            intents created per second (default 1000; the target)
  --batch-size N      items per POST /v1/checkouts/batch (default 100)
  --latency MS        sandbox latency per gateway call (default 20)
  --concurrency N     WORKER_CONCURRENCY of each worker process (default 200: a job holds its
                      slot ~50-60 ms, so 1,000/s needs more than the app's default of 50)
  --workers N         worker processes (default 1)
  --warmup S          seconds of load at half the rate before measuring (default 5; 0: none)
  --drain-timeout S   how long to wait for the backlog after the load (default 600)
  --noop-jobs N       jobs of the bare BullMQ reference, run with --concurrency (default 20000; 0: skip)
  --gateway-rps N     VEXORA_REQUESTS_PER_SECOND of the workers: the bench account's Vexora rate
                      budget (default 2000, above the target, so the pacing runs but never waits;
                      0: no pacing at all)
Passed through to the apps when set: API_DATABASE_POOL_SIZE, WORKER_DATABASE_POOL_SIZE,
GATEWAY_CONNECTIONS. DATABASE_URL and REDIS_URL name the servers (default: the dev services).
BENCH_CPU_PROF_DIR=dir runs every app with --cpu-prof (profiles written there at the end).`);
  process.exit(0);
}

function positiveNumber(name: string, raw: string | undefined, allowZero = false): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    console.error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${raw}`);
    process.exit(2);
  }
  return value;
}

const settings = {
  durationS: positiveNumber('duration', args.duration),
  rate: positiveNumber('rate', args.rate),
  batchSize: Math.round(positiveNumber('batch-size', args['batch-size'])),
  latencyMs: positiveNumber('latency', args.latency, true),
  concurrency: Math.round(positiveNumber('concurrency', args.concurrency)),
  workers: Math.round(positiveNumber('workers', args.workers)),
  warmupS: positiveNumber('warmup', args.warmup, true),
  drainTimeoutS: positiveNumber('drain-timeout', args['drain-timeout']),
  noopJobs: Math.round(positiveNumber('noop-jobs', args['noop-jobs'], true)),
  gatewayRps: positiveNumber('gateway-rps', args['gateway-rps'], true),
};
const passThrough: Record<string, string> = {};
for (const name of ['API_DATABASE_POOL_SIZE', 'WORKER_DATABASE_POOL_SIZE', 'GATEWAY_CONNECTIONS']) {
  const value = process.env[name];
  if (value) passThrough[name] = value;
}

/** When set, every app runs with --cpu-prof and writes its profile there when it stops. */
const cpuProfileDir = process.env.BENCH_CPU_PROF_DIR;

const TARGET = { checkoutsPerSecond: 1_000, p99TimeToLinkMs: 1_000 };
const REQUEST_TIMEOUT_MS = 30_000;
/** The paced generator's cap on batches waiting for an answer; beyond it, due batches are shed. */
const MAX_BATCHES_IN_FLIGHT = 64;
const runId = randomBytes(4).toString('hex');
const bullmqPrefix = `bench-${runId}`;

cleanUpOnSignals('cleaning up');

/** An app of the checkout, run from source: see bench-app-process.ts. */
function startApp(
  name: string,
  entry: string,
  env: Record<string, string>,
  port: number,
  healthPath: string,
): Promise<AppProcess> {
  return startAppProcess({ name, entry, env, port, healthPath, cpuProfileDir });
}

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc; "n/a" elsewhere): who used the cores during the measured run.

/** Percent of one core per consumer (200 % is both cores of a 2-core machine), for the table. */
function consumers(shares: CpuShares | undefined): Record<string, number> | undefined {
  if (!shares) return undefined;
  const result: Record<string, number> = Object.fromEntries(shares.processes);
  result.postgres = shares.postgres;
  result['bench (load generator)'] = shares.bench;
  const accounted = Object.values(result).reduce((sum, value) => sum + value, 0);
  result['other processes'] = Math.max(0, shares.machine - accounted);
  result.machine = shares.machine;
  return result;
}

/**
 * Transactions committed in the bench database so far (every app's statements, the bench's own
 * queries included): commits per intent show how well statements are shared.
 */
async function databaseCommits(admin: PrismaClient, database: string): Promise<number> {
  const [row] = await admin.$queryRawUnsafe<{ n: number }[]>(
    `SELECT xact_commit::float8 AS n FROM pg_stat_database WHERE datname = $1`,
    database,
  );
  return row?.n ?? Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// Load: batches of intents at a steady rate, open-loop (a slow api meets more batches in flight,
// not fewer: no coordinated omission).

interface LoadResult {
  due: number;
  created: number;
  notCreated: number;
  failedBatches: number;
  shedBatches: number;
  seconds: number;
  batchLatency: { p50: number; p99: number; max: number };
  maxInFlight: number;
  errors: Map<string, number>;
}

async function runLoad(options: {
  port: number;
  key: string;
  label: string;
  rate: number;
  seconds: number;
}): Promise<LoadResult> {
  const batchSize = settings.batchSize;
  const batches = Math.max(1, Math.round((options.rate * options.seconds) / batchSize));
  const interval = (batchSize / options.rate) * 1000;
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_BATCHES_IN_FLIGHT });
  const headers = { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' };
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const tally = (reason: string, n = 1) => errors.set(reason, (errors.get(reason) ?? 0) + n);
  let created = 0;
  let notCreated = 0;
  let failedBatches = 0;
  let shedBatches = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: Promise<void>[] = [];
  const body = (batch: number) => checkoutBatchBody(`${options.label}-${runId}`, batch, batchSize);
  const start = performance.now();
  for (let batch = 0; batch < batches; batch += 1) {
    const wait = start + batch * interval - performance.now();
    if (wait > 0) await sleep(wait);
    if (inFlight >= MAX_BATCHES_IN_FLIGHT) {
      shedBatches += 1;
      continue;
    }
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const sentAt = performance.now();
    pending.push(
      post(agent, options.port, '/v1/checkouts/batch', headers, body(batch), REQUEST_TIMEOUT_MS).then(
        (answer) => {
          inFlight -= 1;
          latencies.push(performance.now() - sentAt);
          if (answer.status !== 200) {
            failedBatches += 1;
            const why =
              answer.status === 0 ? (answer.timedOut ? 'timeout' : (answer.error ?? '')) : answer.body;
            tally(`batch ${answer.status} ${why.slice(0, 120)}`);
            return;
          }
          const parsed = JSON.parse(answer.body) as { results: { outcome: string; status: number }[] };
          for (const result of parsed.results) {
            if (result.outcome === 'created') created += 1;
            else {
              notCreated += 1;
              tally(`${result.outcome} ${result.status}`);
            }
          }
        },
      ),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    due: batches * batchSize,
    created,
    notCreated,
    failedBatches,
    shedBatches,
    seconds,
    batchLatency: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
    maxInFlight,
    errors,
  };
}

// ---------------------------------------------------------------------------------------------
// Results from the database

const UNSETTLED = `state IN ('PENDING', 'SUBMITTING', 'UNKNOWN')`;

async function waitForSettled(admin: PrismaClient, clientId: string, timeoutS: number): Promise<number> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const [row] = await admin.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM checkout_intent WHERE client_id = $1 AND ${UNSETTLED}`,
      clientId,
    );
    const left = row?.n ?? 0;
    if (left === 0 || Date.now() > deadline) return left;
    await sleep(250);
  }
}

interface Stage {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface PipelineFigures {
  states: Record<string, number>;
  linked: number;
  /** First intent created → last link, in seconds. */
  spanS: number;
  /** Links per second, second by second, over the load window (median and minimum). */
  linksPerSecondMedian: number;
  linksPerSecondMin: number;
  /** Links in each second of the load window, from the first creation. */
  linksPerSecond: number[];
  timeToLink: Stage;
  createdToPublished: Stage;
  publishedToSubmitting: Stage;
  submittingToLinked: Stage;
  attempts: Record<string, number>;
}

async function stage(admin: PrismaClient, sql: string, clientId: string): Promise<Stage> {
  const [row] = await admin.$queryRawUnsafe<Stage[]>(
    `WITH d AS (${sql})
     SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS p50,
            percentile_disc(0.9) WITHIN GROUP (ORDER BY ms)::float8 AS p90,
            percentile_disc(0.99) WITHIN GROUP (ORDER BY ms)::float8 AS p99,
            max(ms)::float8 AS max
     FROM d`,
    clientId,
  );
  return row ?? { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN };
}

const millis = (expression: string) => `extract(epoch FROM (${expression})) * 1000`;

async function readFigures(
  admin: PrismaClient,
  clientId: string,
  loadSeconds: number,
): Promise<PipelineFigures> {
  const stateRows = await admin.$queryRawUnsafe<{ state: string; n: number }[]>(
    `SELECT state::text, count(*)::int AS n FROM checkout_intent WHERE client_id = $1 GROUP BY state`,
    clientId,
  );
  const states = Object.fromEntries(stateRows.map((row) => [row.state, row.n]));
  const linkedSql = `SELECT i.id, i.created_at, h.created_at AS linked_at
     FROM checkout_intent i
     JOIN status_history h ON h.intent_id = i.id AND h.to_state = 'AWAITING_PAYMENT'
     WHERE i.client_id = $1`;
  const [span] = await admin.$queryRawUnsafe<{ linked: number; span_s: number }[]>(
    `WITH l AS (${linkedSql})
     SELECT count(*)::int AS linked,
            coalesce(extract(epoch FROM (max(linked_at) - min(created_at))), 0)::float8 AS span_s
     FROM l`,
    clientId,
  );
  // Fresh statistics first: without them the planner may pick nested loops over tens of
  // thousands of rows, and the figures below take minutes instead of a second.
  await admin.$executeRawUnsafe('ANALYZE checkout_intent, status_history, outbox_event, submission_attempt');
  // Links per wall-clock second, from the first creation, over the load window (one pass).
  const perSecond = await admin.$queryRawUnsafe<{ n: number }[]>(
    `WITH l AS (${linkedSql}), t0 AS (SELECT min(created_at) AS t FROM l),
          b AS (SELECT floor(extract(epoch FROM (l.linked_at - t0.t)))::int AS second, count(*)::int AS n
                FROM l, t0 GROUP BY 1)
     SELECT coalesce(b.n, 0)::int AS n
     FROM generate_series(0, $2::int - 1) AS s(second) LEFT JOIN b ON b.second = s.second
     ORDER BY s.second`,
    clientId,
    Math.max(1, Math.floor(loadSeconds)),
  );
  // The first two seconds fill the pipe: the steady figure leaves them out.
  const steady = perSecond
    .slice(perSecond.length > 4 ? 2 : 0)
    .map((row) => row.n)
    .sort((a, b) => a - b);
  const attemptRows = await admin.$queryRawUnsafe<{ outcome: string; n: number }[]>(
    `SELECT a.kind || ' ' || a.outcome AS outcome, count(*)::int AS n
     FROM submission_attempt a JOIN checkout_intent i ON i.id = a.intent_id
     WHERE i.client_id = $1 GROUP BY 1 ORDER BY 1`,
    clientId,
  );
  return {
    states,
    linked: span?.linked ?? 0,
    spanS: span?.span_s ?? 0,
    linksPerSecondMedian: percentile(steady, 50),
    linksPerSecondMin: steady[0] ?? Number.NaN,
    linksPerSecond: perSecond.map((row) => row.n),
    timeToLink: await stage(
      admin,
      `SELECT ${millis('linked_at - created_at')} AS ms FROM (${linkedSql}) l`,
      clientId,
    ),
    createdToPublished: await stage(
      admin,
      `SELECT ${millis('o.published_at - i.created_at')} AS ms
       FROM checkout_intent i JOIN outbox_event o ON o.intent_id = i.id AND o.generation = 0
       WHERE i.client_id = $1 AND o.published_at IS NOT NULL`,
      clientId,
    ),
    publishedToSubmitting: await stage(
      admin,
      `SELECT ${millis('h.created_at - o.published_at')} AS ms
       FROM checkout_intent i
       JOIN outbox_event o ON o.intent_id = i.id AND o.generation = 0
       JOIN LATERAL (SELECT created_at FROM status_history
                     WHERE intent_id = i.id AND to_state = 'SUBMITTING' ORDER BY id LIMIT 1) h ON true
       WHERE i.client_id = $1 AND o.published_at IS NOT NULL`,
      clientId,
    ),
    submittingToLinked: await stage(
      admin,
      `SELECT ${millis('l.created_at - s.created_at')} AS ms
       FROM checkout_intent i
       JOIN LATERAL (SELECT created_at FROM status_history
                     WHERE intent_id = i.id AND to_state = 'SUBMITTING' ORDER BY id DESC LIMIT 1) s ON true
       JOIN status_history l ON l.intent_id = i.id AND l.to_state = 'AWAITING_PAYMENT'
       WHERE i.client_id = $1`,
      clientId,
    ),
    attempts: Object.fromEntries(attemptRows.map((row) => [row.outcome, row.n])),
  };
}

// ---------------------------------------------------------------------------------------------
// Bare BullMQ on the same Redis: what the queue alone can do on this machine.

async function runNoopReference(redisUrl: string, jobs: number, concurrency: number) {
  const prefix = `${bullmqPrefix}-noop`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue('noop', { connection, prefix });
  let done = 0;
  let allDone: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const worker = new Worker(
    'noop',
    () => {
      done += 1;
      if (done === jobs) allDone();
      return Promise.resolve();
    },
    { connection, prefix, concurrency, autorun: false },
  );
  try {
    await queue.waitUntilReady();
    const chunk = 1_000;
    const addStart = performance.now();
    for (let offset = 0; offset < jobs; offset += chunk) {
      await queue.addBulk(
        Array.from({ length: Math.min(chunk, jobs - offset) }, (_unused, index) => ({
          name: 'noop',
          data: { n: offset + index },
          opts: { jobId: `noop-${offset + index}`, removeOnComplete: true, removeOnFail: true },
        })),
      );
    }
    const addSeconds = (performance.now() - addStart) / 1000;
    const processStart = performance.now();
    void worker.run();
    await Promise.race([
      finished,
      sleep(120_000).then(() => Promise.reject(new Error(`no-op jobs: only ${done} of ${jobs} in 120 s`))),
    ]);
    const processSeconds = (performance.now() - processStart) / 1000;
    return { jobs, addPerSecond: jobs / addSeconds, processPerSecond: jobs / processSeconds };
  } finally {
    await worker.close();
    await queue.close();
    const redis = new Redis(redisUrl);
    try {
      await deleteRedisPrefix(redis, prefix);
    } finally {
      redis.disconnect();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Report helpers

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : 'n/a');

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const started = performance.now();
  const adminUrl = withDatabase(devConfig.databaseUrl, 'postgres');
  const redisUrl = devConfig.redisUrl;
  await ensureDevServices();

  const admin = createPrismaClient({ databaseUrl: adminUrl, poolSize: 2, applicationName: 'vexora-bench' });
  cleanups.push({ name: 'close admin connection', run: () => admin.$disconnect() });
  const sql = prismaSql(admin);
  const database = `vexora_bench_pipeline_${runId}`;
  const databaseUrl = await createBenchDatabase(sql, database);
  const db = createPrismaClient({ databaseUrl, poolSize: 2, applicationName: 'vexora-bench' });
  cleanups.push({ name: 'close bench connection', run: () => db.$disconnect() });

  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  cleanups.push({ name: 'close redis', run: async () => void (await redis.quit()) });
  cleanups.push({
    name: `delete Redis keys ${bullmqPrefix}:*`,
    run: async () =>
      say(`deleted ${await deleteRedisPrefix(redis, bullmqPrefix)} Redis keys of ${bullmqPrefix}`),
  });
  const redisPid = await redisServerPid(redis);

  const keys: Record<'warm' | 'bench', string> = { warm: '', bench: '' };
  for (const clientId of ['warm', 'bench'] as const) {
    keys[clientId] = (
      await createApiKey(db, {
        name: clientId,
        clientId: `bench-${clientId}`,
        accountIds: DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id),
        knownAccountIds: DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id),
      })
    ).key;
  }

  const expectedOrders = settings.rate * (settings.durationS + settings.warmupS);
  const sandboxPort = await findFreePort();
  say(`starting the sandbox (latency ${settings.latencyMs} ms)`);
  const sandbox = await startApp(
    'sandbox',
    'apps/sandbox/src/main.ts',
    {
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_PORT: String(sandboxPort),
      LOG_LEVEL: 'warn',
      SANDBOX_MAX_ORDERS: String(Math.max(200_000, Math.ceil(expectedOrders * 1.5))),
      SANDBOX_SCENARIO: JSON.stringify({
        latencyMs: { minMs: settings.latencyMs, maxMs: settings.latencyMs },
      }),
    },
    sandboxPort,
    '/health',
  );
  const apiPort = await findFreePort();
  say('starting the api');
  const api = await startApp(
    'api',
    'apps/api/src/main.ts',
    {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      LOG_LEVEL: 'warn',
      // The per-key rate limit is a policy, not a capacity: never in the way of the offered load.
      API_RATE_LIMIT_PER_SECOND: '100000',
      API_RATE_LIMIT_BURST: '100000',
      ...passThrough,
    },
    apiPort,
    '/healthz',
  );
  const workers: AppProcess[] = [];
  for (let index = 0; index < settings.workers; index += 1) {
    const port = await findFreePort();
    say(`starting worker ${index + 1} of ${settings.workers} (concurrency ${settings.concurrency})`);
    workers.push(
      await startApp(
        `worker-${index + 1}`,
        'apps/worker/src/main.ts',
        {
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          WORKER_HEALTH_HOST: '127.0.0.1',
          WORKER_HEALTH_PORT: String(port),
          VEXORA_BASE_URL: `http://127.0.0.1:${sandboxPort}`,
          BULLMQ_PREFIX: bullmqPrefix,
          WORKER_CONCURRENCY: String(settings.concurrency),
          VEXORA_REQUESTS_PER_SECOND: String(settings.gatewayRps),
          LOG_LEVEL: 'warn',
          ...passThrough,
        },
        port,
        '/health',
      ),
    );
  }

  const pids: Record<string, number | undefined> = {
    api: api.child.pid,
    sandbox: sandbox.child.pid,
    redis: redisPid,
  };
  for (const worker of workers) pids[worker.name] = worker.child.pid;
  const meter = new CpuMeter({
    admin: sql,
    database,
    backendTypes: ['walwriter', 'checkpointer'],
    pids,
  });

  if (settings.warmupS > 0) {
    say(`warming up: ${settings.rate / 2} intents/s for ${settings.warmupS} s (not reported)`);
    await runLoad({
      port: api.port,
      key: keys.warm,
      label: 'warm',
      rate: settings.rate / 2,
      seconds: settings.warmupS,
    });
    const left = await waitForSettled(db, 'bench-warm', settings.drainTimeoutS);
    if (left > 0) say(`warm-up: ${left} intents still unsettled; measuring anyway`);
  }

  say(
    `load: ${settings.rate} intents/s in batches of ${settings.batchSize} for ${settings.durationS} s ` +
      `(${settings.workers} worker process(es), concurrency ${settings.concurrency}, sandbox ${settings.latencyMs} ms)`,
  );
  const loadAt = loadAverage();
  const cpuStart = await meter.snapshot();
  const windowStart = new Date();
  const commitsAtStart = await databaseCommits(admin, database);
  // Every second, what the rest of the machine took: a dip in links per second that coincides
  // with other processes taking a core is noise, not the pipeline.
  const othersPerSecond: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    let previous = cpuStart;
    while (sampling) {
      await sleep(1_000);
      const current = await meter.snapshot();
      othersPerSecond.push(consumers(meter.between(previous, current))?.['other processes'] ?? Number.NaN);
      previous = current;
    }
  })();
  const load = await runLoad({
    port: api.port,
    key: keys.bench,
    label: 'bench',
    rate: settings.rate,
    seconds: settings.durationS,
  });
  sampling = false;
  await sampler;
  const cpu = consumers(await meter.since(cpuStart));
  const cpuSeconds = (performance.now() - cpuStart.at) / 1000;
  // Intents linked while CPU was measured: the denominator of CPU per intent.
  const [linkedRow] = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM status_history
     WHERE to_state = 'AWAITING_PAYMENT' AND created_at >= $1::timestamptz AND created_at < $2::timestamptz`,
    windowStart.toISOString(),
    new Date().toISOString(),
  );
  const linkedDuringCpu = linkedRow?.n ?? 0;
  const commitsDuringCpu = (await databaseCommits(admin, database)) - commitsAtStart;
  const [backlogRow] = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM checkout_intent WHERE client_id = 'bench-bench' AND ${UNSETTLED}`,
  );
  const backlogAtEnd = backlogRow?.n ?? 0;
  say(`load done (${int(load.created)} created); ${int(backlogAtEnd)} not yet linked; draining`);
  const drainStart = performance.now();
  const left = await waitForSettled(db, 'bench-bench', settings.drainTimeoutS);
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const figures = await readFigures(db, 'bench-bench', load.seconds);

  let noop: Awaited<ReturnType<typeof runNoopReference>> | undefined;
  if (settings.noopJobs > 0) {
    say(`bare BullMQ reference: ${int(settings.noopJobs)} no-op jobs, concurrency ${settings.concurrency}`);
    noop = await runNoopReference(redisUrl, settings.noopJobs, settings.concurrency);
  }

  // Report.
  const show = (name: string) => showSetting(sql, name);
  const pgSettings: string[] = [];
  for (const name of ['fsync', 'synchronous_commit', 'shared_buffers', 'max_connections'])
    pgSettings.push(`${name}=${await show(name)}`);
  const cpus = os.cpus();
  const endToEnd = figures.spanS > 0 ? figures.linked / figures.spanS : Number.NaN;

  console.log('\nMachine');
  console.log(
    `  ${new Date().toISOString()}, node ${process.version}, ${os.availableParallelism()} × ` +
      `${cpus[0]?.model.trim() ?? 'unknown'}, load average at start ${loadAt}`,
  );
  console.log(
    `  PostgreSQL ${(await show('server_version')).split(' ')[0] ?? '?'}: ${pgSettings.join(', ')}`,
  );
  console.log(
    `  worker processes ${settings.workers}, WORKER_CONCURRENCY=${settings.concurrency}, sandbox latency ` +
      `${settings.latencyMs} ms, batch size ${settings.batchSize}, ` +
      `VEXORA_REQUESTS_PER_SECOND=${settings.gatewayRps}` +
      (Object.keys(passThrough).length > 0
        ? `, ${Object.entries(passThrough)
            .map(([name, value]) => `${name}=${value}`)
            .join(', ')}`
        : ''),
  );

  console.log('\nIngest (POST /v1/checkouts/batch, open-loop)');
  console.log(
    `  ${int(load.created)} created of ${int(load.due)} due in ${load.seconds.toFixed(1)} s = ` +
      `${int(load.created / load.seconds)}/s; batch latency p50 ${ms(load.batchLatency.p50)} ms, ` +
      `p99 ${ms(load.batchLatency.p99)} ms, max ${ms(load.batchLatency.max)} ms; ` +
      `max ${load.maxInFlight} batches in flight, ${load.shedBatches} shed, ${load.failedBatches} failed`,
  );
  for (const [reason, n] of load.errors) console.log(`  ${n} × ${reason}`);

  console.log('\nPipeline (from the database)');
  console.log(
    `  states: ${JSON.stringify(figures.states)}; gateway calls: ${JSON.stringify(figures.attempts)}`,
  );
  console.log(
    `  end-to-end: ${int(figures.linked)} linked in ${figures.spanS.toFixed(1)} s (first created → last ` +
      `linked) = ${int(endToEnd)} checkouts/s; links per second during the load (after 2 s): median ` +
      `${int(figures.linksPerSecondMedian)}, min ${int(figures.linksPerSecondMin)}`,
  );
  console.log(
    `  backlog when the load stopped: ${int(backlogAtEnd)}; drained in ${drainSeconds.toFixed(1)} s` +
      (left > 0
        ? `; ${int(left)} STILL UNSETTLED after ${settings.drainTimeoutS} s (the percentiles below leave ` +
          'them out: they are lower bounds)'
        : ''),
  );
  console.log(`  links per second: ${figures.linksPerSecond.join(' ')}`);
  console.log(
    `  other processes' CPU per second (% of one core): ${othersPerSecond.map((value) => value.toFixed(0)).join(' ')}`,
  );
  console.log(
    table(
      ['time (ms)', 'p50', 'p90', 'p99', 'max'],
      (
        [
          ['time-to-link (created → AWAITING_PAYMENT)', figures.timeToLink],
          ['  created → published (outbox relay)', figures.createdToPublished],
          ['  published → SUBMITTING (queue wait)', figures.publishedToSubmitting],
          ['  SUBMITTING → linked (gateway + DB)', figures.submittingToLinked],
        ] as const
      ).map(([label, s]) => [label, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max)]),
    ),
  );
  if (cpu) {
    // CPU per intent linked during the measured window: the figure to compare between versions,
    // because unlike latency it hardly moves when other work shares the machine.
    const perIntent = (percent: number) =>
      linkedDuringCpu > 0 ? ((percent / 100) * cpuSeconds * 1000) / linkedDuringCpu : Number.NaN;
    console.log(
      `\nCPU during the load (${cpuSeconds.toFixed(1)} s, ${int(linkedDuringCpu)} intents linked in it, ` +
        `${(linkedDuringCpu > 0 ? commitsDuringCpu / linkedDuringCpu : Number.NaN).toFixed(2)} PostgreSQL ` +
        `commits per intent; ` +
        `${os.availableParallelism() * 100}% is the whole machine)`,
    );
    console.log(
      table(
        ['consumer', '% of one core', 'ms CPU per intent linked'],
        Object.entries(cpu).map(([name, percent]) => [
          name === 'machine' ? 'machine (busy)' : name,
          `${percent.toFixed(0)}%`,
          perIntent(percent).toFixed(2),
        ]),
      ),
    );
  }

  if (noop) {
    console.log('\nBare BullMQ on the same Redis (reference; after the pipeline run, nothing else running)');
    console.log(
      `  ${int(noop.jobs)} jobs: addBulk ${int(noop.addPerSecond)} jobs/s; no-op Worker (concurrency ${settings.concurrency}) ` +
        `${int(noop.processPerSecond)} jobs/s`,
    );
  }

  // "Sustained": everything offered was created and linked at the offered pace. End-to-end spans
  // first creation → last link, so it includes the last intent's time-to-link: 1 % of slack for
  // that, and the backlog when the load stopped must be under one second of load.
  const metRate =
    endToEnd >= TARGET.checkoutsPerSecond * 0.99 &&
    load.created >= load.due * 0.99 &&
    backlogAtEnd <= settings.rate;
  const metP99 = figures.timeToLink.p99 <= TARGET.p99TimeToLinkMs;
  console.log('\nSummary');
  console.log(
    table(
      ['target', 'measured', 'verdict'],
      [
        [
          `≥ ${int(TARGET.checkoutsPerSecond)} checkouts/s sustained for ${settings.durationS} s`,
          `${int(endToEnd)}/s end-to-end (offered ${int(settings.rate)}/s, ingested ${int(load.created / load.seconds)}/s)`,
          metRate ? 'met' : 'MISSED',
        ],
        [
          `p99 time-to-link ≤ ${int(TARGET.p99TimeToLinkMs)} ms`,
          `p50 ${ms(figures.timeToLink.p50)} ms, p99 ${ms(figures.timeToLink.p99)} ms`,
          metP99 ? 'met' : 'MISSED',
        ],
      ],
    ),
  );
  if (settings.durationS < 60)
    console.log(`  (a ${settings.durationS} s run: the target is stated for 60 s)`);
  for (const app of [api, sandbox, ...workers]) {
    if (app.problems.length === 0) continue;
    console.log(`\n${app.name} logged ${app.problems.length} warning/error line(s); the last ones:`);
    for (const line of app.problems.slice(-3)) console.log(`  ${line.slice(0, 300)}`);
  }
  console.log(`\nrun took ${((performance.now() - started) / 1000).toFixed(0)} s`);

  // For npm run bench (docs/benchmarks.md): the same figures as data.
  const cpuPerIntent = (percent: number) =>
    linkedDuringCpu > 0 ? ((percent / 100) * cpuSeconds * 1000) / linkedDuringCpu : Number.NaN;
  const stageRow = (scenario: string, latency: Stage) => ({
    scenario,
    throughput: Number.NaN,
    unit: '',
    latency,
  });
  const othersMean =
    othersPerSecond.length > 0
      ? othersPerSecond.reduce((sum, value) => sum + value, 0) / othersPerSecond.length
      : 0;
  writeBenchResult({
    benchmark: 'pipeline',
    settings:
      `${int(settings.rate)} intents/s offered for ${settings.durationS} s in batches of ${settings.batchSize} ` +
      `(${settings.warmupS} s warm-up at half the rate), ${settings.workers} worker process(es) with ` +
      `WORKER_CONCURRENCY=${settings.concurrency}, VEXORA_REQUESTS_PER_SECOND=${settings.gatewayRps}, sandbox ` +
      `latency ${settings.latencyMs} ms; latency is time-to-link (intent created → AWAITING_PAYMENT), CPU ` +
      'per unit is the whole machine per intent linked.',
    rows: [
      {
        scenario: 'ingest (POST /v1/checkouts/batch; latency per batch)',
        throughput: load.created / load.seconds,
        unit: 'intents/s',
        latency: { ...load.batchLatency, p90: Number.NaN },
      },
      {
        scenario: 'end to end (first created → last linked)',
        throughput: endToEnd,
        unit: 'checkouts/s',
        latency: figures.timeToLink,
        cpu: cpu && {
          shares: Object.fromEntries(Object.entries(cpu).filter(([name]) => name !== 'machine')),
          machine: cpu.machine ?? Number.NaN,
          perUnit: { consumer: 'machine', ms: cpuPerIntent(cpu.machine ?? Number.NaN), per: 'intent linked' },
        },
      },
      stageRow('created → published (outbox relay)', figures.createdToPublished),
      stageRow('published → SUBMITTING (queue wait)', figures.publishedToSubmitting),
      stageRow('SUBMITTING → linked (gateway + database)', figures.submittingToLinked),
      ...(noop
        ? [
            { scenario: 'bare BullMQ addBulk (reference)', throughput: noop.addPerSecond, unit: 'jobs/s' },
            {
              scenario: `bare BullMQ no-op Worker, concurrency ${settings.concurrency} (reference)`,
              throughput: noop.processPerSecond,
              unit: 'jobs/s',
            },
          ]
        : []),
    ],
    targets: [
      {
        target: `≥ ${int(TARGET.checkoutsPerSecond)} checkouts/s sustained for 60 s`,
        measured: `${int(endToEnd)}/s end to end for ${settings.durationS} s (offered ${int(settings.rate)}/s)`,
        met: metRate && settings.durationS >= 60,
      },
      {
        target: `p99 time-to-link ≤ ${int(TARGET.p99TimeToLinkMs)} ms`,
        measured: `p50 ${ms(figures.timeToLink.p50)} / p99 ${ms(figures.timeToLink.p99)} ms`,
        met: metP99,
      },
    ],
    figures: {
      checkoutsPerSecond: endToEnd,
      timeToLinkP99Ms: figures.timeToLink.p99,
      noopJobsPerSecond: noop?.processPerSecond ?? Number.NaN,
      noopAddPerSecond: noop?.addPerSecond ?? Number.NaN,
      concurrency: settings.concurrency,
    },
    notes: [
      `Backlog when the load stopped ${int(backlogAtEnd)}, drained in ${drainSeconds.toFixed(1)} s` +
        (left > 0 ? `; ${int(left)} still unsettled after ${settings.drainTimeoutS} s.` : '.') +
        ` Links per second during the load: median ${int(figures.linksPerSecondMedian)}, ` +
        `worst ${int(figures.linksPerSecondMin)}; ` +
        `${(linkedDuringCpu > 0 ? commitsDuringCpu / linkedDuringCpu : Number.NaN).toFixed(2)} PostgreSQL ` +
        `commits per intent; other processes took ${othersMean.toFixed(0)} % of a core on average.`,
      ...[api, sandbox, ...workers]
        .filter((app) => app.problems.length > 0)
        .map((app) => `${app.name} logged ${app.problems.length} warning/error line(s).`),
    ],
  });
}

await runThenCleanUp(main, { stack: true });
