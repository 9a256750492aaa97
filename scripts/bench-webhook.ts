// npm run bench:webhook: how many Vexora notifications the receiver (apps/webhook) stores and
// acknowledges per second on this machine, and how fast it answers.
//
// Runs the real receiver from source as a child process against a throwaway, migrated database
// on the development PostgreSQL server and the development Redis (`npm run services:up` first),
// with a BullMQ prefix of its own. Then
//   A. signed notifications at fixed arrival rates, paced open-loop (node:http, keep-alive);
//   B. the same closed-loop (autocannon), to find the saturation throughput;
//   C. the target rate with one connection per notification, as the simulator sends them.
// After each scenario it counts the rows stored, so "ok" means stored and acknowledged. It prints
// figures and compares them with the targets; it exits non-zero only when it cannot run.
// See docs/benchmarks.md ("Webhook").
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { signFields } from '@vexora-checkout/signing';
import { withDatabase } from '@vexora-checkout/testing/services';
import { Redis } from 'ioredis';
import pg from 'pg';
import { findFreePort } from '../packages/dev-services/src/index.js';
import { startAppProcess } from './bench-app-process.js';
import { runAutocannon } from './bench-autocannon.js';
import { cleanUpOnSignals, cleanups, runThenCleanUp } from './bench-cleanups.js';
import { CpuMeter, type CpuSnapshot } from './bench-cpu.js';
import { createBenchDatabase, pgSql, showSetting } from './bench-database.js';
import { runPacedLoad } from './bench-paced-load.js';
import { post } from './bench-post.js';
import { deleteRedisPrefix, redisServerPid } from './bench-redis.js';
import { writeBenchResult } from './bench-report.js';
import { numberList, positive } from './bench-settings.js';
import { int, loadAverage, say, table, type Latency } from './bench-support.js';
import { devConfig } from './dev-config.js';

// ---------------------------------------------------------------------------------------------
// Settings (all optional)

const settings = {
  rates: numberList(process.env.BENCH_RATES, [1_000, 2_000, 3_000]),
  rateSeconds: positive(process.env.BENCH_RATE_SECONDS, 15),
  saturationSeconds: positive(process.env.BENCH_SATURATION_SECONDS, 8),
  saturationConnections: positive(process.env.BENCH_SATURATION_CONNECTIONS, 32),
  /** Which of A (paced), B (closed loop), C (paced, no keep-alive) to run. */
  scenarios: (process.env.BENCH_SCENARIOS ?? 'A,B,C').split(',').map((part) => part.trim().toUpperCase()),
  /** Before each scenario, wait up to this long for other processes to leave the CPU alone. */
  quietSeconds: Number(process.env.BENCH_QUIET_SECONDS ?? 0) || 0,
  logLevel: process.env.BENCH_WEBHOOK_LOG_LEVEL ?? 'warn',
  poolSize: process.env.WEBHOOK_DATABASE_POOL_SIZE,
  insertConcurrency: process.env.WEBHOOK_INSERT_CONCURRENCY,
  /** Extra node flags for the receiver, space-separated (e.g. --max-semi-space-size=32). */
  nodeFlags: (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  /** When set, the receiver runs with --cpu-prof and writes its profile here at exit. */
  cpuProfileDir: process.env.BENCH_CPU_PROF_DIR,
};

const TARGETS = { rate: 2_000, p99Ms: 50 };
const REQUEST_TIMEOUT_MS = 10_000;
/** The paced generator's cap on requests waiting for an answer; beyond it, due requests are shed. */
const MAX_IN_FLIGHT = 1_000;
const NOTIFY_PATH = '/vexora/notify';
const SECRET = DEFAULT_SANDBOX_ACCOUNTS[0]?.appSecret ?? 'sandbox-app-secret';

const abortController = new AbortController();
const aborted = abortController.signal;
const runId = randomBytes(4).toString('hex');

// ---------------------------------------------------------------------------------------------
// Notification bodies: signed like the simulator's, one tradeNo each (prepared before the clock).

function notificationBody(label: string, n: number): string {
  const cents = (n % 50_000) + 1;
  return JSON.stringify(
    signFields(
      {
        platFormTradeNo: `P${runId}${label}${n}`,
        tradeNo: `B${runId}-${label}-${n}`,
        amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
        status: n % 10 === 0 ? '0001' : '0000',
        message: 'success',
        remark: `order-${n}`,
        timestamp: String(Date.now()),
      },
      SECRET,
    ),
  );
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc): the receiver, PostgreSQL, Redis, this script, everything else.

/** Percent of one core each: 200 % is both cores of a 2-core machine. */
interface CpuShare {
  webhook: number;
  postgres: number;
  redis: number;
  bench: number;
  machine: number;
}

/** The meter's shares under this report's names; n/a when the receiver's CPU could not be read. */
async function cpuSince(meter: CpuMeter, start: CpuSnapshot): Promise<CpuShare | undefined> {
  const shares = await meter.since(start);
  const webhook = shares?.processes.get('webhook');
  if (!shares || webhook === undefined) return undefined;
  return {
    webhook,
    postgres: shares.postgres,
    redis: shares.processes.get('redis') ?? Number.NaN,
    bench: shares.bench,
    machine: shares.machine,
  };
}

function others(cpu: CpuShare): number {
  return Math.max(0, cpu.machine - cpu.webhook - cpu.postgres - (cpu.redis || 0) - cpu.bench);
}

/** Who used the CPU, and the receiver's and PostgreSQL's CPU time per notification. */
function cpuText(cpu: CpuShare | undefined, perSecond: number): string {
  if (!cpu) return 'n/a (needs Linux /proc)';
  const per = (share: number) => (perSecond > 0 ? `${((share * 10_000) / perSecond).toFixed(0)} µs` : 'n/a');
  return (
    `webhook ${cpu.webhook.toFixed(0)}% (${per(cpu.webhook)} per notification), ` +
    `postgres ${cpu.postgres.toFixed(0)}% (${per(cpu.postgres)}), ` +
    `redis ${Number.isFinite(cpu.redis) ? `${cpu.redis.toFixed(0)}%` : 'n/a'}, bench ${cpu.bench.toFixed(0)}%, ` +
    `other processes ${others(cpu).toFixed(0)}% (machine busy ${cpu.machine.toFixed(0)}% of ${os.availableParallelism() * 100}%)`
  );
}

// ---------------------------------------------------------------------------------------------
// HTTP: node:http with keep-alive (scenario C: without); one socket per in-flight request.

const NOTIFY_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'user-agent': 'vexora-bench',
};

// ---------------------------------------------------------------------------------------------
// Scenarios

interface Result {
  label: string;
  due: number;
  /** Answered 200 with the body exactly OK. */
  ok: number;
  /** Rows of this scenario found in gateway_notification afterwards. */
  stored: number;
  statuses: Map<string, number>;
  errors: number;
  timeouts: number;
  shed: number;
  perSecond: number;
  latency: Latency;
  fromSchedule: Latency | undefined;
  maxInFlight: number;
  cpu: CpuShare | undefined;
}

async function countStored(pool: pg.Pool, label: string): Promise<number> {
  const result = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM gateway_notification WHERE trade_no LIKE $1',
    [`B${runId}-${label}-%`],
  );
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Open-loop load at a fixed arrival rate: notification i is sent at start + i/rate whatever the
 * answers do, so a slow receiver meets more concurrent deliveries, as it would from Vexora.
 */
async function runPaced(options: {
  label: string;
  port: number;
  rate: number;
  seconds: number;
  meter: CpuMeter;
  database: pg.Pool;
  /** false: a new connection per notification (Vexora's way is not documented; the simulator's is this). */
  keepAlive?: boolean;
}): Promise<Result> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const bodies = Array.from({ length: total }, (_unused, n) => notificationBody(options.label, n));
  const keepAlive = options.keepAlive ?? true;
  const agent = new Agent({ keepAlive, maxSockets: Infinity, maxFreeSockets: keepAlive ? 1_024 : 0 });
  const cpuStart = await options.meter.start();
  const load = await runPacedLoad({
    rate: options.rate,
    seconds: options.seconds,
    maxInFlight: MAX_IN_FLIGHT,
    signal: aborted,
    send: (n) => post(agent, options.port, NOTIFY_PATH, NOTIFY_HEADERS, bodies[n] ?? '', REQUEST_TIMEOUT_MS),
    outcome: (answer) => String(answer.status),
    accept: (answer) => answer.status === 200 && answer.body === 'OK',
  });
  const cpu = await cpuSince(options.meter, cpuStart);
  agent.destroy();
  return {
    label: `${options.rate}/s${keepAlive ? '' : ', no keep-alive'}`,
    due: load.due,
    ok: load.ok,
    stored: await countStored(options.database, options.label),
    statuses: load.statuses,
    errors: load.errors,
    timeouts: load.timeouts,
    shed: load.shed,
    perSecond: load.perSecond,
    latency: load.service,
    fromSchedule: load.fromSchedule,
    maxInFlight: load.maxInFlight,
    cpu,
  };
}

/** As fast as `connections` keep-alive clients go, each waiting for its answer. */
async function runClosedLoop(options: {
  label: string;
  port: number;
  connections: number;
  seconds: number;
  meter: CpuMeter;
  database: pg.Pool;
}): Promise<Result> {
  let n = 0;
  const cpuStart = await options.meter.start();
  const result = await runAutocannon(
    {
      url: `http://127.0.0.1:${options.port}${NOTIFY_PATH}`,
      connections: options.connections,
      duration: options.seconds,
      timeout: REQUEST_TIMEOUT_MS / 1000,
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      requests: [
        {
          setupRequest: (request) => ({ ...request, body: notificationBody(options.label, n++) }),
        },
      ],
    },
    aborted,
  );
  const cpu = await cpuSince(options.meter, cpuStart);
  return {
    label: `closed loop ×${options.connections}`,
    due: n,
    ok: result['2xx'],
    stored: await countStored(options.database, options.label),
    statuses: new Map(result.non2xx > 0 ? [['non-2xx', result.non2xx]] : []),
    errors: result.errors,
    timeouts: result.timeouts,
    shed: 0,
    perSecond: result['2xx'] / result.duration,
    latency: result.latency,
    fromSchedule: undefined,
    maxInFlight: options.connections,
    cpu,
  };
}

// ---------------------------------------------------------------------------------------------
// Setup and teardown

cleanUpOnSignals('stopping the load and cleaning up', () => abortController.abort());

async function main(): Promise<void> {
  const started = performance.now();
  const admin = new pg.Pool({
    connectionString: withDatabase(devConfig.databaseUrl, 'postgres'),
    max: 2,
    connectionTimeoutMillis: 5_000,
    application_name: 'vexora-bench',
  });
  // An idle connection cut by the server (the final DROP … WITH (FORCE)) must not crash the run.
  admin.on('error', () => undefined);
  cleanups.push({ name: 'close admin connection', run: () => admin.end() });
  try {
    await admin.query('SELECT 1');
  } catch {
    throw new Error(
      `cannot connect to PostgreSQL at ${devConfig.databaseUrl}: run "npm run services:up" first`,
    );
  }
  const redis = new Redis(devConfig.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  cleanups.push({ name: 'close Redis', run: () => Promise.resolve(redis.disconnect()) });
  try {
    await redis.connect();
  } catch {
    throw new Error(`cannot connect to Redis at ${devConfig.redisUrl}: run "npm run services:up" first`);
  }

  const sql = pgSql(admin);
  const database = `vexora_bench_webhook_${runId}`;
  const databaseUrl = await createBenchDatabase(sql, database);
  const reader = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'vexora-bench' });
  reader.on('error', () => undefined);
  cleanups.push({ name: 'close reader', run: () => reader.end() });

  const prefix = `bench-${runId}`;
  cleanups.push({
    name: `delete Redis keys ${prefix}:*`,
    run: async () => void (await deleteRedisPrefix(redis, prefix)),
  });

  const pgFacts = [];
  for (const name of ['server_version', 'fsync', 'synchronous_commit', 'shared_buffers'])
    pgFacts.push(`${name}=${await showSetting(sql, name)}`);
  const loadBefore = loadAverage();

  say(
    `starting the webhook (LOG_LEVEL=${settings.logLevel}, pool ${settings.poolSize ?? 'default (4)'}, ` +
      `INSERTs in flight ${settings.insertConcurrency ?? 'default (2)'})`,
  );
  const webhookPort = await findFreePort();
  const webhookEnv: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: devConfig.redisUrl,
    BULLMQ_PREFIX: prefix,
    WEBHOOK_HOST: '127.0.0.1',
    WEBHOOK_PORT: String(webhookPort),
    LOG_LEVEL: settings.logLevel,
  };
  if (settings.poolSize) webhookEnv.WEBHOOK_DATABASE_POOL_SIZE = settings.poolSize;
  if (settings.insertConcurrency) webhookEnv.WEBHOOK_INSERT_CONCURRENCY = settings.insertConcurrency;
  const webhook = await startAppProcess({
    name: 'webhook',
    entry: 'apps/webhook/src/main.ts',
    env: webhookEnv,
    port: webhookPort,
    healthPath: '/health',
    nodeFlags: settings.nodeFlags,
    cpuProfileDir: settings.cpuProfileDir,
  });
  const meter = new CpuMeter({
    admin: sql,
    database,
    backendTypes: ['walwriter'],
    drainTimeoutMs: 30_000,
    pids: { webhook: webhook.child.pid, redis: await redisServerPid(redis) },
    quietSeconds: settings.quietSeconds,
  });
  const run = (scenario: string) => settings.scenarios.includes(scenario) && !aborted.aborted;

  say('warming up (3 s at 500/s)');
  await runPaced({ label: 'warm', port: webhook.port, rate: 500, seconds: 3, meter, database: reader });

  const results: Result[] = [];
  for (const rate of run('A') ? settings.rates : []) {
    if (aborted.aborted) break;
    say(`A: notifications at ${rate}/s for ${settings.rateSeconds} s`);
    results.push(
      await runPaced({
        label: `r${rate}`,
        port: webhook.port,
        rate,
        seconds: settings.rateSeconds,
        meter,
        database: reader,
      }),
    );
  }
  if (run('B')) {
    say(`B: closed loop, ${settings.saturationConnections} connections, ${settings.saturationSeconds} s`);
    results.push(
      await runClosedLoop({
        label: 'closed',
        port: webhook.port,
        connections: settings.saturationConnections,
        seconds: settings.saturationSeconds,
        meter,
        database: reader,
      }),
    );
  }
  if (run('C')) {
    say(`C: ${TARGETS.rate}/s, one connection per notification, ${settings.rateSeconds} s`);
    results.push(
      await runPaced({
        label: 'fresh',
        port: webhook.port,
        rate: TARGETS.rate,
        seconds: settings.rateSeconds,
        meter,
        database: reader,
        keepAlive: false,
      }),
    );
  }
  const jobs = await redis.llen(`${prefix}:notification-reconcile:wait`).catch(() => Number.NaN);

  console.log(`\nMachine (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
  console.log(
    `  node ${process.version}, ${os.availableParallelism()} × ${os.cpus()[0]?.model.trim() ?? '?'}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, load average before ${loadBefore}`,
  );
  console.log(`  PostgreSQL: ${pgFacts.join(', ')}`);
  console.log(
    `  webhook: LOG_LEVEL=${settings.logLevel}, WEBHOOK_DATABASE_POOL_SIZE=${settings.poolSize ?? '4 (default)'}, ` +
      `WEBHOOK_INSERT_CONCURRENCY=${settings.insertConcurrency ?? '2 (default)'}`,
  );
  console.log('\nLatency in ms from the request written to the last byte of the answer');
  console.log(
    table(
      [
        'scenario',
        'sent',
        'OK',
        'stored',
        'OK/s',
        'p50',
        'p90',
        'p99',
        'max',
        'p99 from due',
        'other',
        'errors',
        'timeouts',
        'shed',
        'max in flight',
      ],
      results.map((r) => [
        r.label,
        int(r.due),
        int(r.ok),
        int(r.stored),
        int(r.perSecond),
        ms(r.latency.p50),
        ms(r.latency.p90),
        ms(r.latency.p99),
        ms(r.latency.max),
        r.fromSchedule ? ms(r.fromSchedule.p99) : '',
        [...r.statuses]
          .filter(([status]) => status !== '200')
          .map(([status, n]) => `${status}×${n}`)
          .join(' ') || '0',
        int(r.errors),
        int(r.timeouts),
        int(r.shed),
        int(r.maxInFlight),
      ]),
    ),
  );
  for (const r of results) console.log(`  CPU during ${r.label}: ${cpuText(r.cpu, r.perSecond)}`);
  console.log(`  reconcile jobs waiting in Redis afterwards: ${int(jobs)} (no worker consumes them here)`);

  const atTarget = results.find((r) => r.label === `${TARGETS.rate}/s`);
  const verdict = atTarget
    ? atTarget.latency.p99 <= TARGETS.p99Ms &&
      atTarget.ok === atTarget.due &&
      atTarget.stored === atTarget.due
      ? 'met'
      : 'MISSED'
    : 'not run';
  console.log('\nSummary');
  console.log(
    table(
      ['target', 'measured', 'verdict'],
      [
        [
          `${int(TARGETS.rate)} notifications/s stored and acknowledged, p99 ≤ ${TARGETS.p99Ms} ms`,
          atTarget
            ? `${int(atTarget.ok)}/${int(atTarget.due)} OK, ${int(atTarget.stored)} stored, ${int(atTarget.perSecond)}/s, p99 ${ms(atTarget.latency.p99)} ms`
            : '',
          verdict,
        ],
      ],
    ),
  );
  if (results.some((r) => r.cpu && others(r.cpu) > 25)) {
    console.log(
      '\nNOTE: other processes used more than a quarter of a core during some scenarios (see "CPU during"); ' +
        'those latencies understate what this machine can do. CPU per notification is the steadier figure.',
    );
  }
  if (webhook.problems.length > 0) {
    console.log(`\nThe webhook logged ${webhook.problems.length} warning/error line(s); the last ones:`);
    for (const line of webhook.problems.slice(-5)) console.log(`  ${line.slice(0, 300)}`);
  }
  console.log(
    `\nload average after ${loadAverage()}; run took ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );

  // For npm run bench (docs/benchmarks.md): the same figures as data.
  const closedLoop = results.find((r) => r.label.startsWith('closed loop'));
  writeBenchResult({
    benchmark: 'webhook',
    settings:
      `Paced at ${settings.rates.join(', ')}/s for ${settings.rateSeconds} s each (keep-alive), closed loop with ` +
      `${settings.saturationConnections} connections for ${settings.saturationSeconds} s` +
      (results.some((r) => r.label.includes('no keep-alive'))
        ? `, ${TARGETS.rate}/s with a new connection per notification`
        : '') +
      `; WEBHOOK_DATABASE_POOL_SIZE=${settings.poolSize ?? '4 (default)'}, WEBHOOK_INSERT_CONCURRENCY=` +
      `${settings.insertConcurrency ?? '2 (default)'}. "ok" is answered OK and stored; CPU per unit is the ` +
      'receiver per notification.',
    rows: results.map((r) => ({
      scenario: r.label,
      throughput: r.perSecond,
      unit: 'ok/s',
      latency: r.latency,
      cpu: r.cpu && {
        shares: {
          webhook: r.cpu.webhook,
          postgres: r.cpu.postgres,
          redis: r.cpu.redis,
          bench: r.cpu.bench,
          'other processes': others(r.cpu),
        },
        machine: r.cpu.machine,
        perUnit:
          r.perSecond > 0
            ? { consumer: 'webhook', ms: (r.cpu.webhook * 10) / r.perSecond, per: 'notification' }
            : undefined,
      },
      note:
        r.ok < r.due || r.stored < r.ok
          ? `${int(r.ok)} of ${int(r.due)} OK, ${int(r.stored)} stored`
          : undefined,
    })),
    targets: [
      {
        target: `${int(TARGETS.rate)} notifications/s stored and acknowledged, p99 ≤ ${TARGETS.p99Ms} ms`,
        measured: atTarget
          ? `${int(atTarget.perSecond)}/s, ${int(atTarget.ok)} of ${int(atTarget.due)} OK, ` +
            `${int(atTarget.stored)} stored, p50 ${ms(atTarget.latency.p50)} / p99 ${ms(atTarget.latency.p99)} ms`
          : 'not run',
        met: atTarget ? verdict === 'met' : undefined,
      },
    ],
    figures: {
      notificationsPerSecond: closedLoop?.perSecond ?? Number.NaN,
      atTargetPerSecond: atTarget?.perSecond ?? Number.NaN,
      atTargetP99Ms: atTarget?.latency.p99 ?? Number.NaN,
    },
    notes: [
      ...(results.some((r) => r.cpu && others(r.cpu) > 25)
        ? ['Other processes used more than a quarter of a core during some scenarios.']
        : []),
      ...(webhook.problems.length > 0
        ? [`The webhook logged ${webhook.problems.length} warning/error line(s).`]
        : []),
    ],
  });
}

await runThenCleanUp(main);
