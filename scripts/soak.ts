// npm run soak: steady load for minutes, watching that nothing grows without bound.
//
// Like bench:pipeline it creates a throwaway migrated database, but it runs a Redis server of its
// own (so that Redis memory and key count are the soak's alone), then the sandbox, the api, the
// webhook receiver and the worker from source as child processes. The sandbox settles every order
// by itself shortly after its creation, so its signed notifications flow through the receiver and
// the worker's reconcile job: the whole life of a checkout, not only its submission. Batches of
// intents are created through the api at a steady rate (half of the whole life's measured capacity by default)
// while, every few seconds, the soak samples each process's resident memory, Redis memory and key
// count, table sizes and backlogs. The verdict fits a robust (Theil-Sen) line through the second half
// of the samples (after warm-up): a series passes when its growth over the run is at most 10 % of
// its mean. Table sizes grow with the data by nature: reported and charted, not judged. Writes
// docs/soak.svg. See docs/reliability.md, "Soak".
//
//   npm run soak                       # 10 minutes at 150 intents/s
//   npm run soak -- --minutes 3 --rate 300
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { withDatabase } from '@vexora-checkout/testing/services';
import { Redis } from 'ioredis';
import { createApiKey } from '../apps/api/src/auth/manage-api-keys.js';
import {
  findFreePort,
  findPostgresBinaries,
  findRedisServer,
  pingRedis,
  startLocalPostgres,
} from '../packages/dev-services/src/index.js';
import { startAppProcess, stopAppProcess, type AppProcess } from './bench-app-process.js';
import { checkoutBatchBody } from './bench-batch-body.js';
import { cleanUp, cleanUpOnSignals, cleanups } from './bench-cleanups.js';
import { CpuMeter, type CpuSnapshot } from './bench-cpu.js';
import { createBenchDatabase, prismaSql } from './bench-database.js';
import { post } from './bench-post.js';
import { int, loadAverage, table } from './bench-support.js';
import { devConfig, repoRoot } from './dev-config.js';
import { renderSoakChart, type ChartPanel } from './soak-chart.js';
import {
  BACKLOG_FLOOR_SECONDS,
  backlogFloor as floorAt,
  fitTrend,
  judgeMemory,
  type MemoryTrend,
  type Trend,
} from './soak-trend.js';

const say = (message: string) => console.log(`[soak] ${message}`);

// ---------------------------------------------------------------------------------------------
// Settings

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '150' },
    'sample-seconds': { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '100' },
    latency: { type: 'string', default: '20' },
    'settle-after': { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '200' },
    'reconcile-concurrency': { type: 'string', default: '100' },
    chart: { type: 'string', default: 'docs/soak.svg' },
    postgres: { type: 'string', default: 'own' },
    'cpu-prof-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (args.help) {
  console.log(`npm run soak -- [options]
  --minutes M          minutes of steady load (default 10)
  --rate N             intents created per second (default 150: half of the about 300/s the
                       whole life of a checkout, reconciliation included, costs the 2-vCPU
                       reference machine; see docs/reliability.md, "Soak")
  --sample-seconds S   seconds between samples (default 10)
  --batch-size N       items per POST /v1/checkouts/batch (default 100)
  --latency MS         sandbox latency per gateway call (default 20)
  --settle-after MS    the sandbox settles each order this long after creating it (default 2000)
  --concurrency N      WORKER_CONCURRENCY of the worker (default 200)
  --reconcile-concurrency N
                       RECONCILE_CONCURRENCY of the worker (default 100, the app's default)
  --chart PATH         where the SVG chart is written (default docs/soak.svg)
  --postgres own|dev   own (default): a private PostgreSQL server in a temporary directory, with the
                       development server's durable settings; dev: the server DATABASE_URL names
                       (default: the development one, which must be running)
  --cpu-prof-dir DIR   run the worker with --cpu-prof, writing its profile in DIR when it stops`);
  process.exit(0);
}

function positiveNumber(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} must be a positive number, got ${raw}`);
    process.exit(2);
  }
  return value;
}

const settings = {
  minutes: positiveNumber('minutes', args.minutes),
  rate: positiveNumber('rate', args.rate),
  sampleSeconds: positiveNumber('sample-seconds', args['sample-seconds']),
  batchSize: Math.round(positiveNumber('batch-size', args['batch-size'])),
  latencyMs: Math.round(positiveNumber('latency', args.latency)),
  settleAfterMs: Math.round(positiveNumber('settle-after', args['settle-after'])),
  concurrency: Math.round(positiveNumber('concurrency', args.concurrency)),
  reconcileConcurrency: Math.round(positiveNumber('reconcile-concurrency', args['reconcile-concurrency'])),
  chart: args.chart ?? 'docs/soak.svg',
  postgres: args.postgres,
  cpuProfileDir: args['cpu-prof-dir'],
};
if (settings.postgres !== 'own' && settings.postgres !== 'dev') {
  console.error(`--postgres must be own or dev, got ${settings.postgres}`);
  process.exit(2);
}

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_BATCHES_IN_FLIGHT = 64;
const runId = randomBytes(4).toString('hex');
const bullmqPrefix = `soak-${runId}`;
const TABLES = [
  'checkout_intent',
  'outbox_event',
  'status_history',
  'submission_attempt',
  'gateway_notification',
  'idempotency_key',
] as const;

cleanUpOnSignals('cleaning up');

// ---------------------------------------------------------------------------------------------
// Child processes

/** The apps of the checkout, quiet below warn so that their problems stand out. */
function startApp(
  name: string,
  entry: string,
  env: Record<string, string>,
  port: number,
  healthPath: string,
  cpuProfileDir?: string,
): Promise<AppProcess> {
  return startAppProcess({
    name,
    entry,
    env: { LOG_LEVEL: 'warn', ...env },
    port,
    healthPath,
    cpuProfileDir,
  });
}

/** A Redis of the soak's own, in memory only: its memory and key count are the soak's alone. */
async function startRedis(): Promise<{ app: AppProcess; url: string }> {
  const port = await findFreePort();
  // In memory only (no RDB, no AOF); only the apps' warnings are reported, so its log is not kept.
  const argv = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(findRedisServer({ path: process.env.PATH }), argv, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '' },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const app: AppProcess = { name: 'redis', child, port, problems: [], exited };
  cleanups.push({ name: 'stop redis', run: () => stopAppProcess(app) });
  const deadline = Date.now() + 60_000;
  while (!(await pingRedis(port))) {
    if (child.exitCode !== null) throw new Error(`redis exited (${child.exitCode}) before a PONG`);
    if (Date.now() > deadline) throw new Error('redis: no PONG within 60 s');
    await sleep(100);
  }
  return { app, url: `redis://127.0.0.1:${port}` };
}

/**
 * A PostgreSQL server of the soak's own in a temporary directory, with the durable settings of
 * the development server (fsync on): the soak needs no running services and disturbs none.
 */
async function startPostgres(): Promise<string> {
  const binaries = findPostgresBinaries({ binDir: devConfig.postgresBinDir, path: devConfig.path });
  const dir = mkdtempSync(join(os.tmpdir(), 'vexora-soak-'));
  // As root, the postgres OS user must traverse it to reach its data directory.
  chmodSync(dir, 0o755);
  cleanups.push({
    name: 'remove the PostgreSQL directory',
    run: () => rm(dir, { recursive: true, force: true }),
  });
  const server = await startLocalPostgres({
    dataDir: join(dir, 'postgres'),
    port: await findFreePort(),
    binaries,
  });
  cleanups.push({ name: 'stop postgres', run: () => server.stop() });
  say(`started a private PostgreSQL at 127.0.0.1:${server.port}`);
  return server.adminUrl;
}

// ---------------------------------------------------------------------------------------------
// Load: batches of intents at a steady rate, open-loop (a slow api meets more batches in flight,
// not fewer), for the whole run.

interface LoadTally {
  due: number;
  created: number;
  notCreated: number;
  failedBatches: number;
  shedBatches: number;
  errors: Map<string, number>;
}

async function runLoad(port: number, key: string, seconds: number, tally: LoadTally): Promise<void> {
  const { batchSize } = settings;
  const batches = Math.max(1, Math.round((settings.rate * seconds) / batchSize));
  const interval = (batchSize / settings.rate) * 1000;
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_BATCHES_IN_FLIGHT });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const note = (reason: string) => tally.errors.set(reason, (tally.errors.get(reason) ?? 0) + 1);
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const body = (batch: number) => checkoutBatchBody(`soak-${runId}`, batch, batchSize);
  const start = performance.now();
  for (let batch = 0; batch < batches; batch += 1) {
    const wait = start + batch * interval - performance.now();
    if (wait > 0) await sleep(wait);
    tally.due += batchSize;
    if (inFlight >= MAX_BATCHES_IN_FLIGHT) {
      tally.shedBatches += 1;
      continue;
    }
    inFlight += 1;
    const request: Promise<void> = post(
      agent,
      port,
      '/v1/checkouts/batch',
      headers,
      body(batch),
      REQUEST_TIMEOUT_MS,
    ).then((answer) => {
      inFlight -= 1;
      pending.delete(request);
      if (answer.status !== 200) {
        tally.failedBatches += 1;
        const why = answer.timedOut ? 'timeout' : (answer.error ?? answer.body);
        note(`batch ${answer.status} ${why.slice(0, 120)}`);
        return;
      }
      const parsed = JSON.parse(answer.body) as { results: { outcome: string; status: number }[] };
      for (const result of parsed.results) {
        if (result.outcome === 'created') tally.created += 1;
        else {
          tally.notCreated += 1;
          note(`${result.outcome} ${result.status}`);
        }
      }
    });
    pending.add(request);
  }
  await Promise.all(pending);
  agent.destroy();
}

// ---------------------------------------------------------------------------------------------
// Samples

interface Sample {
  minute: number;
  /** Resident set size of each process, in MiB (NaN when it could not be read). */
  rssMiB: Record<string, number>;
  /** V8 heap in use in each Node app (its /metrics `nodejs_heap_size_used_bytes`), in MiB. */
  heapMiB: Record<string, number>;
  redisUsedMiB: number;
  redisKeys: number;
  /** pg_total_relation_size of each table (indexes and TOAST included), in MiB. */
  tableMiB: Record<string, number>;
  /** Outbox rows not yet published. */
  outboxBacklog: number;
  /** Intents not yet linked to a Vexora order (PENDING, SUBMITTING, UNKNOWN). */
  notLinked: number;
  /** Linked intents waiting for their payment's outcome (the sandbox settles every one). */
  awaitingPayment: number;
  /** Stored notifications the reconcile job has not finished with. */
  notificationsUnprocessed: number;
  /** Stored notifications the reconcile job has finished with (a running total). */
  notificationsProcessed: number;
  /** CPU time used so far by each process and by the soak database's backends. */
  cpu: CpuSnapshot;
}

const MIB = 1_048_576;

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** The V8 heap in use, from an app's Prometheus metrics (prom-client's default ones), in MiB. */
async function heapUsedMiB(port: number): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const bytes = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(await response.text())?.[1];
    return bytes === undefined ? Number.NaN : Number(bytes) / MIB;
  } catch {
    return Number.NaN;
  }
}

async function takeSample(
  db: PrismaClient,
  redis: Redis,
  pids: Record<string, number | undefined>,
  metricsPorts: Record<string, number>,
  cpu: CpuMeter,
  startedAt: number,
): Promise<Sample> {
  const minute = (performance.now() - startedAt) / 60_000;
  const cpuSnapshot = await cpu.snapshot();
  const rss = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)]));
  const heaps = await Promise.all(
    Object.entries(metricsPorts).map(async ([name, port]) => [name, await heapUsedMiB(port)] as const),
  );
  const usedMemory = Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1]);
  const redisKeys = await redis.dbsize();
  const sizes = await db.$queryRawUnsafe<{ name: string; bytes: number }[]>(
    `SELECT name, pg_total_relation_size(name::regclass)::float8 AS bytes FROM unnest($1::text[]) AS name`,
    [...TABLES],
  );
  const [counts] = await db.$queryRawUnsafe<
    { outbox: number; not_linked: number; awaiting: number; notifications: number; processed: number }[]
  >(
    `SELECT (SELECT count(*) FROM outbox_event WHERE published_at IS NULL)::int AS outbox,
            (SELECT count(*) FROM checkout_intent
              WHERE state IN ('PENDING', 'SUBMITTING', 'UNKNOWN'))::int AS not_linked,
            (SELECT count(*) FROM checkout_intent WHERE state = 'AWAITING_PAYMENT')::int AS awaiting,
            (SELECT count(*) FROM gateway_notification WHERE processed_at IS NULL)::int AS notifications,
            (SELECT count(*) FROM gateway_notification WHERE processed_at IS NOT NULL)::int AS processed`,
  );
  return {
    minute,
    rssMiB: rss,
    heapMiB: Object.fromEntries(heaps),
    redisUsedMiB: usedMemory / MIB,
    redisKeys,
    tableMiB: Object.fromEntries(sizes.map((row) => [row.name, row.bytes / MIB])),
    outboxBacklog: counts?.outbox ?? Number.NaN,
    notLinked: counts?.not_linked ?? Number.NaN,
    awaitingPayment: counts?.awaiting ?? Number.NaN,
    notificationsUnprocessed: counts?.notifications ?? Number.NaN,
    notificationsProcessed: counts?.processed ?? Number.NaN,
    cpu: cpuSnapshot,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

/** Runs the soak; resolves to the exit code (1 when a judged series grows). */
async function main(): Promise<number> {
  const adminUrl =
    settings.postgres === 'own' ? await startPostgres() : withDatabase(devConfig.databaseUrl, 'postgres');
  const admin = createPrismaClient({ databaseUrl: adminUrl, poolSize: 2, applicationName: 'vexora-soak' });
  cleanups.push({ name: 'close admin connection', run: () => admin.$disconnect() });
  try {
    await admin.$queryRawUnsafe('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at ${devConfig.databaseUrl.replace(/\/\/[^@]*@/, '//')} ` +
        `(npm run services:up starts it): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const databaseName = `vexora_soak_${runId}`;
  const databaseUrl = await createBenchDatabase(prismaSql(admin), databaseName, adminUrl);
  const db = createPrismaClient({ databaseUrl, poolSize: 2, applicationName: 'vexora-soak' });
  cleanups.push({ name: 'close soak connection', run: () => db.$disconnect() });

  const redisServer = await startRedis();
  say(`started a private Redis at ${redisServer.url}`);
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 3 });
  cleanups.push({ name: 'close redis', run: async () => void (await redis.quit()) });

  const accountIds = DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id);
  const { key } = await createApiKey(db, {
    name: 'soak',
    clientId: 'soak',
    accountIds,
    knownAccountIds: accountIds,
  });

  const seconds = settings.minutes * 60;
  const sandboxPort = await findFreePort();
  say(
    `starting the sandbox (latency ${settings.latencyMs} ms, settles orders after ${settings.settleAfterMs} ms)`,
  );
  const sandbox = await startApp(
    'sandbox',
    'apps/sandbox/src/main.ts',
    {
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_PORT: String(sandboxPort),
      // The sandbox keeps every order: room for the whole run, so that none is refused.
      SANDBOX_MAX_ORDERS: String(Math.ceil(settings.rate * seconds * 1.2) + 10_000),
      SANDBOX_SCENARIO: JSON.stringify({
        latencyMs: settings.latencyMs,
        autoSettle: { afterMs: settings.settleAfterMs, paid: 9, failed: 1 },
      }),
    },
    sandboxPort,
    '/health',
  );
  const webhookPort = await findFreePort();
  say('starting the webhook receiver');
  const webhook = await startApp(
    'webhook',
    'apps/webhook/src/main.ts',
    {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisServer.url,
      BULLMQ_PREFIX: bullmqPrefix,
      WEBHOOK_HOST: '127.0.0.1',
      WEBHOOK_PORT: String(webhookPort),
    },
    webhookPort,
    '/health',
  );
  const apiPort = await findFreePort();
  say('starting the api');
  const api = await startApp(
    'api',
    'apps/api/src/main.ts',
    {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisServer.url,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
    },
    apiPort,
    '/healthz',
  );
  const workerPort = await findFreePort();
  say(
    `starting the worker (concurrency ${settings.concurrency}, reconcile ${settings.reconcileConcurrency})`,
  );
  const worker = await startApp(
    'worker',
    'apps/worker/src/main.ts',
    {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisServer.url,
      BULLMQ_PREFIX: bullmqPrefix,
      WORKER_HEALTH_HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: String(workerPort),
      VEXORA_BASE_URL: `http://127.0.0.1:${sandboxPort}`,
      WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${webhookPort}/vexora/notify`,
      WORKER_CONCURRENCY: String(settings.concurrency),
      RECONCILE_CONCURRENCY: String(settings.reconcileConcurrency),
      // The sandbox account's rate budget: above the offered rate, so pacing never waits.
      VEXORA_REQUESTS_PER_SECOND: String(Math.max(100, settings.rate * 4)),
    },
    workerPort,
    '/health',
    settings.cpuProfileDir === undefined ? undefined : resolve(settings.cpuProfileDir),
  );
  const apps = [api, worker, webhook, sandbox, redisServer.app];
  const pids = Object.fromEntries(apps.map((app) => [app.name, app.child.pid]));
  const nodeApps = [api, worker, webhook];
  const metricsPorts = Object.fromEntries(nodeApps.map((app) => [app.name, app.port]));
  const cpu = new CpuMeter({
    admin: prismaSql(admin),
    database: databaseName,
    backendTypes: ['walwriter'],
    pids,
  });

  say(
    `load: ${settings.rate} intents/s in batches of ${settings.batchSize} for ${settings.minutes} min; ` +
      `a sample every ${settings.sampleSeconds} s`,
  );
  const tally: LoadTally = {
    due: 0,
    created: 0,
    notCreated: 0,
    failedBatches: 0,
    shedBatches: 0,
    errors: new Map(),
  };
  const startedAt = performance.now();
  const loadAtStart = loadAverage();
  let loading = true;
  const load = runLoad(apiPort, key, seconds, tally).finally(() => {
    loading = false;
  });
  const samples: Sample[] = [];
  for (;;) {
    const sample = await takeSample(db, redis, pids, metricsPorts, cpu, startedAt);
    samples.push(sample);
    say(
      `${sample.minute.toFixed(1)} min: ${int(tally.created)} created; RSS ` +
        Object.entries(sample.rssMiB)
          .map(([name, mib]) => `${name} ${int(mib)}`)
          .join(', ') +
        ` MiB; heap ` +
        Object.entries(sample.heapMiB)
          .map(([name, mib]) => `${name} ${int(mib)}`)
          .join(', ') +
        ` MiB; Redis ${sample.redisUsedMiB.toFixed(1)} MiB, ${int(sample.redisKeys)} keys; backlogs: outbox ` +
        `${int(sample.outboxBacklog)}, not linked ${int(sample.notLinked)}, awaiting payment ` +
        `${int(sample.awaitingPayment)}, notifications ${int(sample.notificationsUnprocessed)}`,
    );
    for (const app of apps) {
      if (app.child.exitCode !== null)
        throw new Error(`${app.name} exited (${app.child.exitCode}) during the soak`);
    }
    if (!loading) break;
    const next = startedAt + samples.length * settings.sampleSeconds * 1000;
    await Promise.race([sleep(Math.max(0, next - performance.now())), load]);
    // The load ends between two samples: the last sample is taken when it ends.
  }
  await load;

  // Verdict: the second half of the run, after warm-up, is judged.
  const runMinutes = samples.at(-1)?.minute ?? settings.minutes;
  const judgedFrom = runMinutes / 2;
  const judged = samples.filter((sample) => sample.minute >= judgedFrom);
  // A backlog whose growth stays under a few seconds of load is bounded (see soak-trend.ts).
  const backlogFloor = floorAt(settings.rate);
  // Memory (judgeMemory: a trend and a new high), or a backlog or a size (fitTrend with a floor).
  type Row = {
    label: string;
    unit: string;
    pick: (sample: Sample) => number;
    judge: boolean;
    floor: number;
    memory?: boolean;
  };
  const rows: Row[] = [
    ...apps.map((app) => ({
      label: `RSS ${app.name}`,
      unit: 'MiB',
      pick: (sample: Sample) => sample.rssMiB[app.name] ?? Number.NaN,
      // The sandbox is the test double: it keeps every order in memory by design.
      judge: app.name !== 'sandbox',
      floor: 0,
      memory: true,
    })),
    ...nodeApps.map((app) => ({
      label: `heap ${app.name}`,
      unit: 'MiB',
      pick: (sample: Sample) => sample.heapMiB[app.name] ?? Number.NaN,
      judge: true,
      floor: 0,
      memory: true,
    })),
    {
      label: 'Redis used_memory',
      unit: 'MiB',
      pick: (s) => s.redisUsedMiB,
      judge: true,
      floor: 0,
      memory: true,
    },
    {
      label: 'Redis keys (DBSIZE)',
      unit: 'keys',
      pick: (s) => s.redisKeys,
      judge: true,
      floor: 0,
      memory: true,
    },
    { label: 'outbox backlog', unit: 'rows', pick: (s) => s.outboxBacklog, judge: true, floor: backlogFloor },
    { label: 'not yet linked', unit: 'intents', pick: (s) => s.notLinked, judge: true, floor: backlogFloor },
    {
      label: 'awaiting payment',
      unit: 'intents',
      pick: (s) => s.awaitingPayment,
      judge: true,
      floor: backlogFloor,
    },
    {
      label: 'notifications unprocessed',
      unit: 'rows',
      pick: (s) => s.notificationsUnprocessed,
      judge: true,
      floor: backlogFloor,
    },
    ...TABLES.map((name) => ({
      label: `table ${name}`,
      unit: 'MiB',
      pick: (sample: Sample) => sample.tableMiB[name] ?? Number.NaN,
      judge: false,
      floor: 0,
    })),
  ];
  const trends = new Map<string, Trend>();
  const earlier = samples.filter((sample) => sample.minute < judgedFrom);
  const pointsOf = (row: Row, of: readonly Sample[]) =>
    of.map((sample) => ({ minute: sample.minute, value: row.pick(sample) }));
  for (const row of rows) {
    trends.set(
      row.label,
      row.memory
        ? judgeMemory(pointsOf(row, earlier), pointsOf(row, judged), runMinutes)
        : fitTrend(pointsOf(row, judged), runMinutes, row.floor),
    );
  }
  const number = (value: number, unit: string) =>
    unit === 'MiB' ? value.toFixed(1) : Number.isFinite(value) ? int(value) : 'n/a';
  const failed = rows.filter((row) => row.judge && trends.get(row.label)?.flat !== true);

  const [states] = await db.$queryRawUnsafe<{ states: Record<string, number> | null }[]>(
    `SELECT jsonb_object_agg(state, n) AS states
     FROM (SELECT state::text, count(*)::int AS n FROM checkout_intent GROUP BY state) s`,
  );
  const cpus = os.cpus();
  console.log('\nMachine');
  console.log(
    `  ${new Date().toISOString()}, node ${process.version}, ${os.availableParallelism()} × ` +
      `${cpus[0]?.model.trim() ?? 'unknown'}, load average at start ${loadAtStart}`,
  );
  console.log('\nLoad');
  console.log(
    `  ${int(tally.created)} created of ${int(tally.due)} due in ${runMinutes.toFixed(1)} min ` +
      `(${int(tally.created / (runMinutes * 60))}/s offered ${int(settings.rate)}/s); ` +
      `${tally.failedBatches} failed, ${tally.shedBatches} shed batches`,
  );
  for (const [reason, n] of tally.errors) console.log(`  ${n} × ${reason}`);
  console.log(`  intents by state at the end: ${JSON.stringify(states?.states ?? {})}`);
  console.log(
    `\nSamples every ${settings.sampleSeconds} s: ${samples.length}; judged: the ${judged.length} from ` +
      `${judgedFrom.toFixed(1)} min (growth = Theil-Sen slope × ${runMinutes.toFixed(1)} min; ` +
      `backlogs may grow by ${BACKLOG_FLOOR_SECONDS} s of load; memory grows only to a new high: ` +
      `its last minute above every sample before ${judgedFrom.toFixed(1)} min)`,
  );
  console.log(
    table(
      ['series', 'unit', 'first', 'last', 'judged mean', 'growth', 'allowed', 'new high', 'verdict'],
      rows.map((row) => {
        const trend = trends.get(row.label);
        const memory = trend && 'earlierPeak' in trend ? (trend as MemoryTrend) : undefined;
        return [
          row.label,
          row.unit,
          number(row.pick(samples[0] as Sample), row.unit),
          number(row.pick(samples.at(-1) as Sample), row.unit),
          number(trend?.mean ?? Number.NaN, row.unit),
          number(trend?.growth ?? Number.NaN, row.unit),
          row.judge ? number(trend?.allowed ?? Number.NaN, row.unit) : '',
          memory && row.judge
            ? `${memory.lastLevel > memory.earlierPeak ? 'yes' : 'no'} (${number(memory.lastLevel, row.unit)} vs ${number(memory.earlierPeak, row.unit)})`
            : '',
          row.judge ? (trend?.flat ? 'flat' : 'GROWING') : 'reported',
        ];
      }),
    ),
  );

  // Throughput and CPU through the judged half: what reconciliation sustained, and at what cost.
  const first = judged[0];
  const last = judged.at(-1);
  const shares = first && last && first !== last ? cpu.between(first.cpu, last.cpu) : undefined;
  if (first && last && shares) {
    const seconds = (last.minute - first.minute) * 60;
    const reconciled = last.notificationsProcessed - first.notificationsProcessed;
    const perSecond = reconciled / seconds;
    const cpuMsPerNotification = (share: number | undefined) =>
      share === undefined || reconciled === 0
        ? 'n/a'
        : (((share / 100) * 1000 * seconds) / reconciled).toFixed(2);
    console.log(
      `\nJudged half: ${int(reconciled)} notifications reconciled in ${seconds.toFixed(0)} s ` +
        `(${perSecond.toFixed(1)}/s). CPU, % of one core (ms per reconciled notification): ` +
        [...shares.processes]
          .map(([name, share]) => `${name} ${share.toFixed(0)} (${cpuMsPerNotification(share)})`)
          .join(', ') +
        `, postgres backends ${shares.postgres.toFixed(0)} (${cpuMsPerNotification(shares.postgres)}); ` +
        `machine ${shares.machine.toFixed(0)}.`,
    );
  }

  const series = (labels: readonly string[], rename: (label: string) => string = (label) => label) =>
    rows
      .filter((row) => labels.includes(row.label))
      .map((row) => ({ label: rename(row.label), values: samples.map(row.pick) }));
  const panels: ChartPanel[] = [
    {
      title: 'Resident memory of each process',
      unit: 'MiB',
      series: series(
        apps.map((app) => `RSS ${app.name}`),
        (label) => label.replace('RSS ', ''),
      ),
    },
    {
      title: 'V8 heap in use of each Node app',
      unit: 'MiB',
      series: series(
        nodeApps.map((app) => `heap ${app.name}`),
        (label) => label.replace('heap ', ''),
      ),
    },
    { title: 'Redis used_memory', unit: 'MiB', series: series(['Redis used_memory']) },
    { title: 'Redis keys (DBSIZE)', unit: 'keys', series: series(['Redis keys (DBSIZE)']) },
    {
      title: 'Backlogs',
      unit: 'rows',
      series: series(['outbox backlog', 'not yet linked', 'awaiting payment', 'notifications unprocessed']),
    },
    {
      title: 'Table sizes (with indexes; grow with the data, not judged)',
      unit: 'MiB',
      series: series(
        TABLES.map((name) => `table ${name}`),
        (label) => label.replace('table ', ''),
      ),
    },
  ];
  const chartPath = resolve(repoRoot, settings.chart);
  writeFileSync(
    chartPath,
    renderSoakChart({
      title: `Soak: ${int(settings.rate)} intents/s for ${runMinutes.toFixed(1)} min — ${failed.length === 0 ? 'flat' : 'GROWING'}`,
      subtitle:
        `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.availableParallelism()} vCPUs, ` +
        `WORKER_CONCURRENCY ${settings.concurrency}, RECONCILE_CONCURRENCY ${settings.reconcileConcurrency}, ` +
        `a sample every ${settings.sampleSeconds} s; the dashed line starts the judged half`,
      minutes: samples.map((sample) => sample.minute),
      judgedFrom,
      panels,
    }),
  );
  say(`chart written to ${settings.chart}`);

  for (const app of apps) {
    if (app.problems.length === 0) continue;
    console.log(`\n${app.name} logged ${app.problems.length} warning/error line(s); the last ones:`);
    for (const line of app.problems.slice(-3)) console.log(`  ${line.slice(0, 300)}`);
  }
  console.log(
    failed.length === 0
      ? '\nverdict: flat (every backlog bounded; no memory grew beyond its allowance to a new high)'
      : `\nverdict: GROWING: ${failed.map((row) => row.label).join(', ')}`,
  );
  return failed.length === 0 ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  // Not runThenCleanUp: a growing series must exit 1 too, not only a failed run.
  await cleanUp();
}
process.exit(exitCode);
