import { guardPoolConnections } from '@vexora-checkout/db';
import pg from 'pg';
import { settleWithin } from './settle-within.js';

/**
 * The metrics' own small pool: a scrape never waits behind the jobs for a connection, never
 * holds more than two, gives up connecting after 2 s (an unreachable database must not hang
 * the scrape), and no statement it sends runs longer than 30 s.
 */
export function createMetricsPool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 2,
    application_name: 'vexora-worker-metrics',
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 60_000,
    statement_timeout: 30_000,
  });
  // An idle connection that dies emits on the pool; the next query gets a fresh one.
  pool.on('error', () => undefined);
  // A connection lost while a scrape holds it fails that scrape, not the process.
  return guardPoolConnections(pool);
}

/**
 * Ends the pool, waiting at most `waitMs` for a count still running (one may take seconds on a
 * big table): stopping the process must not wait for a metric.
 */
export async function endMetricsPool(pool: pg.Pool, waitMs = 2_000): Promise<void> {
  await settleWithin(pool.end(), waitMs, 'the metrics pool').catch(() => undefined);
}
