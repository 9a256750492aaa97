/** Connection settings for node-postgres, as discrete fields. */
export interface PgConnectionFields {
  host: string;
  port: number;
  /** Undefined lets node-postgres pick its default (the OS user), as libpq does. */
  user: string | undefined;
  password: string | undefined;
  database: string;
  /** Prisma's `?schema=` parameter: the schema the engine migrates (default `public`). */
  schema: string | undefined;
  ssl: false | { rejectUnauthorized: boolean };
}

const SSL_MODES: Record<string, PgConnectionFields['ssl']> = {
  disable: false,
  // node-postgres cannot fall back from TLS to plain text: "allow" and "prefer" mean plain text.
  allow: false,
  prefer: false,
  require: { rejectUnauthorized: false },
  'verify-ca': { rejectUnauthorized: true },
  'verify-full': { rejectUnauthorized: true },
};

/**
 * Splits a `postgresql://` URL into discrete fields. The shadow database needs the same server
 * and credentials with another database name, and @prisma/adapter-pg ignores a `database` given
 * next to a `connectionString`, so connection strings never reach the adapter.
 */
export function parseDatabaseUrl(databaseUrl: string): PgConnectionFields {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error(
      'The database URL is not a valid URL (expected postgresql://user:password@host:port/db).',
    );
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`The database URL must start with postgresql:// (got ${url.protocol}//).`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new Error('The database URL must name exactly one database, e.g. postgresql://host:5432/mydb.');
  }
  const sslMode = url.searchParams.get('sslmode') ?? 'disable';
  const ssl = SSL_MODES[sslMode];
  if (ssl === undefined) {
    throw new Error(`Unsupported sslmode "${sslMode}" in the database URL.`);
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_$-]*$/.test(schema)) {
    throw new Error(`Unsupported schema name "${schema}" in the database URL.`);
  }
  return {
    // A socket directory can only be given as ?host=, since a path does not fit the authority.
    host:
      url.searchParams.get('host') ??
      (decodeURIComponent(url.hostname.replace(/^\[|\]$/g, '')) || 'localhost'),
    port: url.port === '' ? 5432 : Number(url.port),
    user: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    database,
    schema,
    ssl,
  };
}
