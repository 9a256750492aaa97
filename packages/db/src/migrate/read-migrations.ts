import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationDirectory, MigrationList } from '@prisma/schema-engine-wasm';

const LOCKFILE = 'migration_lock.toml';
const MIGRATION_FILE = 'migration.sql';

/**
 * Reads a migrations directory into the engine's `MigrationList`, the way the Prisma CLI does:
 * every subdirectory is a migration (an unreadable `migration.sql` is passed on as an error for
 * the engine to report), sorted by name, and a missing directory is an empty history.
 */
export async function readMigrations(migrationsDir: string, shadowDbInitScript = ''): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  const lockContent = await readFile(path.join(baseDir, LOCKFILE), 'utf8').catch(() => null);
  let entries: { name: string; isDirectory(): boolean }[];
  try {
    entries = await readdir(baseDir, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) {
      entries = [];
    } else {
      throw error;
    }
  }
  const migrationDirectories: MigrationDirectory[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const content = await readFile(path.join(baseDir, entry.name, MIGRATION_FILE), 'utf8').then(
      (sql) => ({ tag: 'ok' as const, value: sql }),
      (error: unknown) => ({
        tag: 'error' as const,
        value: error instanceof Error ? error.message : String(error),
      }),
    );
    migrationDirectories.push({ path: entry.name, migrationFile: { path: MIGRATION_FILE, content } });
  }
  // Same comparison as the CLI, so both tools see the same order.
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir,
    lockfile: { path: LOCKFILE, content: lockContent },
    migrationDirectories,
    shadowDbInitScript,
  };
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
