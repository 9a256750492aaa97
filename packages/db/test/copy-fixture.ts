import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface FixtureCopy {
  /** A private copy of fixtures/accounts/migrations: tests add, edit and remove migrations. */
  migrationsDir: string;
  /** Matches the fixture migrations. */
  schemaPath: string;
  /** schemaPath plus a `nickname` column no migration creates. */
  driftedSchemaPath: string;
  /** Copies fixtures/extra/<name> into the migrations directory. */
  addMigration(name: string): Promise<string>;
  remove(): Promise<void>;
}

/** Copies the accounts fixture to a temporary directory; `remove()` it in `finally`. */
export async function copyFixture(): Promise<FixtureCopy> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'vexora-migrate-test-'));
  await cp(path.join(FIXTURES, 'accounts'), root, { recursive: true });
  const migrationsDir = path.join(root, 'migrations');
  return {
    migrationsDir,
    schemaPath: path.join(root, 'schema.prisma'),
    driftedSchemaPath: path.join(root, 'schema-with-nickname.prisma'),
    async addMigration(name) {
      const target = path.join(migrationsDir, name);
      await cp(path.join(FIXTURES, 'extra', name), target, { recursive: true });
      return path.join(target, 'migration.sql');
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
