/** `applyMigrations` stopped on a migration that Postgres rejected (or could not start). */
export class ApplyMigrationsError extends Error {
  override readonly name = 'ApplyMigrationsError';

  constructor(
    message: string,
    /** The migration now recorded as failed in _prisma_migrations, when known. */
    readonly failedMigrationName: string | undefined,
    /** Migrations this run applied before the failure (they stay applied). */
    readonly appliedMigrationNames: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
