// PostgreSQL chores of the benchmark runs, for either client the scripts hold (Prisma or pg): a
// throwaway migrated database, the backends serving it, waiting until they are idle.
import { setTimeout as sleep } from 'node:timers/promises';
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { withDatabase } from '@vexora-checkout/testing/services';
import type pg from 'pg';
import { cleanups } from './bench-cleanups.js';
import { say } from './bench-support.js';
import { devConfig } from './dev-config.js';
import { runMigrations } from './run-migrations.js';

/** Raw SQL on the server, whichever client runs it. */
export interface SqlClient {
  query<Row>(sql: string, ...params: unknown[]): Promise<Row[]>;
  execute(sql: string): Promise<void>;
}

export function prismaSql(client: PrismaClient): SqlClient {
  return {
    query: <Row>(sql: string, ...params: unknown[]) => client.$queryRawUnsafe<Row[]>(sql, ...params),
    execute: async (sql) => void (await client.$executeRawUnsafe(sql)),
  };
}

export function pgSql(pool: pg.Pool): SqlClient {
  return {
    query: async <Row>(sql: string, ...params: unknown[]) => (await pool.query(sql, params)).rows as Row[],
    execute: async (sql) => void (await pool.query(sql)),
  };
}

/** Whether PostgreSQL at `url` answers a query within 5 s. */
export async function canConnectPostgres(url: string): Promise<boolean> {
  const probe = createPrismaClient({ databaseUrl: url, poolSize: 1, applicationName: 'vexora-bench' });
  try {
    await Promise.race([
      probe.$queryRawUnsafe('SELECT 1'),
      sleep(5_000).then(() => Promise.reject(new Error('timeout'))),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    // A connection attempt to a host that drops packets can outlive the timeout: do not wait for it.
    await Promise.race([probe.$disconnect(), sleep(1_000)]);
  }
}

/**
 * Creates `database` on the development server, or the one `serverUrl` names (dropped again at
 * cleanup), and migrates it. Returns its URL.
 */
export async function createBenchDatabase(
  admin: SqlClient,
  database: string,
  serverUrl: string = devConfig.databaseUrl,
): Promise<string> {
  await admin.execute(`CREATE DATABASE "${database}"`);
  cleanups.push({
    name: `drop ${database}`,
    run: async () => {
      await admin.execute(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      say(`dropped ${database}`);
    },
  });
  const databaseUrl = withDatabase(serverUrl, database);
  say(`created ${database}; migrating`);
  await runMigrations(databaseUrl);
  return databaseUrl;
}

/** A server setting as SHOW prints it, or "?". */
export async function showSetting(admin: SqlClient, name: string): Promise<string> {
  return (await admin.query<Record<string, string>>(`SHOW ${name}`))[0]?.[name] ?? '?';
}

/**
 * Backends serving `database`, plus the server processes of `backendTypes` (e.g. the WAL writer
 * that flushes their commits): whose CPU counts as PostgreSQL's.
 */
export async function backendPids(
  admin: SqlClient,
  database: string,
  backendTypes: readonly string[],
): Promise<number[]> {
  // The types are constants of the scripts, not input: written into the statement as literals.
  const types = backendTypes.map((type) => `'${type}'`).join(', ');
  const rows = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 OR backend_type IN (${types})`,
    database,
  );
  return rows.map((row) => Number(row.pid));
}

/**
 * Waits (at most `timeoutMs`) until no backend of `database` is working or inside a transaction:
 * a scenario that overloaded an app leaves requests behind (their clients gave up; the app did
 * not), and they must not run into the next scenario.
 */
export async function waitForIdleBackends(
  admin: SqlClient,
  database: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 3 && Date.now() < deadline) {
    const [row] = await admin.query<{ busy: bigint | string }>(
      `SELECT count(*) AS busy FROM pg_stat_activity
       WHERE datname = $1 AND state IN ('active', 'idle in transaction')`,
      database,
    );
    quiet = Number(row?.busy ?? 0) === 0 ? quiet + 1 : 0;
    await sleep(100);
  }
}
