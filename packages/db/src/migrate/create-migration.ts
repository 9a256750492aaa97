import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { DiffTarget, SchemaFilter } from '@prisma/schema-engine-wasm';
import { formatMigrationTimestamp } from './format-migration-timestamp.js';
import { openSchemaEngine } from './open-schema-engine.js';
import { parseDatabaseUrl } from './parse-database-url.js';
import { readMigrations } from './read-migrations.js';
import { readSchemaFiles } from './read-schema-files.js';
import { renderMigrationLock } from './render-migration-lock.js';
import { validateMigrationName } from './validate-migration-name.js';

export interface CreateMigrationOptions {
  /** The server hosting the shadow database; the database itself is neither read nor changed. */
  databaseUrl: string;
  schemaPath: string;
  migrationsDir: string;
  /** Lowercase letters, digits and underscores (see `validateMigrationName`). */
  name: string;
  /** The migration's timestamp; defaults to now. */
  now?: Date;
  onEngineLog?: (line: string) => void;
}

export type CreateMigrationResult =
  | {
      created: true;
      /** `<yyyyMMddHHmmss>_<name>`, the directory name and the row name in _prisma_migrations. */
      migrationName: string;
      /** Absolute path of the new migration.sql. */
      migrationPath: string;
      script: string;
      /** migration_lock.toml did not exist and was written. */
      lockfileCreated: boolean;
    }
  | { created: false; reason: string };

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Writes the migration that takes the database from what the migrations directory produces to
 * what schema.prisma describes, like `prisma migrate dev --create-only --name <name>` minus the
 * dev database: the migrations are replayed into a shadow database that is dropped afterwards.
 * Nothing is written when there is no change.
 *
 * The engine's own `createMigration` cannot reach a shadow database through a driver adapter
 * (the Wasm engine passes it no adapter factory), so the script comes from `diff`, the command
 * behind `prisma migrate diff --from-migrations --to-schema --script`: the same SQL, without the
 * data-loss warning comment `migrate dev` would put on top of destructive steps.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const invalid = validateMigrationName(options.name);
  if (invalid !== undefined) {
    throw new Error(invalid);
  }
  const migrationsList = await readMigrations(options.migrationsDir);
  const { content: lockContent } = migrationsList.lockfile;
  if (lockContent !== null && !/^\s*provider\s*=\s*"postgresql"\s*$/m.test(lockContent)) {
    throw new Error(
      `${path.join(migrationsList.baseDir, 'migration_lock.toml')} is not for provider "postgresql".`,
    );
  }
  const migrationName = `${formatMigrationTimestamp(options.now ?? new Date())}_${options.name}`;
  const latest = migrationsList.migrationDirectories.at(-1)?.path;
  if (latest !== undefined && latest.localeCompare(migrationName) >= 0) {
    // Migrations apply in name order: an earlier name would be applied out of order elsewhere.
    throw new Error(
      `The new migration ${migrationName} would sort before the latest one, ${latest}. Is the clock right?`,
    );
  }

  const schemaFiles = await readSchemaFiles(options.schemaPath);
  const session = await openSchemaEngine({
    databaseUrl: await findExistingDatabase(options.databaseUrl),
    schemaFiles,
    onEngineLog: options.onEngineLog,
  });
  let diff: { exitCode: number; stdout: string | null };
  try {
    // Replayed even when there is no migration yet: a diff from "empty" would start with
    // CREATE SCHEMA "public", which `migrate dev` (replaying into a shadow database) never writes.
    // The engine needs a lock file to know the provider; the one about to be written will do.
    const from: DiffTarget = {
      tag: 'migrations',
      ...migrationsList,
      lockfile: { ...migrationsList.lockfile, content: lockContent ?? renderMigrationLock() },
    };
    diff = await session.engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: schemaFiles },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
  } finally {
    await session.close();
  }
  if (diff.exitCode === 0 || diff.stdout === null) {
    return {
      created: false,
      reason: `No migration written: ${options.schemaPath} and the migrations in ${options.migrationsDir} already describe the same schema.`,
    };
  }

  const directory = path.join(migrationsList.baseDir, migrationName);
  const migrationPath = path.join(directory, 'migration.sql');
  // recursive: the migrations directory itself may not exist yet; an existing target is an error.
  await mkdir(migrationsList.baseDir, { recursive: true });
  await mkdir(directory);
  await writeFile(migrationPath, diff.stdout, 'utf8');
  const lockfileCreated = lockContent === null;
  if (lockfileCreated) {
    await writeFile(
      path.join(migrationsList.baseDir, migrationsList.lockfile.path),
      renderMigrationLock(),
      'utf8',
    );
  }
  return { created: true, migrationName, migrationPath, script: diff.stdout, lockfileCreated };
}

/**
 * The engine insists on connecting to a database when it starts, though creating a migration
 * only needs the server (for the shadow database). A fresh clone may not have migrated yet, so
 * fall back to the `postgres` maintenance database rather than creating the real one.
 */
async function findExistingDatabase(databaseUrl: string): Promise<string> {
  const { host, port, user, password, ssl, database } = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ host, port, user, password, ssl, database });
  try {
    await client.connect();
    return databaseUrl;
  } catch (error) {
    if (typeof error !== 'object' || error === null || !('code' in error) || error.code !== '3D000')
      throw error;
    const url = new URL(databaseUrl);
    url.pathname = '/postgres';
    return url.toString();
  } finally {
    await client.end().catch(() => undefined);
  }
}
