import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import { ApplyMigrationsError } from './apply-migrations-error.js';
import { describeEngineError } from './describe-engine-error.js';
import { openSchemaEngine } from './open-schema-engine.js';
import { readMigrations } from './read-migrations.js';
import { readSchemaFiles } from './read-schema-files.js';

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  migrationsDir: string;
  /** Optional: only its datasource is read (multiSchema namespaces). */
  schemaPath?: string;
  onEngineLog?: (line: string) => void;
}

export interface ApplyMigrationsResult {
  /** In the order they were applied; empty when the database was up to date. */
  appliedMigrationNames: string[];
}

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Applies the pending migrations, like `prisma migrate deploy`: each one in its own transaction,
 * recorded in _prisma_migrations exactly as the CLI records it. Refuses to run while a failed
 * migration is recorded (the CLI's P3009). The database must exist (see `ensureDatabaseExists`).
 *
 * @throws ApplyMigrationsError naming the failed migration and the Postgres error.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const migrationsList = await readMigrations(options.migrationsDir);
  const schemaFiles =
    options.schemaPath === undefined ? undefined : await readSchemaFiles(options.schemaPath);
  const session = await openSchemaEngine({
    databaseUrl: options.databaseUrl,
    schemaFiles,
    onEngineLog: options.onEngineLog,
  });
  try {
    const pendingBefore = await listPending(session.engine, migrationsList);
    try {
      const { appliedMigrationNames } = await session.engine.applyMigrations({
        migrationsList,
        filters: NO_FILTERS,
      });
      return { appliedMigrationNames };
    } catch (error) {
      throw await explainFailure(session.engine, migrationsList, pendingBefore, error);
    }
  } finally {
    await session.close();
  }
}

async function listPending(
  engine: SchemaEngine,
  migrationsList: MigrationList,
): Promise<string[] | undefined> {
  try {
    const { history } = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTERS,
    });
    return history?.diagnostic === 'databaseIsBehind' ? history.unappliedMigrationNames : [];
  } catch {
    // applyMigrations reports the underlying problem (unreachable database, ...) better.
    return undefined;
  }
}

/** The engine's error names neither the migration nor what was applied before it. */
async function explainFailure(
  engine: SchemaEngine,
  migrationsList: MigrationList,
  pendingBefore: string[] | undefined,
  error: unknown,
): Promise<ApplyMigrationsError> {
  const reason = describeEngineError(error);
  let failed: string | undefined;
  let applied: string[] = [];
  try {
    const diagnosis = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTERS,
    });
    const pendingAfter = new Set(
      diagnosis.history?.diagnostic === 'databaseIsBehind' ? diagnosis.history.unappliedMigrationNames : [],
    );
    const failedNow = new Set(diagnosis.failedMigrationNames);
    failed = pendingBefore?.find((name) => failedNow.has(name));
    applied = (pendingBefore ?? []).filter((name) => !pendingAfter.has(name) && !failedNow.has(name));
  } catch {
    // Keep the original error: the database is probably unreachable.
  }
  const message =
    failed === undefined
      ? `Migrations could not be applied: ${reason}`
      : `Migration ${failed} failed: ${reason}`;
  return new ApplyMigrationsError(message, failed, applied, { cause: error });
}
