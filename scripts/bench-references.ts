// The reference measurements of `npm run bench`: what bare PostgreSQL does on this machine with
// rows shaped like the apps' own, measured with pgbench against a throwaway database migrated with
// the project's schema (same tables, indexes and foreign keys), on the same server and settings
// (fsync on) as the benchmarks, with as many clients as the api's connection pool:
//   - a checkout transaction: the intent, its outbox row and its history row, one statement each
//     (BEGIN, 3 INSERTs, END: what one single create writes, minus the idempotency key);
//   - a batch: the same three tables for `batchSize` intents in one statement (what a batch writes);
//   - a plain single-row INSERT into gateway_notification (the webhook's inbox).
// Bare BullMQ is measured by bench-pipeline.ts on the pipeline's Redis, with its workers' concurrency.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findPostgresBinaries } from '../packages/dev-services/src/index.js';
import { cleanups } from './bench-cleanups.js';
import { CpuMeter, type CpuShares } from './bench-cpu.js';
import { createBenchDatabase, type SqlClient } from './bench-database.js';
import type { BenchResult, BenchRow, CpuFigures } from './bench-report.js';
import { int, percentile, say } from './bench-support.js';
import { devConfig } from './dev-config.js';

export interface ReferenceSettings {
  /** Seconds each pgbench script runs. */
  seconds: number;
  /** pgbench clients: the api's pool size. */
  clients: number;
  /** Intents per transaction of the batch script: the api benchmark's batch size. */
  batchSize: number;
}

/** The pgbench binary next to the PostgreSQL server binaries (found like packages/dev-services does). */
export function findPgbench(): string {
  const { pgCtl } = findPostgresBinaries({ binDir: devConfig.postgresBinDir, path: devConfig.path });
  const pgbench = join(dirname(pgCtl), 'pgbench');
  if (!existsSync(pgbench)) throw new Error(`pgbench not found next to ${pgCtl}`);
  return pgbench;
}

const INTENT_COLUMNS =
  'client_id, account_id, merchant_no, merchant_reference, trade_no, amount, currency, ' +
  'payer_first_name, payer_last_name, payer_mobile, payer_email';

/** pgbench scripts (extended protocol, prepared: variables are parameters). */
export function pgbenchScripts(batchSize: number): { name: string; file: string; sql: string }[] {
  return [
    {
      name: 'checkout',
      file: 'checkout.sql',
      sql: `\\set cents random(100, 99999)
BEGIN;
INSERT INTO checkout_intent (${INTENT_COLUMNS})
  VALUES ('pgbench', 'sandbox-usd', 'M0001', gen_random_uuid()::text, gen_random_uuid()::text,
          (:cents)::numeric / 100, 'USD', 'Sok', 'Dara', '012345678', 'sok@example.com')
  RETURNING id AS intent_id \\gset
INSERT INTO outbox_event (event_type, intent_id, generation, payload) VALUES ('checkout.submit', :intent_id, 0, '{}');
INSERT INTO status_history (intent_id, client_id, to_state, actor, reason)
  VALUES (:intent_id, 'pgbench', 'PENDING', 'api', 'intent.created');
END;
`,
    },
    {
      name: 'batch',
      file: 'batch.sql',
      sql: `WITH intents AS (
  INSERT INTO checkout_intent (${INTENT_COLUMNS})
  SELECT 'pgbench', 'sandbox-usd', 'M0001', gen_random_uuid()::text, gen_random_uuid()::text,
         (100 + n % 90000)::numeric / 100, 'USD', 'Sok', 'Dara', '012345678', 'sok@example.com'
  FROM generate_series(1, ${batchSize}) AS n
  RETURNING id),
outbox AS (
  INSERT INTO outbox_event (event_type, intent_id, generation, payload) SELECT 'checkout.submit', id, 0, '{}' FROM intents),
history AS (
  INSERT INTO status_history (intent_id, client_id, to_state, actor, reason)
  SELECT id, 'pgbench', 'PENDING', 'api', 'intent.created' FROM intents)
SELECT count(*) FROM intents;
`,
    },
    {
      name: 'insert',
      file: 'insert.sql',
      sql: `\\set cents random(1, 5000000)
INSERT INTO gateway_notification (raw_body, content_type, trade_no, status, amount, signature, dedupe_key)
  VALUES ('{"tradeNo":"pgbench","status":"0000","amount":"12.34","sign":"0123456789abcdef0123456789abcdef"}',
          'application/json', gen_random_uuid()::text, '0000', (:cents)::numeric / 100, 'valid',
          md5(random()::text) || md5(random()::text));
`,
    },
  ];
}

export interface PgbenchFigures {
  transactionsPerSecond: number;
  transactions: number;
  failed: number;
  /** Per transaction, ms, from pgbench's per-transaction log. */
  latency: { p50: number; p90: number; p99: number; max: number };
}

/** Reads pgbench's summary ("tps = 1234.5 (without initial connection time)"). */
export function parsePgbenchSummary(output: string): { tps: number; transactions: number; failed: number } {
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1]);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
  return { tps, transactions, failed };
}

/**
 * Latencies (ms) from pgbench's per-transaction log lines:
 * "client_id transaction_no time script_no time_epoch time_us", time in µs.
 */
export function parsePgbenchLog(text: string): number[] {
  const latencies: number[] = [];
  for (const line of text.split('\n')) {
    const micros = Number(line.split(' ')[2]);
    if (line.trim() !== '' && Number.isFinite(micros)) latencies.push(micros / 1000);
  }
  return latencies;
}

function startPgbench(
  pgbench: string,
  args: string[],
  env: Record<string, string>,
): { pid: number | undefined; done: Promise<{ code: number | null; output: string }> } {
  const child = spawn(pgbench, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
  return { pid: child.pid, done };
}

/** libpq's variables for a postgresql:// URL (pgbench takes them from the environment). */
function libpqEnv(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  const env: Record<string, string> = {
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGDATABASE: decodeURIComponent(url.pathname.slice(1)),
    PGUSER: decodeURIComponent(url.username) || 'postgres',
  };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  return env;
}

function cpuFigures(shares: CpuShares | undefined, throughput: number, per: string): CpuFigures | undefined {
  if (!shares) return undefined;
  const named: Record<string, number> = { postgres: shares.postgres };
  for (const [name, share] of shares.processes) named[name] = share;
  const accounted = Object.values(named).reduce((sum, share) => sum + share, 0) + shares.bench;
  named['other processes'] = Math.max(0, shares.machine - accounted);
  return {
    shares: named,
    machine: shares.machine,
    perUnit:
      throughput > 0 ? { consumer: 'postgres', ms: (shares.postgres * 10) / throughput, per } : undefined,
  };
}

/** Runs the three pgbench scripts one after the other on a fresh migrated database. */
export async function runReferences(
  admin: SqlClient,
  settings: ReferenceSettings,
  runId: string,
): Promise<BenchResult> {
  const pgbench = findPgbench();
  const database = `vexora_bench_ref_${runId}`;
  const databaseUrl = await createBenchDatabase(admin, database);
  const dir = await mkdtemp(join(tmpdir(), 'vexora-pgbench-'));
  cleanups.push({ name: `remove ${dir}`, run: () => rm(dir, { recursive: true, force: true }) });
  const env = libpqEnv(databaseUrl);
  const threads = Math.max(1, Math.min(settings.clients, 2));
  const rows: BenchRow[] = [];
  const figures: Record<string, number> = {};
  const labels: Record<
    string,
    { scenario: string; unit: string; figure: string; perTransaction: number; per: string }
  > = {
    checkout: {
      scenario: 'checkout transaction: intent + outbox + history, 3 INSERTs',
      unit: 'transactions/s',
      figure: 'checkoutTransactionsPerSecond',
      perTransaction: 1,
      per: 'transaction',
    },
    batch: {
      scenario: `batch: ${int(settings.batchSize)} intents + outbox + history in one statement`,
      unit: 'intents/s',
      figure: 'batchIntentsPerSecond',
      perTransaction: settings.batchSize,
      per: 'intent',
    },
    insert: {
      scenario: 'single-row INSERT into gateway_notification',
      unit: 'inserts/s',
      figure: 'singleInsertsPerSecond',
      perTransaction: 1,
      per: 'insert',
    },
  };
  for (const script of pgbenchScripts(settings.batchSize)) {
    const label = labels[script.name];
    if (!label) continue;
    const file = join(dir, script.file);
    await writeFile(file, script.sql);
    const logPrefix = join(dir, `log-${script.name}`);
    say(`pgbench ${script.name}: ${settings.clients} clients, ${settings.seconds} s`);
    const started = startPgbench(
      pgbench,
      [
        '--no-vacuum',
        '--protocol=prepared',
        `--client=${settings.clients}`,
        `--jobs=${threads}`,
        `--time=${settings.seconds}`,
        `--file=${file}`,
        '--log',
        `--log-prefix=${logPrefix}`,
      ],
      env,
    );
    // CPU from 1 s in (the clients are connected) to 0.5 s before the end.
    const meter = new CpuMeter({
      admin,
      database,
      backendTypes: ['walwriter'],
      pids: { pgbench: started.pid },
    });
    await sleep(Math.min(1_000, settings.seconds * 200));
    const cpuStart = await meter.snapshot();
    await sleep(Math.max(100, settings.seconds * 1000 - 1_500));
    const shares = await meter.since(cpuStart);
    const { code, output } = await started.done;
    if (code !== 0) throw new Error(`pgbench ${script.name} failed (${code}):\n${output.slice(-2_000)}`);
    const summary = parsePgbenchSummary(output);
    const latencies: number[] = [];
    for (const name of await readdir(dir)) {
      if (!name.startsWith(`log-${script.name}.`)) continue;
      // One at a time: a spread of a few hundred thousand arguments overflows the stack.
      for (const latency of parsePgbenchLog(await readFile(join(dir, name), 'utf8'))) latencies.push(latency);
    }
    latencies.sort((a, b) => a - b);
    const throughput = summary.tps * label.perTransaction;
    figures[label.figure] = throughput;
    rows.push({
      scenario: label.scenario,
      throughput,
      unit: label.unit,
      latency: {
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? Number.NaN,
      },
      cpu: cpuFigures(shares, throughput, label.per),
      note:
        [
          label.perTransaction > 1 ? `${summary.tps.toFixed(1)} transactions/s` : '',
          summary.failed > 0 ? `${summary.failed} failed` : '',
        ]
          .filter(Boolean)
          .join(', ') || undefined,
    });
  }
  figures.clients = settings.clients;
  return {
    benchmark: 'references',
    settings:
      `pgbench (prepared statements), ${settings.clients} clients (the api's pool) on ${threads} threads, ` +
      `${settings.seconds} s per script, on a database migrated with the project's schema; latency per ` +
      'transaction (a batch is one transaction). Bare BullMQ: see the pipeline.',
    rows,
    targets: [],
    figures,
    notes: [],
  };
}
