// The migration tool: Prisma's WebAssembly schema engine over node-postgres, writing
// _prisma_migrations exactly as `prisma migrate` does, so both tools can share a database.
export {
  applyMigrations,
  type ApplyMigrationsOptions,
  type ApplyMigrationsResult,
} from './apply-migrations.js';
export { ApplyMigrationsError } from './apply-migrations-error.js';
export { computeMigrationChecksum } from './compute-migration-checksum.js';
export {
  createMigration,
  type CreateMigrationOptions,
  type CreateMigrationResult,
} from './create-migration.js';
export { createMigrationAdapter, type MigrationAdapterFactory } from './create-migration-adapter.js';
export { describeEngineError } from './describe-engine-error.js';
export { ensureDatabaseExists } from './ensure-database-exists.js';
export { formatMigrationTimestamp } from './format-migration-timestamp.js';
export {
  getMigrationStatus,
  type GetMigrationStatusOptions,
  type MigrationStatus,
} from './get-migration-status.js';
export { loadSchemaEngine, type SchemaEngineModule } from './load-schema-engine.js';
export {
  openSchemaEngine,
  type OpenSchemaEngineOptions,
  type SchemaEngineSession,
} from './open-schema-engine.js';
export { parseDatabaseUrl, type PgConnectionFields } from './parse-database-url.js';
export { readMigrations } from './read-migrations.js';
export { readSchemaFiles } from './read-schema-files.js';
export { renderMigrationLock } from './render-migration-lock.js';
export { resolveMigration, type ResolveMigrationOptions } from './resolve-migration.js';
export { validateMigrationName } from './validate-migration-name.js';
