import pg from 'pg';

/** Runs one query on a short-lived connection (closed before returning, for the leak check). */
export async function queryDatabase<Row extends pg.QueryResultRow = Record<string, unknown>>(
  databaseUrl: string,
  sql: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
