import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  ConnectionInfo,
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { CatalogTextPgClient } from './catalog-text-pg-client.js';
import { parseDatabaseUrl, type PgConnectionFields } from './parse-database-url.js';

/** A driver adapter factory for the schema engine that can release everything it opened. */
export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** The main database's connection fields. */
  readonly connection: PgConnectionFields;
  /**
   * Ends every pool the engine opened through this factory and drops any shadow database still
   * around. `SchemaEngine.free()` does neither.
   */
  close(): Promise<void>;
}

const SHADOW_DATABASE_PREFIX = 'prisma_migrate_shadow_db_';

/**
 * The @prisma/adapter-pg factory with its migration bugs fixed (7.10.1):
 * - catalog `"char"` columns fail to deserialize: pools use {@link CatalogTextPgClient};
 * - `connectToShadowDb` keeps the main database when configured with a connection string, and
 *   drops the shadow database while its own pool is still connected to it: connections are made
 *   from discrete fields, and the shadow pool is ended before `DROP DATABASE`;
 * - `executeScript` splits on `;` (breaking `$$` bodies) and runs statements one by one (a
 *   failure leaves the first half applied): the script is sent as one simple query, which
 *   Postgres runs as one implicit transaction, exactly what the native schema engine does.
 */
export function createMigrationAdapter(databaseUrl: string): MigrationAdapterFactory {
  return new PatchedPgAdapterFactory(parseDatabaseUrl(databaseUrl));
}

class PatchedPgAdapterFactory implements MigrationAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  private readonly openAdapters = new Set<SqlDriverAdapter>();
  private readonly shadowDatabases = new Set<string>();

  constructor(readonly connection: PgConnectionFields) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.open(this.connection.database, async (inner) => inner.dispose());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const database = `${SHADOW_DATABASE_PREFIX}${randomUUID()}`;
    await this.runOnServer(`CREATE DATABASE ${quoteIdentifier(database)}`);
    this.shadowDatabases.add(database);
    try {
      return await this.open(database, async (inner) => {
        await inner.dispose();
        await this.dropShadowDatabase(database);
      });
    } catch (error) {
      await this.dropShadowDatabase(database);
      throw error;
    }
  }

  async close(): Promise<void> {
    const failures: unknown[] = [];
    for (const adapter of [...this.openAdapters]) {
      await adapter.dispose().catch((error: unknown) => failures.push(error));
    }
    for (const database of [...this.shadowDatabases]) {
      await this.dropShadowDatabase(database).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, 'Could not release every migration connection');
    }
  }

  private async open(
    database: string,
    release: (inner: SqlDriverAdapter) => Promise<void>,
  ): Promise<SqlDriverAdapter> {
    const { schema } = this.connection;
    const factory = new PrismaPg(this.poolConfig(database), schema === undefined ? undefined : { schema });
    const inner = await factory.connect();
    const adapter: SqlDriverAdapter = new WholeScriptAdapter(inner, async () => {
      this.openAdapters.delete(adapter);
      await release(inner);
    });
    this.openAdapters.add(adapter);
    return adapter;
  }

  private poolConfig(database: string): pg.PoolConfig {
    const { host, port, user, password, ssl, schema } = this.connection;
    return {
      host,
      port,
      user,
      password,
      database,
      ssl,
      // Migration scripts use unqualified names: the native engine sets the search path too.
      options: schema === undefined ? undefined : `-c search_path="${schema}"`,
      Client: CatalogTextPgClient,
      // One session, as the native engine has: it takes a session-level advisory lock and never
      // unlocks it, so a second pooled connection running the next applyMigrations would wait
      // on its own lock. The engine runs one query at a time and uses no transactions here.
      max: 1,
    };
  }

  private async dropShadowDatabase(database: string): Promise<void> {
    if (!this.shadowDatabases.has(database)) return;
    this.shadowDatabases.delete(database);
    await this.runOnServer(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`);
  }

  /**
   * Runs a statement that cannot run inside the database it affects, on a short-lived
   * connection: the main database, or the maintenance database when the main one does not exist
   * yet (a fresh clone can create a migration before ever migrating).
   */
  private async runOnServer(sql: string): Promise<void> {
    const { host, port, user, password, ssl } = this.connection;
    let lastError: unknown;
    for (const database of [this.connection.database, 'postgres', 'template1']) {
      const client = new pg.Client({ host, port, user, password, ssl, database });
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        if (isMissingDatabase(error)) {
          lastError = error;
          continue;
        }
        throw error;
      }
      try {
        await client.query(sql);
        return;
      } finally {
        await client.end();
      }
    }
    throw lastError;
  }
}

/** Delegates to the adapter-pg adapter, except for `executeScript`. */
class WholeScriptAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;
  private disposed = false;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly release: () => Promise<void>,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.inner.queryRaw(query);
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.inner.executeRaw(query);
  }

  async executeScript(script: string): Promise<void> {
    // No parameters means node-postgres uses the simple query protocol, which accepts several
    // statements and runs them as one transaction; going through executeRaw keeps the adapter's
    // mapping of Postgres errors, so the engine records the real error in _prisma_migrations.
    await this.inner.executeRaw({ sql: script, args: [], argTypes: [] });
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.inner.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ConnectionInfo {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.release();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function isMissingDatabase(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '3D000';
}
