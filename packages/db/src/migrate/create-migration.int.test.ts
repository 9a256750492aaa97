import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@vexora-checkout/testing';
import { copyFixture } from '../../test/copy-fixture.js';
import { createOwnedDatabase } from '../../test/create-owned-database.js';
import { queryDatabase } from '../../test/query-database.js';
import { applyMigrations } from './apply-migrations.js';
import { createMigration } from './create-migration.js';
import { getMigrationStatus } from './get-migration-status.js';
import { renderMigrationLock } from './render-migration-lock.js';

const FIXTURE_FIRST_MIGRATION = fileURLToPath(
  new URL(
    '../../test/fixtures/accounts/migrations/20240101000000_create_account/migration.sql',
    import.meta.url,
  ),
);

describe('createMigration', () => {
  test('turns drift into a migration that applies, after which status is clean', async ({
    createEmptyDatabase,
  }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const { migrationsDir, driftedSchemaPath: schemaPath } = fixture;
      await applyMigrations({ databaseUrl, migrationsDir });
      expect((await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath })).drift).not.toBeNull();

      const result = await createMigration({
        databaseUrl,
        schemaPath,
        migrationsDir,
        name: 'add_nickname',
        now: new Date('2024-02-01T10:20:30.999Z'),
      });

      expect(result).toEqual({
        created: true,
        migrationName: '20240201102030_add_nickname',
        migrationPath: path.join(migrationsDir, '20240201102030_add_nickname', 'migration.sql'),
        script: '-- AlterTable\nALTER TABLE "account" ADD COLUMN     "nickname" VARCHAR(40);\n',
        lockfileCreated: false,
      });
      expect(
        await readFile(path.join(migrationsDir, '20240201102030_add_nickname', 'migration.sql'), 'utf8'),
      ).toBe('-- AlterTable\nALTER TABLE "account" ADD COLUMN     "nickname" VARCHAR(40);\n');
      // The main database is not migrated by creating a migration.
      expect(
        (await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath })).pendingMigrationNames,
      ).toEqual(['20240201102030_add_nickname']);
      expect((await applyMigrations({ databaseUrl, migrationsDir })).appliedMigrationNames).toEqual([
        '20240201102030_add_nickname',
      ]);
      const status = await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath });
      expect(status.problems).toEqual([]);
      expect(status.ok).toBe(true);
    } finally {
      await fixture.remove();
    }
  });

  test('refuses to write an empty migration', async ({ createEmptyDatabase }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const { migrationsDir, schemaPath } = fixture;
      const before = await readdir(migrationsDir);

      const result = await createMigration({ databaseUrl, schemaPath, migrationsDir, name: 'nothing' });

      expect(result).toEqual({
        created: false,
        reason: `No migration written: ${schemaPath} and the migrations in ${migrationsDir} already describe the same schema.`,
      });
      expect(await readdir(migrationsDir)).toEqual(before);
    } finally {
      await fixture.remove();
    }
  });

  test('writes the first migration and migration_lock.toml, leaving the main database alone', async ({
    adminDatabaseUrl,
  }) => {
    const owned = await createOwnedDatabase(adminDatabaseUrl);
    const fixture = await copyFixture();
    const migrationsDir = path.join(
      await mkdtemp(path.join(os.tmpdir(), 'vexora-first-migration-')),
      'migrations',
    );
    try {
      const result = await createMigration({
        databaseUrl: owned.databaseUrl,
        schemaPath: fixture.schemaPath,
        migrationsDir,
        name: 'create_account',
        now: new Date('2024-01-01T00:00:00Z'),
      });

      expect(result).toMatchObject({ created: true, lockfileCreated: true });
      expect(await readdir(migrationsDir)).toEqual(['20240101000000_create_account', 'migration_lock.toml']);
      expect(await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8')).toBe(
        renderMigrationLock(),
      );
      // What `migrate dev` writes: no CREATE SCHEMA "public" on top, unlike a diff from empty.
      expect(
        await readFile(path.join(migrationsDir, '20240101000000_create_account', 'migration.sql'), 'utf8'),
      ).toBe(await readFile(FIXTURE_FIRST_MIGRATION, 'utf8'));
      expect(
        await queryDatabase(owned.databaseUrl, `SELECT to_regclass('_prisma_migrations')::text AS t`),
      ).toEqual([{ t: null }]);
      expect(await owned.listOwnedDatabases()).toHaveLength(1);
    } finally {
      await rm(path.dirname(migrationsDir), { recursive: true, force: true });
      await fixture.remove();
      await owned.remove();
    }
  });

  test('works before the database exists, without creating it', async ({ adminDatabaseUrl }) => {
    const owned = await createOwnedDatabase(adminDatabaseUrl);
    const fixture = await copyFixture();
    try {
      const missing = new URL(owned.databaseUrl);
      missing.pathname = '/never_created_yet';

      const result = await createMigration({
        databaseUrl: missing.toString(),
        schemaPath: fixture.driftedSchemaPath,
        migrationsDir: fixture.migrationsDir,
        name: 'add_nickname',
      });

      expect(result.created).toBe(true);
      expect(await owned.listOwnedDatabases()).toHaveLength(1);
      expect(
        await queryDatabase(
          adminDatabaseUrl,
          `SELECT 1 FROM pg_database WHERE datname = 'never_created_yet'`,
        ),
      ).toEqual([]);
    } finally {
      await fixture.remove();
      await owned.remove();
    }
  });

  test('refuses a timestamp that would sort before the latest migration, and invalid names', async ({
    createEmptyDatabase,
  }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const { migrationsDir, driftedSchemaPath: schemaPath } = fixture;
      const before = await readdir(migrationsDir);

      await expect(
        createMigration({
          databaseUrl,
          schemaPath,
          migrationsDir,
          name: 'late',
          now: new Date('2023-12-31T23:59:59Z'),
        }),
      ).rejects.toThrow('would sort before the latest one, 20240102000000_touch_updated_at');
      await expect(
        createMigration({ databaseUrl, schemaPath, migrationsDir, name: 'Add-Nickname' }),
      ).rejects.toThrow('may only contain lowercase letters, digits and underscores');
      expect(await readdir(migrationsDir)).toEqual(before);
    } finally {
      await fixture.remove();
    }
  });
});
