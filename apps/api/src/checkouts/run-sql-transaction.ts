import { preparedStatement } from '@vexora-checkout/db';
import type pg from 'pg';

/** Tagged-template SQL over one connection: `${value}` becomes a bound parameter, never text. */
export interface SqlTransaction {
  execute(strings: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  query<Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<Row[]>;
  /** For statements without parameters only (SET LOCAL …). */
  executeUnsafe(text: string): Promise<void>;
}

export interface SqlTransactionOptions {
  /**
   * `lock_timeout` from the start of the transaction (SET LOCAL, in the same round trip as
   * BEGIN). A statement can lower it again with `set_config('lock_timeout', …, true)`.
   */
  lockTimeoutMs?: number;
  /**
   * `plan_cache_mode` for the named statements of this transaction (SET LOCAL, same round trip).
   * PostgreSQL's default re-plans a statement on each run until a generic plan looks no dearer,
   * which for the create path's big statements means planning on every single create (about
   * 0.4 ms of a backend's CPU); a 1,000-item batch, on the other hand, is better served by a
   * plan made for its sizes.
   */
  planCacheMode?: 'force_generic_plan' | 'force_custom_plan';
}

/**
 * Runs `work` in one transaction on one pooled connection: BEGIN, COMMIT, or ROLLBACK on any
 * error (rethrown). Plain node-postgres: the hot path of the api is too busy for an ORM's
 * per-statement overhead, and every round trip counts (each one is a wake-up of the api and of a
 * backend, which is where a busy two-core machine adds its delays).
 */
export async function runSqlTransaction<T>(
  pool: pg.Pool,
  work: (tx: SqlTransaction) => Promise<T>,
  options: SqlTransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  const run = (strings: TemplateStringsArray, values: unknown[]) => {
    // A named prepared statement: the create path runs the same dozen statements hundreds of
    // times a second, so every connection parses and plans each of them once.
    const text = strings.reduce((sql, part, index) => `${sql}$${index}${part}`);
    return client.query(preparedStatement(text, values));
  };
  const tx: SqlTransaction = {
    execute: async (strings, ...values) => (await run(strings, values)).rowCount ?? 0,
    query: async <Row>(strings: TemplateStringsArray, ...values: unknown[]) =>
      (await run(strings, values)).rows as Row[],
    executeUnsafe: async (text) => {
      await client.query(text);
    },
  };
  let broken = false;
  try {
    // BEGIN and its settings in one simple query: one round trip. Nothing in it comes from a
    // request (a number formatted here, a fixed word).
    const begin = ['BEGIN'];
    if (options.lockTimeoutMs !== undefined) {
      begin.push(`SET LOCAL lock_timeout = '${Math.max(1, Math.floor(options.lockTimeoutMs))}ms'`);
    }
    if (options.planCacheMode) begin.push(`SET LOCAL plan_cache_mode = ${options.planCacheMode}`);
    await client.query(begin.join('; '));
    const result = await work(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection itself failed: do not return it to the pool
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
