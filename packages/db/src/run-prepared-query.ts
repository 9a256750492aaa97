import type pg from 'pg';

/** Something that runs one SQL statement: a pool (autocommit) or one checked-out connection. */
export type SqlQueryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

// Every distinct statement text gets one name for the life of the process, so each connection
// parses and plans it once (a named prepared statement) and later runs send only the values.
const statementNames = new Map<string, string>();

/**
 * The query config of `text` as a named prepared statement: the same text always gets the same
 * name. For callers that need more of the result than its rows (rowCount, in a transaction).
 */
export function preparedStatement(text: string, values: readonly unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (!name) {
    name = `vxq_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return { name, text, values: values as unknown[] };
}

/**
 * Runs one statement as a named prepared statement and returns its rows. `text` uses `$1…$n`
 * placeholders; values are always bound, never spliced into the text. On a pool the statement
 * runs in its own transaction (autocommit), which is what a single-statement step wants: no
 * BEGIN/COMMIT round trips.
 */
export async function runPreparedQuery<Row>(
  db: SqlQueryable,
  text: string,
  values: readonly unknown[],
): Promise<Row[]> {
  const result = await db.query<Row & pg.QueryResultRow>(preparedStatement(text, values));
  return result.rows;
}
