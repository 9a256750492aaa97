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
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { signFields } from '@vexora-checkout/signing';
import { withDatabase } from '@vexora-checkout/testing/services';
import { Redis } from 'ioredis';
import pg from 'pg';
import { findFreePort } from '../packages/dev-services/src/index.js';
import { int, machineTicks, percentile, table } from './bench-support.js';
import { devConfig, repoRoot } from './dev-config.js';
import { runMigrations } from './run-migrations.js';

const require = createRequire(import.meta.url);
const say = (message: string) => console.log(`[bench] ${message}`);

// ---------------------------------------------------------------------------------------------
// Settings (all optional)

const numberList = (value: string | undefined, fallback: number[]) =>
  value
    ? value
        .split(',')
        .map((part) => Number(part.trim()))
        .filter((part) => Number.isFinite(part) && part > 0)
    : fallback;
const positive = (value: string | undefined, fallback: number) => {
  const parsed = Number(value);
  return value !== undefined && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
};

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

// ---------------------------------------------------------------------------------------------
// Latency summaries

interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function summarise(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc): the receiver, PostgreSQL, Redis, this script, everything else.

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ

function processTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return undefined;
  }
}

interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number } | undefined;
  webhook: number | undefined;
  postgres: Map<number, number>;
  redis: number | undefined;
  self: NodeJS.CpuUsage;
}

/** Percent of one core each: 200 % is both cores of a 2-core machine. */
interface CpuShare {
  webhook: number;
  postgres: number;
  redis: number;
  bench: number;
  machine: number;
}

class CpuMeter {
  constructor(
    private readonly admin: pg.Pool,
    private readonly database: string,
    private readonly webhookPid: number,
    private readonly redisPid: number | undefined,
  ) {}

  private async postgresPids(): Promise<number[]> {
    const result = await this.admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 OR backend_type = 'walwriter'`,
      [this.database],
    );
    return result.rows.map((row) => Number(row.pid));
  }

  /** Waits until no backend of the bench database is busy: a scenario must not run into the next. */
  async drain(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3 && Date.now() < deadline) {
      const result = await this.admin.query<{ busy: string }>(
        `SELECT count(*) AS busy FROM pg_stat_activity
          WHERE datname = $1 AND state IN ('active', 'idle in transaction')`,
        [this.database],
      );
      quiet = Number(result.rows[0]?.busy ?? 0) === 0 ? quiet + 1 : 0;
      await sleep(100);
    }
    await this.waitForQuietMachine();
  }

  /**
   * With BENCH_QUIET_SECONDS, waits (at most that long) until the rest of the machine uses less
   * than a quarter of a core, measured over one second while the bench and the receiver idle.
   */
  private async waitForQuietMachine(): Promise<void> {
    if (settings.quietSeconds <= 0) return;
    const started = Date.now();
    for (;;) {
      const before = machineTicks();
      await sleep(1_000);
      const after = machineTicks();
      if (!before || !after) return;
      const busy =
        ((after.busy - before.busy) / (after.total - before.total)) * os.availableParallelism() * 100;
      const waited = (Date.now() - started) / 1000;
      if (busy < 25 || waited >= settings.quietSeconds) {
        if (waited > 1.5)
          say(`waited ${waited.toFixed(0)} s for other processes (now ${busy.toFixed(0)}% busy)`);
        return;
      }
    }
  }

  async snapshot(): Promise<CpuSnapshot> {
    const postgres = new Map<number, number>();
    for (const pid of await this.postgresPids()) {
      const ticks = processTicks(pid);
      if (ticks !== undefined) postgres.set(pid, ticks);
    }
    return {
      at: performance.now(),
      machine: machineTicks(),
      webhook: processTicks(this.webhookPid),
      postgres,
      redis: this.redisPid === undefined ? undefined : processTicks(this.redisPid),
      self: process.cpuUsage(),
    };
  }

  async since(start: CpuSnapshot): Promise<CpuShare | undefined> {
    const end = await this.snapshot();
    if (!start.machine || !end.machine || start.webhook === undefined || end.webhook === undefined)
      return undefined;
    const seconds = (end.at - start.at) / 1000;
    const share = (ticks: number) => (ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100;
    let postgresTicks = 0;
    // A backend that started during the scenario (the pool reconnects after idling) counts from 0.
    for (const [pid, ticks] of end.postgres) postgresTicks += ticks - (start.postgres.get(pid) ?? 0);
    const self = process.cpuUsage(start.self);
    const machineTotal = end.machine.total - start.machine.total;
    return {
      webhook: share(end.webhook - start.webhook),
      postgres: share(postgresTicks),
      redis:
        start.redis !== undefined && end.redis !== undefined ? share(end.redis - start.redis) : Number.NaN,
      bench: ((self.user + self.system) / 1e6 / seconds) * 100,
      machine:
        machineTotal > 0
          ? ((end.machine.busy - start.machine.busy) / machineTotal) * os.availableParallelism() * 100
          : Number.NaN,
    };
  }
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
// HTTP: node:http with keep-alive; one socket per in-flight request.

interface HttpAnswer {
  status: number; // 0: connection error or timeout
  body: string;
  timedOut: boolean;
}

function post(agent: Agent, port: number, body: string): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: HttpAnswer) => {
      if (!settled) {
        settled = true;
        resolve(answer);
      }
    };
    const request = httpRequest(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: NOTIFY_PATH,
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'vexora-bench',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          finish({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            timedOut: false,
          }),
        );
        response.on('error', () => finish({ status: 0, body: '', timedOut: false }));
      },
    );
    request.setTimeout(REQUEST_TIMEOUT_MS, () => {
      finish({ status: 0, body: '', timedOut: true });
      request.destroy();
    });
    request.on('error', () => finish({ status: 0, body: '', timedOut: false }));
    request.end(body);
  });
}

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
  const interval = 1000 / options.rate;
  const service: number[] = [];
  const fromSchedule: number[] = [];
  const statuses = new Map<string, number>();
  let ok = 0;
  let errors = 0;
  let timeouts = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let lastEnd = 0;
  let shed = 0;
  const pending: Promise<void>[] = [];
  await options.meter.drain();
  const cpuStart = await options.meter.snapshot();
  const start = performance.now() + 2;
  let next = 0;
  while (next < total && !aborted.aborted) {
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    while (next < due) {
      const n = next++;
      const scheduled = start + n * interval;
      if (inFlight >= MAX_IN_FLIGHT) {
        shed += 1;
        continue;
      }
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const written = performance.now();
      pending.push(
        post(agent, options.port, bodies[n] ?? '').then((answer) => {
          const end = performance.now();
          inFlight -= 1;
          lastEnd = Math.max(lastEnd, end);
          if (answer.status === 0) {
            if (answer.timedOut) timeouts += 1;
            else errors += 1;
            return;
          }
          statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
          if (answer.status === 200 && answer.body === 'OK') ok += 1;
          service.push(end - written);
          fromSchedule.push(end - scheduled);
        }),
      );
    }
    await sleep(Math.max(0, start + next * interval - performance.now()));
  }
  await Promise.all(pending);
  const cpu = await options.meter.since(cpuStart);
  agent.destroy();
  return {
    label: `${options.rate}/s${keepAlive ? '' : ', no keep-alive'}`,
    due: total,
    ok,
    stored: await countStored(options.database, options.label),
    statuses,
    errors,
    timeouts,
    shed,
    perSecond: ok > 0 ? ok / ((lastEnd - start) / 1000) : 0,
    latency: summarise(service),
    fromSchedule: summarise(fromSchedule),
    maxInFlight,
    cpu,
  };
}

/** The subset of autocannon's API used here (the package ships no types). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { p50: number; p90: number; p99: number; max: number };
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  method: string;
  headers: Record<string, string>;
  body?: string;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult> & { stop(): void };
const autocannon = require('autocannon') as Autocannon;

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
  await options.meter.drain();
  const cpuStart = await options.meter.snapshot();
  const instance = autocannon({
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
  });
  const stop = () => instance.stop();
  aborted.addEventListener('abort', stop, { once: true });
  let result: AutocannonResult;
  try {
    result = await instance; // a thenable EventEmitter
  } finally {
    aborted.removeEventListener('abort', stop);
  }
  const cpu = await options.meter.since(cpuStart);
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

interface WebhookProcess {
  child: ChildProcess;
  port: number;
  /** Lines the receiver logged at warn or above (the accounts notice excepted). */
  problems: string[];
  exited: Promise<number | null>;
}

async function startWebhook(databaseUrl: string, prefix: string): Promise<WebhookProcess> {
  const port = await findFreePort();
  const nodeArgs = [
    ...settings.nodeFlags,
    '--conditions=@vexora-checkout/source',
    '--import',
    require.resolve('tsx'),
  ];
  if (settings.cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDir}`);
  // Only what the receiver needs, plus PATH: the developer's settings must not change the run.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: databaseUrl,
    REDIS_URL: devConfig.redisUrl,
    BULLMQ_PREFIX: prefix,
    WEBHOOK_HOST: '127.0.0.1',
    WEBHOOK_PORT: String(port),
    LOG_LEVEL: settings.logLevel,
  };
  if (settings.poolSize) env.WEBHOOK_DATABASE_POOL_SIZE = settings.poolSize;
  if (settings.insertConcurrency) env.WEBHOOK_INSERT_CONCURRENCY = settings.insertConcurrency;
  const child = spawn(process.execPath, [...nodeArgs, 'apps/webhook/src/main.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const problems: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '' || line.includes('using the sandbox development accounts')) continue;
        const level = /"level":"?(\w+)/.exec(line)?.[1];
        if (level === undefined || !['info', 'debug', 'trace'].includes(level)) problems.push(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the webhook exited (${child.exitCode}) before listening:\n${problems.join('\n')}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`the webhook did not answer /health on port ${port} within 60 s`);
    await sleep(100);
  }
  return { child, port, problems, exited };
}

async function stopWebhook(webhook: WebhookProcess): Promise<void> {
  if (webhook.child.exitCode !== null || webhook.child.signalCode !== null) return;
  webhook.child.kill('SIGTERM');
  const killed = await Promise.race([webhook.exited.then(() => false), sleep(20_000).then(() => true)]);
  if (killed) webhook.child.kill('SIGKILL');
}

/** The pid of the Redis server the receiver uses, when it runs on this machine (for CPU shares). */
async function redisServerPid(redis: Redis): Promise<number | undefined> {
  try {
    const info = await redis.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    return Number.isFinite(pid) && processTicks(pid) !== undefined ? pid : undefined;
  } catch {
    return undefined;
  }
}

const cleanups: { name: string; run: () => Promise<void> }[] = [];
let cleaningUp: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      try {
        await run();
      } catch (error) {
        say(`cleanup "${name}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaningUp;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping the load and cleaning up`);
    abortController.abort();
    void cleanUp().then(() => process.exit(130));
  });
}

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

  const database = `vexora_bench_webhook_${runId}`;
  await admin.query(`CREATE DATABASE "${database}"`);
  cleanups.push({
    name: `drop ${database}`,
    run: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      say(`dropped ${database}`);
    },
  });
  const databaseUrl = withDatabase(devConfig.databaseUrl, database);
  say(`created ${database}; migrating`);
  await runMigrations(databaseUrl);
  const reader = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'vexora-bench' });
  reader.on('error', () => undefined);
  cleanups.push({ name: 'close reader', run: () => reader.end() });

  const prefix = `bench-${runId}`;
  cleanups.push({
    name: `delete Redis keys ${prefix}:*`,
    run: async () => {
      let cursor = '0';
      do {
        const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = nextCursor;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
    },
  });

  const show = async (name: string) =>
    (await admin.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name] ?? '?';
  const pgFacts = [];
  for (const name of ['server_version', 'fsync', 'synchronous_commit', 'shared_buffers'])
    pgFacts.push(`${name}=${await show(name)}`);
  const loadBefore = os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');

  say(
    `starting the webhook (LOG_LEVEL=${settings.logLevel}, pool ${settings.poolSize ?? 'default (4)'}, ` +
      `INSERTs in flight ${settings.insertConcurrency ?? 'default (2)'})`,
  );
  const webhook = await startWebhook(databaseUrl, prefix);
  cleanups.push({ name: 'stop the webhook', run: () => stopWebhook(webhook) });
  const meter = new CpuMeter(admin, database, webhook.child.pid ?? 0, await redisServerPid(redis));
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
    `\nload average after ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}; run took ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
