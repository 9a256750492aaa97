// npm run bench:api: throughput and latency of the merchant API (apps/api) on this machine.
//
// Runs the real api from source as a child process against a throwaway, migrated database on the
// development PostgreSQL server (started the way `npm start` does when it is not running), then
//   A. single creates (POST /v1/checkouts) at fixed arrival rates, paced open-loop;
//   A+ the same endpoint closed-loop (autocannon), to find the saturation throughput;
//   B. batch ingest (POST /v1/checkouts/batch, 1,000 items) at concurrency 1, 2, 4;
//   C. idempotent replays of one key, paced and closed-loop.
// It prints figures and compares them with the targets; it exits non-zero only when it cannot run.
// See docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { createPrismaClient } from '@vexora-checkout/db';
import { createApiKey } from '../apps/api/src/auth/manage-api-keys.js';
import { findFreePort } from '../packages/dev-services/src/index.js';
import { withDatabase } from '@vexora-checkout/testing/services';
import { startAppProcess } from './bench-app-process.js';
import { runAutocannon, type AutocannonRequest } from './bench-autocannon.js';
import { cleanUpOnSignals, cleanups, runThenCleanUp } from './bench-cleanups.js';
import { CpuMeter, type CpuSnapshot } from './bench-cpu.js';
import { createBenchDatabase, prismaSql, showSetting } from './bench-database.js';
import { runPacedLoad, type PacedLoad } from './bench-paced-load.js';
import { post, type HttpAnswer } from './bench-post.js';
import { ensureDevServices } from './bench-redis.js';
import { writeBenchResult, type CpuFigures } from './bench-report.js';
import { numberList, positive } from './bench-settings.js';
import { int, loadAverage, say, summarise, table, type Latency } from './bench-support.js';
import { devConfig } from './dev-config.js';

// ---------------------------------------------------------------------------------------------
// Settings (all optional). API_DATABASE_POOL_SIZE is passed on to the api.

const settings = {
  rates: numberList(process.env.BENCH_RATES, [100, 300, 600]),
  rateSeconds: positive(process.env.BENCH_RATE_SECONDS, 15),
  saturationSeconds: positive(process.env.BENCH_SATURATION_SECONDS, 6),
  saturationConnections: positive(process.env.BENCH_SATURATION_CONNECTIONS, 16),
  batches: positive(process.env.BENCH_BATCHES, 20),
  batchSize: positive(process.env.BENCH_BATCH_SIZE, 1_000),
  batchConcurrency: numberList(process.env.BENCH_BATCH_CONCURRENCY, [1, 2, 4]),
  replaySeconds: positive(process.env.BENCH_REPLAY_SECONDS, 5),
  /** Which of A (paced creates), A+ (closed-loop creates), B (batches), C (replays) to run. */
  scenarios: (process.env.BENCH_SCENARIOS ?? 'A,A+,B,C').split(',').map((part) => part.trim().toUpperCase()),
  /** Before each scenario, wait up to this long for other processes to leave the CPU alone. */
  quietSeconds: Number(process.env.BENCH_QUIET_SECONDS ?? 0) || 0,
  apiLogLevel: process.env.BENCH_API_LOG_LEVEL ?? 'warn',
  apiPoolSize: process.env.API_DATABASE_POOL_SIZE,
  /** When set, the api runs with --cpu-prof and writes its profile here at exit. */
  cpuProfileDir: process.env.BENCH_CPU_PROF_DIR,
};

/** Ctrl-C stops every load generator at once, so the api can stop and the database be dropped. */
const abortController = new AbortController();
const aborted = abortController.signal;

const TARGETS = { singleRate: 300, singleP99Ms: 25, batchIntentsPerSecond: 10_000 };
const REQUEST_TIMEOUT_MS = 10_000;
/** The paced generator's cap on requests waiting for an answer; beyond it, due requests are shed. */
const MAX_IN_FLIGHT = 500;

// ---------------------------------------------------------------------------------------------
// Small helpers

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');

const isSuccess = (outcome: string) => outcome.startsWith('2');

/** The non-2xx answers, as " (409 idempotency_in_flight×13, …)". */
function describeStatuses(statuses: Map<string, number>): string {
  const parts = [...statuses]
    .filter(([outcome]) => !isSuccess(outcome))
    .map(([outcome, n]) => `${outcome}×${n}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** The `code` of a problem+json answer (RFC 9457 with our `code` member), or "?". */
function problemCode(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    const code =
      typeof parsed === 'object' && parsed !== null ? (parsed as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? code : '?';
  } catch {
    return '?';
  }
}

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc; "n/a" elsewhere): who used the two cores during a scenario.

/** Percent of one core, per consumer: 200 % is both cores of a 2-core machine. */
interface CpuShare {
  api: number;
  postgres: number;
  bench: number;
  machine: number;
}

/** The meter's shares under this report's names; n/a when the api's CPU could not be read. */
async function cpuSince(meter: CpuMeter, start: CpuSnapshot): Promise<CpuShare | undefined> {
  const shares = await meter.since(start);
  const api = shares?.processes.get('api');
  if (!shares || api === undefined) return undefined;
  return { api, postgres: shares.postgres, bench: shares.bench, machine: shares.machine };
}

/**
 * Who used the CPU, plus the api's CPU time per unit of work (`perSecond` units per second):
 * unlike latency, that figure barely moves when other processes share the machine.
 */
function cpuText(cpu: CpuShare | undefined, perSecond: number, unit: 'request' | 'intent'): string {
  if (!cpu) return 'n/a (needs Linux /proc)';
  const others = Math.max(0, cpu.machine - cpu.api - cpu.postgres - cpu.bench);
  const perUnit =
    unit === 'request'
      ? `${((cpu.api * 10) / perSecond).toFixed(2)} ms`
      : `${((cpu.api * 10_000) / perSecond).toFixed(0)} µs`;
  return (
    `api ${cpu.api.toFixed(0)}% (${perUnit} CPU per ${unit}), postgres ${cpu.postgres.toFixed(0)}%, ` +
    `bench ${cpu.bench.toFixed(0)}%, other processes ${others.toFixed(0)}% ` +
    `(machine busy ${cpu.machine.toFixed(0)}% of ${os.availableParallelism() * 100}%)`
  );
}

// ---------------------------------------------------------------------------------------------
// Request bodies

const runId = randomBytes(4).toString('hex');

function checkout(n: number, prefix: string) {
  return {
    amount: `${(n % 900) + 1}.${String(n % 100).padStart(2, '0')}`,
    currency: 'USD',
    merchantReference: `${prefix}-${runId}-${n}`,
    payer: { firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 'sok@example.com' },
  };
}

// ---------------------------------------------------------------------------------------------
// Scenario runners

/** One paced scenario: the generator's figures (achieved rate in `perSecond`) and the CPU shares. */
interface PacedResult extends PacedLoad {
  label: string;
  rate: number;
  seconds: number;
  cpu: CpuShare | undefined;
}

/**
 * Open-loop load at a fixed arrival rate: request i is sent at start + i/rate whatever the answers
 * do, so a slow server meets more concurrent requests instead of fewer (no coordinated omission).
 */
async function runPaced(options: {
  label: string;
  port: number;
  rate: number;
  seconds: number;
  meter: CpuMeter;
  next: (n: number) => { path: string; headers: Record<string, string>; body: string };
  accept?: (answer: HttpAnswer) => boolean;
}): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1_024 });
  const cpuStart = await options.meter.start();
  const load = await runPacedLoad({
    rate: options.rate,
    seconds: options.seconds,
    maxInFlight: MAX_IN_FLIGHT,
    signal: aborted,
    send: (n) => {
      const { path, headers, body } = options.next(n);
      return post(agent, options.port, path, headers, body, REQUEST_TIMEOUT_MS);
    },
    outcome: (answer) =>
      answer.status >= 300 ? `${answer.status} ${problemCode(answer.body)}` : String(answer.status),
    accept: (answer) => answer.status >= 200 && answer.status < 300 && (options.accept?.(answer) ?? true),
  });
  const cpu = await cpuSince(options.meter, cpuStart);
  agent.destroy();
  return { label: options.label, rate: options.rate, seconds: options.seconds, ...load, cpu };
}

interface ClosedLoopResult {
  label: string;
  connections: number;
  perSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: Latency;
  cpu: CpuShare | undefined;
}

/** As fast as `connections` keep-alive clients can go, each waiting for its answer (autocannon). */
async function runClosedLoop(options: {
  label: string;
  url: string;
  connections: number;
  seconds: number;
  meter: CpuMeter;
  headers: Record<string, string>;
  body: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}): Promise<ClosedLoopResult> {
  const cpuStart = await options.meter.start();
  const result = await runAutocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.seconds,
      timeout: REQUEST_TIMEOUT_MS / 1000,
      method: 'POST',
      headers: options.headers,
      body: options.body,
      ...(options.setupRequest ? { requests: [{ setupRequest: options.setupRequest }] } : {}),
    },
    aborted,
  );
  const cpu = await cpuSince(options.meter, cpuStart);
  return {
    label: options.label,
    connections: options.connections,
    perSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    cpu,
  };
}

interface BatchResult {
  concurrency: number;
  batches: number;
  created: number;
  failedBatches: number;
  notCreated: number;
  /** Why batches failed or items were not created ("409 idempotency_in_flight" → count). */
  reasons: Map<string, number>;
  seconds: number;
  intentsPerSecond: number;
  latency: Latency;
  cpu: CpuShare | undefined;
}

async function runBatches(options: {
  label: string;
  port: number;
  headers: Record<string, string>;
  concurrency: number;
  batches: number;
  size: number;
  meter: CpuMeter;
}): Promise<BatchResult> {
  const prefix = `batch-${options.label}`;
  // Bodies are built before the clock starts: the generator's JSON work is not the api's.
  const bodies = Array.from({ length: options.batches }, (_unused, batch) =>
    JSON.stringify({
      items: Array.from({ length: options.size }, (_item, index) => {
        const n = batch * options.size + index;
        return { idempotencyKey: `${prefix}-${runId}-${n}`, checkout: checkout(n, prefix) };
      }),
    }),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let created = 0;
  let notCreated = 0;
  let failedBatches = 0;
  const reasons = new Map<string, number>();
  const tally = (reason: string, n = 1) => reasons.set(reason, (reasons.get(reason) ?? 0) + n);
  let nextBatch = 0;
  const cpuStart = await options.meter.start();
  const start = performance.now();
  const worker = async () => {
    for (let batch = nextBatch++; batch < bodies.length && !aborted.aborted; batch = nextBatch++) {
      const sentAt = performance.now();
      const answer = await post(
        agent,
        options.port,
        '/v1/checkouts/batch',
        options.headers,
        bodies[batch] ?? '',
        REQUEST_TIMEOUT_MS,
      );
      latencies.push(performance.now() - sentAt);
      if (answer.status !== 200) {
        failedBatches += 1;
        tally(
          answer.status === 0
            ? answer.timedOut
              ? 'timeout'
              : 'error'
            : `batch ${answer.status} ${problemCode(answer.body)}`,
        );
        continue;
      }
      const { results } = JSON.parse(answer.body) as {
        results: { outcome: string; status: number; body?: { code?: string }; problem?: { code?: string } }[];
      };
      for (const result of results) {
        if (result.outcome === 'created') {
          created += 1;
          continue;
        }
        notCreated += 1;
        tally(`${result.outcome} ${result.status} ${result.problem?.code ?? result.body?.code ?? ''}`.trim());
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const cpu = await cpuSince(options.meter, cpuStart);
  agent.destroy();
  return {
    concurrency: options.concurrency,
    batches: options.batches,
    created,
    failedBatches,
    notCreated,
    reasons,
    seconds,
    intentsPerSecond: created / seconds,
    latency: summarise(latencies),
    cpu,
  };
}

// ---------------------------------------------------------------------------------------------
// Setup and teardown

// ---------------------------------------------------------------------------------------------
// Main

cleanUpOnSignals('stopping the load and cleaning up', () => abortController.abort());

interface MachineFacts {
  date: string;
  node: string;
  cpus: string;
  postgres: string;
  settings: Record<string, string>;
  loadBefore: string;
}

async function setUp() {
  const adminUrl = withDatabase(devConfig.databaseUrl, 'postgres');
  await ensureDevServices();

  const admin = createPrismaClient({ databaseUrl: adminUrl, poolSize: 2, applicationName: 'vexora-bench' });
  cleanups.push({ name: 'close admin connection', run: () => admin.$disconnect() });
  const sql = prismaSql(admin);
  const database = `vexora_bench_${runId}`;
  const databaseUrl = await createBenchDatabase(sql, database);

  const prisma = createPrismaClient({ databaseUrl, poolSize: 1, applicationName: 'vexora-bench' });
  const { key } = await createApiKey(prisma, {
    name: 'bench',
    clientId: 'bench',
    accountIds: DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id),
    knownAccountIds: DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id),
  }).finally(() => prisma.$disconnect());

  const show = (name: string) => showSetting(sql, name);
  const settingNames = [
    'fsync',
    'synchronous_commit',
    'wal_sync_method',
    'shared_buffers',
    'max_connections',
  ];
  const postgresSettings: Record<string, string> = {};
  for (const name of settingNames) postgresSettings[name] = await show(name);
  const cpus = os.cpus();
  const facts: MachineFacts = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    node: process.version,
    cpus: `${os.availableParallelism()} × ${cpus[0]?.model.trim() ?? 'unknown'}`,
    postgres: (await show('server_version')).split(' ')[0] ?? '?',
    settings: postgresSettings,
    loadBefore: loadAverage(),
  };

  say(`starting the api (LOG_LEVEL=${settings.apiLogLevel}, pool ${settings.apiPoolSize ?? 'default (20)'})`);
  const apiPort = await findFreePort();
  const apiEnv: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: devConfig.redisUrl,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    LOG_LEVEL: settings.apiLogLevel,
    // The per-key rate limit is a policy, not a capacity: high enough never to refuse the load,
    // while every request still takes its token from Redis as in production.
    API_RATE_LIMIT_PER_SECOND: process.env.API_RATE_LIMIT_PER_SECOND ?? '100000',
    API_RATE_LIMIT_BURST: process.env.API_RATE_LIMIT_BURST ?? '100000',
  };
  if (settings.apiPoolSize) apiEnv.API_DATABASE_POOL_SIZE = settings.apiPoolSize;
  const api = await startAppProcess({
    name: 'api',
    entry: 'apps/api/src/main.ts',
    env: apiEnv,
    port: apiPort,
    healthPath: '/healthz',
    cpuProfileDir: settings.cpuProfileDir,
  });
  return { sql, database, key, api, facts };
}

/** A setupRequest hook giving every request its own Idempotency-Key and merchantReference. */
function uniqueCreates(prefix: string): (request: AutocannonRequest) => AutocannonRequest {
  let n = 0;
  return (request) => {
    n += 1;
    return {
      ...request,
      headers: { ...request.headers, 'idempotency-key': `${prefix}-${runId}-${n}` },
      body: JSON.stringify(checkout(n, prefix)),
    };
  };
}

const nonSuccess = (statuses: Map<string, number>) =>
  [...statuses].filter(([outcome]) => !isSuccess(outcome)).reduce((sum, [, n]) => sum + n, 0);

async function main(): Promise<void> {
  const started = performance.now();
  const { sql, database, key, api, facts } = await setUp();
  const meter = new CpuMeter({
    admin: sql,
    database,
    backendTypes: ['walwriter'],
    drainTimeoutMs: 60_000,
    pids: { api: api.child.pid },
    quietSeconds: settings.quietSeconds,
  });
  const url = `http://127.0.0.1:${api.port}`;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const run = (scenario: string) => settings.scenarios.includes(scenario) && !aborted.aborted;
  say(`api on ${url} (pid ${api.child.pid ?? '?'}); scenarios ${settings.scenarios.join(', ')}`);

  // Warm-up, not reported: JIT, the api's connection pool, PostgreSQL's caches.
  say('warming up (4 s)');
  await runClosedLoop({
    label: 'warm-up',
    url: `${url}/v1/checkouts`,
    connections: 8,
    seconds: 4,
    meter,
    headers,
    body: '{}',
    setupRequest: uniqueCreates('warm'),
  });
  if (run('B')) {
    await runBatches({
      label: 'warm',
      port: api.port,
      headers,
      concurrency: 1,
      batches: 2,
      size: settings.batchSize,
      meter,
    });
  }

  // A. Single creates at fixed arrival rates.
  const paced: PacedResult[] = [];
  for (const rate of run('A') ? settings.rates : []) {
    if (aborted.aborted) break;
    say(`A: single creates at ${rate} req/s for ${settings.rateSeconds} s`);
    paced.push(
      await runPaced({
        label: `create @ ${rate}/s`,
        port: api.port,
        rate,
        seconds: settings.rateSeconds,
        meter,
        next: (n) => ({
          path: '/v1/checkouts',
          headers: { ...headers, 'idempotency-key': `single-${rate}-${runId}-${n}` },
          body: JSON.stringify(checkout(n, `single-${rate}`)),
        }),
      }),
    );
  }

  // A+. Saturation: closed loop, unique keys.
  const closed: ClosedLoopResult[] = [];
  if (run('A+')) {
    say(
      `A+: single creates closed-loop, ${settings.saturationConnections} connections, ${settings.saturationSeconds} s`,
    );
    closed.push(
      await runClosedLoop({
        label: `create, closed loop ×${settings.saturationConnections}`,
        url: `${url}/v1/checkouts`,
        connections: settings.saturationConnections,
        seconds: settings.saturationSeconds,
        meter,
        headers,
        body: '{}',
        setupRequest: uniqueCreates('saturation'),
      }),
    );
  }

  // B. Batch ingest.
  const batches: BatchResult[] = [];
  for (const concurrency of run('B') ? settings.batchConcurrency : []) {
    if (aborted.aborted) break;
    say(`B: ${settings.batches} batches of ${settings.batchSize}, concurrency ${concurrency}`);
    batches.push(
      await runBatches({
        label: `c${concurrency}`,
        port: api.port,
        headers,
        concurrency,
        batches: settings.batches,
        size: settings.batchSize,
        meter,
      }),
    );
  }

  // C. Idempotent replays of one key: paced at the highest rate of A, then closed-loop.
  if (run('C')) {
    const replayHeaders = { ...headers, 'idempotency-key': `replay-${runId}` };
    const replayBody = JSON.stringify(checkout(0, 'replay'));
    const first = await post(
      new Agent(),
      api.port,
      '/v1/checkouts',
      replayHeaders,
      replayBody,
      REQUEST_TIMEOUT_MS,
    );
    if (first.status !== 202)
      throw new Error(`replay setup: expected 202, got ${first.status}: ${first.body}`);
    const rate = Math.max(...settings.rates);
    say(`C: replays of one key at ${rate} req/s for ${settings.replaySeconds} s, then closed-loop`);
    paced.push(
      await runPaced({
        label: `replay @ ${rate}/s`,
        port: api.port,
        rate,
        seconds: settings.replaySeconds,
        meter,
        next: () => ({ path: '/v1/checkouts', headers: replayHeaders, body: replayBody }),
        accept: (answer) => answer.headers['idempotent-replayed'] === 'true',
      }),
    );
    closed.push(
      await runClosedLoop({
        label: `replay, closed loop ×${settings.saturationConnections}`,
        url: `${url}/v1/checkouts`,
        connections: settings.saturationConnections,
        seconds: settings.replaySeconds,
        meter,
        headers: replayHeaders,
        body: replayBody,
      }),
    );
  }

  // Report.
  console.log(`\nMachine (${facts.date})`);
  console.log(
    `  node ${facts.node}, ${facts.cpus}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ` +
      `load average before ${facts.loadBefore}`,
  );
  const pgSettings = Object.entries(facts.settings).map(([name, value]) => `${name}=${value}`);
  console.log(`  PostgreSQL ${facts.postgres}: ${pgSettings.join(', ')}`);
  console.log(
    `  api: LOG_LEVEL=${settings.apiLogLevel}, API_DATABASE_POOL_SIZE=${settings.apiPoolSize ?? '20 (default)'}`,
  );

  if (paced.length > 0) {
    console.log('\nPaced open-loop (latency in ms from the request written to the last byte of the answer)');
    console.log(
      table(
        [
          'scenario',
          'due',
          'ok',
          'ok/s',
          'p50',
          'p90',
          'p99',
          'max',
          'p99 from due',
          'non-2xx',
          'errors',
          'timeouts',
          'shed',
          'max in flight',
        ],
        paced.map((r) => [
          r.label,
          int(r.due),
          int(r.ok),
          int(r.perSecond),
          ms(r.service.p50),
          ms(r.service.p90),
          ms(r.service.p99),
          ms(r.service.max),
          ms(r.fromSchedule.p99),
          `${int(nonSuccess(r.statuses))}${describeStatuses(r.statuses)}`,
          int(r.errors),
          int(r.timeouts),
          int(r.shed),
          int(r.maxInFlight),
        ]),
      ),
    );
    for (const r of paced) console.log(`  CPU during ${r.label}: ${cpuText(r.cpu, r.perSecond, 'request')}`);
  }

  if (closed.length > 0) {
    console.log('\nClosed loop, autocannon (latency in ms)');
    console.log(
      table(
        ['scenario', 'ok', 'ok/s', 'p50', 'p90', 'p99', 'max', 'non-2xx', 'errors', 'timeouts'],
        closed.map((r) => [
          r.label,
          int(r.ok),
          int(r.perSecond),
          ms(r.latency.p50),
          ms(r.latency.p90),
          ms(r.latency.p99),
          ms(r.latency.max),
          int(r.non2xx),
          int(r.errors),
          int(r.timeouts),
        ]),
      ),
    );
    for (const r of closed) console.log(`  CPU during ${r.label}: ${cpuText(r.cpu, r.perSecond, 'request')}`);
  }

  if (batches.length > 0) {
    console.log(
      `\nBatch ingest (${settings.batches} × ${settings.batchSize} items; latency per batch in ms)`,
    );
    console.log(
      table(
        [
          'concurrency',
          'created',
          'seconds',
          'intents/s',
          'p50',
          'p99',
          'max',
          'failed batches',
          'not created',
        ],
        batches.map((r) => [
          String(r.concurrency),
          int(r.created),
          r.seconds.toFixed(2),
          int(r.intentsPerSecond),
          ms(r.latency.p50),
          ms(r.latency.p99),
          ms(r.latency.max),
          int(r.failedBatches),
          `${int(r.notCreated)}${describeStatuses(r.reasons)}`,
        ]),
      ),
    );
    for (const r of batches) {
      console.log(
        `  CPU during concurrency ${r.concurrency}: ${cpuText(r.cpu, r.intentsPerSecond, 'intent')}`,
      );
    }
  }

  const atTarget = paced.find((r) => r.label === `create @ ${TARGETS.singleRate}/s`);
  const bestBatch = batches.reduce<BatchResult | undefined>(
    (best, r) => (!best || r.intentsPerSecond > best.intentsPerSecond ? r : best),
    undefined,
  );
  const rows: string[][] = [
    [
      `single create p99 ≤ ${TARGETS.singleP99Ms} ms at ${TARGETS.singleRate} req/s`,
      atTarget ? `p99 ${ms(atTarget.service.p99)} ms, ${int(atTarget.perSecond)} ok/s` : 'not run',
      atTarget
        ? atTarget.service.p99 <= TARGETS.singleP99Ms && atTarget.ok === atTarget.due
          ? 'met'
          : 'MISSED'
        : '',
    ],
    [
      `batch ingest ≥ ${int(TARGETS.batchIntentsPerSecond)} intents/s`,
      bestBatch ? `${int(bestBatch.intentsPerSecond)}/s at concurrency ${bestBatch.concurrency}` : 'not run',
      bestBatch ? (bestBatch.intentsPerSecond >= TARGETS.batchIntentsPerSecond ? 'met' : 'MISSED') : '',
    ],
    ...closed.map((r) => [r.label, `${int(r.perSecond)} ok/s, p99 ${ms(r.latency.p99)} ms`, '']),
  ];
  console.log('\nSummary');
  console.log(table(['target / scenario', 'measured', 'verdict'], rows));

  const noisy = [...paced, ...closed, ...batches].some(
    (r) => r.cpu && r.cpu.machine - r.cpu.api - r.cpu.postgres - r.cpu.bench > 25,
  );
  if (noisy) {
    console.log(
      '\nNOTE: other processes used more than a quarter of a core during some scenarios (see "CPU during"); ' +
        'those figures understate what this machine can do.',
    );
  }
  if (api.problems.length > 0) {
    console.log(`\nThe api logged ${api.problems.length} warning/error line(s); the last ones:`);
    for (const line of api.problems.slice(-5)) console.log(`  ${line.slice(0, 300)}`);
  }
  console.log(
    `\nload average after ${loadAverage()}; ` +
      `run took ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );

  // For npm run bench (docs/benchmarks.md): the same figures as data.
  const closedCreates = closed.find((r) => r.label.startsWith('create'));
  writeBenchResult({
    benchmark: 'api',
    settings:
      `Paced creates at ${settings.rates.join(', ')}/s for ${settings.rateSeconds} s each; closed loop with ` +
      `${settings.saturationConnections} connections for ${settings.saturationSeconds} s; ${settings.batches} ` +
      `batches of ${settings.batchSize} at concurrency ${settings.batchConcurrency.join(', ')}; replays ` +
      `${settings.replaySeconds} s each; API_DATABASE_POOL_SIZE=${settings.apiPoolSize ?? '20 (default)'}. ` +
      'Latency per request (per batch for batches); CPU per unit is the api process per request or intent.',
    rows: [
      ...paced.map((r) => ({
        scenario: `${r.label}, paced`,
        throughput: r.perSecond,
        unit: 'ok/s',
        latency: r.service,
        cpu: cpuFigures(r.cpu, r.perSecond, 'request'),
        note: r.ok < r.due ? `${int(r.due - r.ok)} of ${int(r.due)} not ok` : undefined,
      })),
      ...closed.map((r) => ({
        scenario: r.label,
        throughput: r.perSecond,
        unit: 'ok/s',
        latency: r.latency,
        cpu: cpuFigures(r.cpu, r.perSecond, 'request'),
        note:
          r.non2xx + r.errors + r.timeouts > 0
            ? `${int(r.non2xx + r.errors + r.timeouts)} not ok`
            : undefined,
      })),
      ...batches.map((r) => ({
        scenario: `batch of ${int(settings.batchSize)}, concurrency ${r.concurrency}`,
        throughput: r.intentsPerSecond,
        unit: 'intents/s',
        latency: r.latency,
        cpu: cpuFigures(r.cpu, r.intentsPerSecond, 'intent'),
        note:
          r.notCreated + r.failedBatches > 0
            ? `${int(r.notCreated)} not created, ${int(r.failedBatches)} batches failed`
            : undefined,
      })),
    ],
    targets: rows.slice(0, 2).map(([target = '', measured = '', verdict = '']) => ({
      target,
      measured,
      met: verdict === '' ? undefined : verdict === 'met',
    })),
    figures: {
      singleCreatesPerSecond: closedCreates?.perSecond ?? Number.NaN,
      singleTargetRate: TARGETS.singleRate,
      singleP99AtTargetMs: atTarget?.service.p99 ?? Number.NaN,
      batchIntentsPerSecond: bestBatch?.intentsPerSecond ?? Number.NaN,
      poolSize: Number(settings.apiPoolSize ?? 20),
    },
    notes: [
      ...(noisy ? ['Other processes used more than a quarter of a core during some scenarios.'] : []),
      ...(api.problems.length > 0 ? [`The api logged ${api.problems.length} warning/error line(s).`] : []),
    ],
  });
}

/** A scenario's CPU shares for the report, with the api's CPU time per unit of work. */
function cpuFigures(cpu: CpuShare | undefined, perSecond: number, per: string): CpuFigures | undefined {
  if (!cpu) return undefined;
  return {
    shares: {
      api: cpu.api,
      postgres: cpu.postgres,
      bench: cpu.bench,
      'other processes': Math.max(0, cpu.machine - cpu.api - cpu.postgres - cpu.bench),
    },
    machine: cpu.machine,
    perUnit: perSecond > 0 ? { consumer: 'api', ms: (cpu.api * 10) / perSecond, per } : undefined,
  };
}

await runThenCleanUp(main);
