import { expect, test, waitUntil } from '@vexora-checkout/testing';
import pg from 'pg';
import { guardPoolConnections } from './guard-pool-connections.js';

test('a checked-out client whose backend is terminated fails its next query instead of crashing the process', async ({
  databaseUrl,
}) => {
  const pool = guardPoolConnections(new pg.Pool({ connectionString: databaseUrl, max: 1 }));
  pool.on('error', () => undefined);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0]!.pid;
    // No query is running on the client when its connection ends: node-postgres emits `error` on
    // it, which without the guard is an uncaught exception (vitest fails the run on one).
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitUntil(
      async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount,
      (count) => count === 0,
      { what: 'the backend to be gone' },
    );
    const failure = await client.query('SELECT 1').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    client.release(failure as Error);
    // The pool replaced the broken client.
    const again = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(again.rows[0]?.one).toBe(1);
  } finally {
    await admin.end();
    await pool.end();
  }
});
