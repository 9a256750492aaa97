import type { SchemaFilter } from '@prisma/schema-engine-wasm';
import { openSchemaEngine } from './open-schema-engine.js';
import { readMigrations } from './read-migrations.js';

export interface ResolveMigrationOptions {
  databaseUrl: string;
  migrationsDir: string;
  migrationName: string;
  /**
   * `rolled-back`: the failed migration's effects were undone by hand (it will be applied again);
   * `applied`: its effects were completed by hand (it will not be applied again).
   */
  resolution: 'rolled-back' | 'applied';
  onEngineLog?: (line: string) => void;
}

const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Marks a migration rolled back or applied, like `prisma migrate resolve`. A failed migration
 * blocks every later `applyMigrations` until it is resolved, and without the native engine this
 * is the only way to resolve it.
 */
export async function resolveMigration(options: ResolveMigrationOptions): Promise<void> {
  const migrationsList = await readMigrations(options.migrationsDir);
  const session = await openSchemaEngine({
    databaseUrl: options.databaseUrl,
    onEngineLog: options.onEngineLog,
  });
  try {
    if (options.resolution === 'applied') {
      await session.engine.markMigrationApplied({ migrationName: options.migrationName, migrationsList });
      return;
    }
    // The engine marks rolled back whatever name it is given; the CLI first checks it failed.
    const { failedMigrationNames } = await session.engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTERS,
    });
    if (!failedMigrationNames.includes(options.migrationName)) {
      throw new Error(
        `Migration ${options.migrationName} is not in a failed state, so it cannot be marked rolled back.`,
      );
    }
    await session.engine.markMigrationRolledBack({ migrationName: options.migrationName });
  } finally {
    await session.close();
  }
}
