import type pg from 'pg';

/** Tagged-template SQL over one connection: `${value}` becomes a bound parameter, never text. */
export interface SqlTransaction {
  execute(strings: TemplateStringsArray, ...values: unknown[]): Promise<number>;
  query<Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<Row[]>;
  /** For statements without parameters only (SET LOCAL …). */
  executeUnsafe(text: string): Promise<void>;
}

// Each distinct statement gets a name, so every connection parses and plans it once (named
// prepared statements): the create path runs the same dozen statements hundreds of times a second.
const statementNames = new Map<string, string>();

function nameOf(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `vx_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Runs `work` in one transaction on one pooled connection: BEGIN, COMMIT, or ROLLBACK on any
 * error (rethrown). Plain node-postgres: the hot path of the api is too busy for an ORM's
 * per-statement overhead.
 */
export async function runSqlTransaction<T>(
  pool: pg.Pool,
  work: (tx: SqlTransaction) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const run = (strings: TemplateStringsArray, values: unknown[]) => {
    const text = strings.reduce((sql, part, index) => `${sql}$${index}${part}`);
    return client.query({ name: nameOf(text), text, values });
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
    await client.query('BEGIN');
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
