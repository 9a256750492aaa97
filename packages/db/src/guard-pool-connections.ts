import type pg from 'pg';

/**
 * Keeps a lost connection from killing the process. node-postgres emits `error` on a client whose
 * connection ends while no query is running on it; the pool listens only while the client is idle
 * in the pool. A client that is checked out (a transaction between two statements, a relay batch
 * waiting on Redis) and loses its connection to a PostgreSQL restart or `pg_terminate_backend`
 * would emit an `error` nobody hears: an uncaught exception, and the process dies. With a
 * listener on every client, the statement in flight, or the next one, fails instead, and the
 * pool discards the broken client when it is released. Idle losses are left to the pool's own
 * `error` listeners (which the callers add).
 */
export function guardPoolConnections(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}
