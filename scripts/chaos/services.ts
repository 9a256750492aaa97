// The chaos run's own PostgreSQL and Redis: started on free ports in a temporary directory,
// never the development services nor the test harness's, because the run restarts them.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findFreePort,
  findPostgresBinaries,
  findRedisServer,
  runCommand,
  startLocalPostgres,
  startLocalRedis,
  stopLocalRedis,
  type LocalPostgres,
  type PostgresBinaries,
} from '@vexora-checkout/dev-services';
import pg from 'pg';
import { withDatabase } from '@vexora-checkout/testing/services';
import { runMigrations } from '../run-migrations.js';

export interface ChaosServices {
  databaseUrl: string;
  redisUrl: string;
  /** Redis stops with SIGTERM (its append-only file is flushed) and starts again on the same files. */
  restartRedisKeepingData(): Promise<void>;
  /** Redis stops, its files are deleted, and it starts empty. */
  restartRedisLosingData(): Promise<void>;
  /** `pg_ctl restart -m fast`: every connection is cut, open transactions roll back. */
  restartPostgres(): Promise<void>;
  /**
   * PostgreSQL stops (fast), stays down for `downMs`, and starts again: every write in that time
   * fails, so a webhook receiver must answer 503 (never `OK`) and the sandbox retries later.
   */
  interruptPostgres(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

async function pgCtl(binaries: PostgresBinaries, args: string[]): Promise<void> {
  const result = isRoot()
    ? await runCommand('runuser', ['-u', 'postgres', '--', binaries.pgCtl, ...args])
    : await runCommand(binaries.pgCtl, args);
  if (result.code !== 0) {
    throw new Error(`pg_ctl ${args.at(-1)} failed: ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

export async function startChaosServices(log: (message: string) => void): Promise<ChaosServices> {
  const binaries = findPostgresBinaries({ path: process.env.PATH });
  const redisServer = findRedisServer({ path: process.env.PATH });
  const dir = await mkdtemp(join(tmpdir(), 'vexora-chaos-'));
  // As root, the postgres OS user must traverse the directory to reach its data directory.
  await chmod(dir, 0o755);
  const pgDataDir = join(dir, 'postgres');
  const redisDir = join(dir, 'redis');
  const [pgPort, redisPort] = [await findFreePort(), await findFreePort()];
  let postgres: LocalPostgres | undefined;
  let redisStarted = false;
  const stop = async () => {
    if (redisStarted) await stopLocalRedis(redisDir).catch(() => undefined);
    if (postgres) await postgres.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // fsync off: a fast restart is a clean shutdown, so nothing is lost by it.
    postgres = await startLocalPostgres({ dataDir: pgDataDir, port: pgPort, binaries, ephemeral: true });
    const redisOptions = { dir: redisDir, port: redisPort, redisServer, persistent: true };
    await startLocalRedis(redisOptions);
    redisStarted = true;
    log(`PostgreSQL on ${pgPort}, Redis (append-only file) on ${redisPort}, in ${dir}`);

    const admin = new pg.Pool({ connectionString: postgres.adminUrl, max: 1 });
    try {
      await admin.query('CREATE DATABASE chaos');
    } finally {
      await admin.end();
    }
    const databaseUrl = withDatabase(postgres.adminUrl, 'chaos');
    await runMigrations(databaseUrl);

    return {
      databaseUrl,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      async restartRedisKeepingData() {
        await stopLocalRedis(redisDir);
        await startLocalRedis(redisOptions);
      },
      async restartRedisLosingData() {
        await stopLocalRedis(redisDir);
        await rm(join(redisDir, 'appendonlydir'), { recursive: true, force: true });
        await rm(join(redisDir, 'appendonly.aof'), { force: true });
        await rm(join(redisDir, 'dump.rdb'), { force: true });
        await startLocalRedis(redisOptions);
      },
      async restartPostgres() {
        await pgCtl(binaries, [
          '-D',
          pgDataDir,
          '-l',
          join(pgDataDir, 'server.log'),
          '-m',
          'fast',
          '-w',
          '-t',
          '60',
          'restart',
        ]);
      },
      async interruptPostgres(downMs) {
        await pgCtl(binaries, ['-D', pgDataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
        // The outage's length is the fault itself, not a wait for some condition.
        await new Promise((resolve) => setTimeout(resolve, downMs));
        await startLocalPostgres({ dataDir: pgDataDir, port: pgPort, binaries, ephemeral: true });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
