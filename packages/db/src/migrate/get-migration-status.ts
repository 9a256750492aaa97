import path from 'node:path';
import type { DiffTarget, MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import { describeEngineError } from './describe-engine-error.js';
import { openSchemaEngine } from './open-schema-engine.js';
import { readMigrations } from './read-migrations.js';
import { readSchemaFiles } from './read-schema-files.js';
import { renderMigrationLock } from './render-migration-lock.js';

export interface GetMigrationStatusOptions {
  databaseUrl: string;
  migrationsDir: string;
  schemaPath: string;
  /** Compare schema.prisma with the migrations (needs a shadow database). Default true. */
  checkDrift?: boolean;
  onEngineLog?: (line: string) => void;
}

export interface MigrationStatus {
  /** True when nothing below needs attention. */
  ok: boolean;
  /** Every migration directory, in order. */
  localMigrationNames: string[];
  hasMigrationsTable: boolean;
  /** In the directory, not yet applied. */
  pendingMigrationNames: string[];
  /** Recorded as failed in _prisma_migrations (they block `migrate`). */
  failedMigrationNames: string[];
  /** Applied, but their migration.sql changed since (checksum mismatch). */
  editedMigrationNames: string[];
  /** Applied to the database, absent from the directory. */
  missingLocallyMigrationNames: string[];
  /**
   * The SQL a new migration would need so the migrations produce what schema.prisma describes;
   * null when they agree, or when the check was skipped (`driftChecked` false).
   */
  drift: string | null;
  driftChecked: boolean;
  /** One human-readable sentence (or paragraph) per problem. */
  problems: string[];
}

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * What `prisma migrate status` reports (pending, failed, missing migrations), plus the two checks
 * it leaves out: applied migrations whose file was edited since, and drift between schema.prisma
 * and the migrations (computed by replaying them into a throwaway shadow database).
 */
export async function getMigrationStatus(options: GetMigrationStatusOptions): Promise<MigrationStatus> {
  const migrationsList = await readMigrations(options.migrationsDir);
  const schemaFiles = await readSchemaFiles(options.schemaPath);
  const session = await openSchemaEngine({
    databaseUrl: options.databaseUrl,
    schemaFiles,
    onEngineLog: options.onEngineLog,
  });
  try {
    const diagnosis = await session.engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTERS,
    });
    const { history } = diagnosis;
    const pending =
      history !== null && history.diagnostic !== 'migrationsDirectoryIsBehind'
        ? history.unappliedMigrationNames
        : [];
    const missing =
      history !== null && history.diagnostic !== 'databaseIsBehind' ? history.unpersistedMigrationNames : [];
    const localMigrationNames = migrationsList.migrationDirectories.map((directory) => directory.path);
    const migrationsDir = options.migrationsDir;
    const problems: string[] = [];

    const lockProblem = checkLockfile(migrationsList, migrationsDir);
    if (lockProblem !== undefined) problems.push(lockProblem);
    if (diagnosis.failedMigrationNames.length > 0) {
      problems.push(
        `Failed migrations (nothing more can be applied until they are resolved): ${diagnosis.failedMigrationNames.join(', ')}. ` +
          'Undo or complete their changes by hand, then mark them so (tsx packages/db/src/cli/db.ts resolve ' +
          '--rolled-back <migration> to apply a fixed version again, --applied <migration> otherwise).',
      );
    }
    if (pending.length > 0) {
      problems.push(`Migrations not yet applied: ${pending.join(', ')}. Run npm run db:migrate.`);
    }
    if (diagnosis.editedMigrationNames.length > 0) {
      problems.push(
        `Applied migrations whose migration.sql was edited since (checksum mismatch): ${diagnosis.editedMigrationNames.join(', ')}. ` +
          'Restore the applied version and put the change in a new migration.',
      );
    }
    if (missing.length > 0) {
      const common =
        history?.diagnostic === 'historiesDiverge' && history.lastCommonMigrationName !== null
          ? ` (the last migration both have is ${history.lastCommonMigrationName})`
          : '';
      problems.push(
        `Migrations applied to the database but missing from ${migrationsDir}${common}: ${missing.join(', ')}.`,
      );
    }

    let driftChecked = (options.checkDrift ?? true) && lockProblem === undefined;
    let drift: string | null = null;
    if (driftChecked) {
      try {
        drift = await computeDrift(session.engine, migrationsList, schemaFiles);
      } catch (error) {
        // Typically a migration that does not replay on an empty database: a problem in itself.
        driftChecked = false;
        problems.push(
          `Could not compare ${options.schemaPath} with the migrations: ${describeEngineError(error)}`,
        );
      }
    }
    if (drift !== null) {
      problems.push(
        `${options.schemaPath} has changes no migration contains ` +
          '(create one with npm run db:migration -- --name <name>). The missing migration:\n' +
          drift.trimEnd(),
      );
    }

    return {
      ok: problems.length === 0,
      localMigrationNames,
      hasMigrationsTable: diagnosis.hasMigrationsTable,
      pendingMigrationNames: pending,
      failedMigrationNames: diagnosis.failedMigrationNames,
      editedMigrationNames: diagnosis.editedMigrationNames,
      missingLocallyMigrationNames: missing,
      drift,
      driftChecked,
      problems,
    };
  } finally {
    await session.close();
  }
}

function checkLockfile(migrationsList: MigrationList, migrationsDir: string): string | undefined {
  const { content } = migrationsList.lockfile;
  if (content === null) {
    return migrationsList.migrationDirectories.length === 0
      ? undefined
      : `${path.join(migrationsDir, 'migration_lock.toml')} is missing (drift not checked).`;
  }
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(content)?.[1];
  return provider === 'postgresql'
    ? undefined
    : `${path.join(migrationsDir, 'migration_lock.toml')} is for provider "${provider ?? '?'}", not "postgresql" (drift not checked).`;
}

async function computeDrift(
  engine: SchemaEngine,
  migrationsList: MigrationList,
  files: { path: string; content: string }[],
): Promise<string | null> {
  // Replayed into a shadow database even when there is none yet ("empty" would differ from a
  // fresh database by CREATE SCHEMA "public"); with no migration, no lock file is fine.
  const from: DiffTarget = {
    tag: 'migrations',
    ...migrationsList,
    lockfile: {
      ...migrationsList.lockfile,
      content: migrationsList.lockfile.content ?? renderMigrationLock(),
    },
  };
  const result = await engine.diff({
    from,
    to: { tag: 'schemaDatamodel', files },
    script: true,
    exitCode: true,
    filters: NO_FILTERS,
  });
  // exitCode 2 means "the diff is not empty" (the --exit-code convention of prisma migrate diff).
  return result.exitCode === 0 ? null : (result.stdout ?? '');
}
