// npm run bench: every benchmark in one run, then the docs. Runs bench-api, bench-pipeline and
// bench-webhook one after the other as child processes (each writes its figures as JSON), then
// the pgbench references (bench-references.ts); bare BullMQ is measured inside the pipeline run.
// Prints the generated markdown and, after a full run (or with --write), writes it between the
// markers of docs/benchmarks.md and README.md, leaving everything outside them as it is.
//
//   npm run bench                      # the full run, about 6 minutes; writes the docs
//   npm run bench -- --quick           # seconds per scenario: checks the script, writes nothing
//   npm run bench -- --only api,references --api-seconds 10
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withDatabase } from '@vexora-checkout/testing/services';
import { Redis } from 'ioredis';
import pg from 'pg';
import { cleanUp, cleanups, runThenCleanUp } from './bench-cleanups.js';
import { pgSql, showSetting } from './bench-database.js';
import { ensureDevServices } from './bench-redis.js';
import { runReferences } from './bench-references.js';
import {
  renderBenchmarksBlock,
  renderReadmeBlock,
  writeGeneratedBlock,
  type BenchName,
  type BenchReport,
  type BenchResult,
  type MachineFacts,
} from './bench-report.js';
import { loadAverage, say } from './bench-support.js';
import { devConfig, repoRoot } from './dev-config.js';

const ALL: readonly BenchName[] = ['api', 'pipeline', 'webhook', 'references'];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    only: { type: 'string', default: ALL.join(',') },
    'api-seconds': { type: 'string' },
    'pipeline-seconds': { type: 'string' },
    'webhook-seconds': { type: 'string' },
    'reference-seconds': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (args.help) {
  console.log(`npm run bench -- [options]
  --quick                 a few seconds per scenario, to check the script (writes no docs unless --write)
  --write                 write docs/benchmarks.md and README.md even after --quick
  --only LIST             some of ${ALL.join(',')} (the docs are written only when all four ran)
  --api-seconds S         each paced rate of the api benchmark (default 15; quick 3)
  --pipeline-seconds S    the pipeline's steady load (default 60, the target's duration; quick 6)
  --webhook-seconds S     each paced rate of the webhook benchmark (default 15; quick 3)
  --reference-seconds S   each pgbench script (default 15; quick 3)
BENCH_QUIET_SECONDS and BENCH_CPU_PROF_DIR reach the benchmarks; their other BENCH_* settings are
chosen here. DATABASE_URL, REDIS_URL, PG_BIN_DIR: as for npm start.`);
  process.exit(0);
}

const only = args.only.split(',').map((part) => part.trim()) as BenchName[];
for (const name of only) {
  if (!ALL.includes(name)) {
    console.error(`--only: unknown benchmark "${name}" (one of ${ALL.join(', ')})`);
    process.exit(2);
  }
}

function seconds(name: string, raw: string | undefined, full: number, quick: number): number {
  if (raw === undefined) return args.quick ? quick : full;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} must be a positive number of seconds, got ${raw}`);
    process.exit(2);
  }
  return value;
}

const durations = {
  api: seconds('api-seconds', args['api-seconds'], 15, 3),
  pipeline: seconds('pipeline-seconds', args['pipeline-seconds'], 60, 6),
  webhook: seconds('webhook-seconds', args['webhook-seconds'], 15, 3),
  references: seconds('reference-seconds', args['reference-seconds'], 15, 3),
};
/** The api's pool size (its default unless API_DATABASE_POOL_SIZE says): pgbench's clients. */
const apiPoolSize = Number(process.env.API_DATABASE_POOL_SIZE ?? 20) || 20;
const batchSize = 1_000;

/** What each benchmark is told: environment and arguments, full or quick. */
function childSettings(name: Exclude<BenchName, 'references'>): {
  env: Record<string, string>;
  argv: string[];
} {
  switch (name) {
    case 'api':
      return {
        env: {
          BENCH_RATE_SECONDS: String(durations.api),
          BENCH_BATCH_SIZE: String(batchSize),
          ...(args.quick
            ? {
                BENCH_RATES: '100,300',
                BENCH_SATURATION_SECONDS: '2',
                BENCH_BATCHES: '3',
                BENCH_BATCH_CONCURRENCY: '1,2',
                BENCH_REPLAY_SECONDS: '2',
              }
            : {}),
        },
        argv: [],
      };
    case 'pipeline':
      return {
        env: {},
        argv: [
          '--duration',
          String(durations.pipeline),
          ...(args.quick ? ['--rate', '300', '--warmup', '0', '--noop-jobs', '2000'] : []),
        ],
      };
    case 'webhook':
      return {
        env: {
          BENCH_RATE_SECONDS: String(durations.webhook),
          ...(args.quick ? { BENCH_RATES: '500,2000', BENCH_SATURATION_SECONDS: '2' } : {}),
        },
        argv: [],
      };
  }
}

/** The environment the benchmarks inherit: this one without its BENCH_* settings (chosen here). */
function inheritedEnv(): Record<string, string> {
  const kept = new Set(['BENCH_QUIET_SECONDS', 'BENCH_CPU_PROF_DIR']);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && (!entry[0].startsWith('BENCH_') || kept.has(entry[0])),
    ),
  );
}

let running: ChildProcess | undefined;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping`);
    stopping = true;
    // A benchmark cleans up after itself on SIGTERM; without one running, clean up here.
    if (running && running.exitCode === null) running.kill('SIGTERM');
    else void cleanUp().then(() => process.exit(130));
  });
}

async function runChild(
  name: Exclude<BenchName, 'references'>,
  resultFile: string,
): Promise<BenchResult | undefined> {
  const { env, argv } = childSettings(name);
  const tsx = createRequire(import.meta.url).resolve('tsx');
  say(`--- ${name} ---`);
  const child = spawn(
    process.execPath,
    ['--conditions=@vexora-checkout/source', '--import', tsx, `scripts/bench-${name}.ts`, ...argv],
    { cwd: repoRoot, env: { ...inheritedEnv(), ...env, BENCH_RESULT_FILE: resultFile }, stdio: 'inherit' },
  );
  running = child;
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  running = undefined;
  if (code !== 0 || !existsSync(resultFile)) {
    say(`${name} did not finish (exit ${code ?? 'signal'}): no figures`);
    return undefined;
  }
  return JSON.parse(await readFile(resultFile, 'utf8')) as BenchResult;
}

/** Installed versions from package-lock.json, e.g. { BullMQ: '6.7.0' }. */
function lockedVersions(): Record<string, string> {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = (name: string) => {
    const found = new Set(
      Object.entries(lock.packages)
        .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
        .map(([, entry]) => entry.version ?? '?'),
    );
    return [...found].join(' and ') || '?';
  };
  return {
    BullMQ: version('bullmq'),
    Prisma: version('prisma'),
    'Prisma Client': version('@prisma/client'),
    Express: version('express'),
    ioredis: version('ioredis'),
    pg: version('pg'),
  };
}

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

const clock = (date: Date) => date.toISOString().slice(11, 16);

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex');
  const startedAt = new Date();
  const loadBefore = loadAverage();
  await ensureDevServices();
  const admin = new pg.Pool({
    connectionString: withDatabase(devConfig.databaseUrl, 'postgres'),
    max: 2,
    application_name: 'vexora-bench',
  });
  // The final DROP DATABASE … WITH (FORCE) may cut an idle connection: not an error of the run.
  admin.on('error', () => undefined);
  cleanups.push({ name: 'close admin connection', run: () => admin.end() });
  const sql = pgSql(admin);
  const dir = await mkdtemp(join(os.tmpdir(), 'vexora-bench-'));
  cleanups.push({ name: `remove ${dir}`, run: () => rm(dir, { recursive: true, force: true }) });

  const results: Partial<Record<BenchName, BenchResult>> = {};
  // How long each part took: the full run should stay within ~8 minutes.
  const took: string[] = [];
  const timed = async <T>(name: string, part: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    try {
      return await part();
    } finally {
      took.push(`${name} ${((Date.now() - start) / 1000).toFixed(0)} s`);
    }
  };
  for (const name of ['api', 'pipeline', 'webhook'] as const) {
    if (!only.includes(name) || stopping) continue;
    const result = await timed(name, () => runChild(name, join(dir, `${name}.json`)));
    if (result) results[name] = result;
  }
  if (only.includes('references') && !stopping) {
    say('--- references (pgbench) ---');
    results.references = await timed('references', () =>
      runReferences(sql, { seconds: durations.references, clients: apiPoolSize, batchSize }, runId),
    );
  }
  if (stopping) throw new Error('stopped by a signal: docs not written');
  say(`took ${took.join(', ')}; ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s in all`);

  const redis = new Redis(devConfig.redisUrl, { maxRetriesPerRequest: 1 });
  const redisVersion = /redis_version:([^\r\n]+)/.exec(await redis.info('server'))?.[1] ?? '?';
  redis.disconnect();
  const postgresSettings: Record<string, string> = {};
  for (const name of ['fsync', 'synchronous_commit', 'shared_buffers', 'max_connections'])
    postgresSettings[name] = await showSetting(sql, name);
  const endedAt = new Date();
  const machine: MachineFacts = {
    when: `${startedAt.toISOString().slice(0, 10)} ${clock(startedAt)}-${clock(endedAt)} UTC`,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    vcpus: os.availableParallelism(),
    ramGiB: Math.round(os.totalmem() / 2 ** 30),
    os: osName(),
    kernel: os.release(),
    versions: {
      Node: process.version,
      PostgreSQL: (await showSetting(sql, 'server_version')).split(' ')[0] ?? '?',
      Redis: redisVersion,
      ...lockedVersions(),
    },
    postgresSettings,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
    mode: args.quick ? 'a --quick run (for checking the script, not figures to quote)' : 'the full run',
  };
  const report: BenchReport = { machine, results };
  const block = renderBenchmarksBlock(report);
  const readme = renderReadmeBlock(report);
  console.log(`\n${block}\n\nREADME:\n${readme}\n`);

  const missing = only.filter((name) => results[name] === undefined);
  if (missing.length > 0) throw new Error(`no figures from ${missing.join(', ')}: docs not written`);
  if (args.quick && !args.write) {
    say('--quick: docs not written (add --write to write them)');
  } else if (!ALL.every((name) => results[name] !== undefined)) {
    say(`docs not written: they need all of ${ALL.join(', ')} (this run: ${only.join(', ')})`);
  } else {
    await writeGeneratedBlock(join(repoRoot, 'docs', 'benchmarks.md'), block);
    await writeGeneratedBlock(join(repoRoot, 'README.md'), readme);
    say('wrote docs/benchmarks.md and README.md (between the bench markers)');
  }
}

await runThenCleanUp(main, { stack: true });
