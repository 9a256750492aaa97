import { createHash } from 'node:crypto';

/**
 * The checksum the schema engine stores in `_prisma_migrations.checksum` for a `migration.sql`:
 * lowercase hex SHA-256 of its exact bytes (UTF-8). Handy to find which file was edited.
 */
export function computeMigrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}
