import { appendFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@vexora-checkout/testing';
import { copyFixture } from '../../test/copy-fixture.js';
import { createOwnedDatabase } from '../../test/create-owned-database.js';
import { queryDatabase } from '../../test/query-database.js';
import { applyMigrations } from './apply-migrations.js';
import { getMigrationStatus } from './get-migration-status.js';

const CREATE_ACCOUNT = '20240101000000_create_account';
const TOUCH_UPDATED_AT = '20240102000000_touch_updated_at';
const SEED_ACCOUNT = '20240103000000_seed_account';

describe('getMigrationStatus', () => {
  test('is clean right after migrating', async ({ createEmptyDatabase }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const { migrationsDir, schemaPath } = fixture;
      await applyMigrations({ databaseUrl, migrationsDir });

      const status = await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath });

      expect(status).toEqual({
        ok: true,
        localMigrationNames: [CREATE_ACCOUNT, TOUCH_UPDATED_AT],
        hasMigrationsTable: true,
        pendingMigrationNames: [],
        failedMigrationNames: [],
        editedMigrationNames: [],
        missingLocallyMigrationNames: [],
        drift: null,
        driftChecked: true,
        problems: [],
      });
    } finally {
      await fixture.remove();
    }
  });

  test('reports every migration of a database never migrated as pending', async ({ createEmptyDatabase }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const status = await getMigrationStatus({ ...fixture, databaseUrl });

      expect(status.ok).toBe(false);
      expect(status.hasMigrationsTable).toBe(false);
      expect(status.pendingMigrationNames).toEqual([CREATE_ACCOUNT, TOUCH_UPDATED_AT]);
      expect(status.drift).toBeNull();
    } finally {
      await fixture.remove();
    }
  });

  test('reports a migration added since the last migrate as pending, until it is applied', async ({
    createEmptyDatabase,
  }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const { migrationsDir, schemaPath } = fixture;
      await applyMigrations({ databaseUrl, migrationsDir });
      await fixture.addMigration(SEED_ACCOUNT);

      const pending = await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath });
      expect(pending.ok).toBe(false);
      expect(pending.pendingMigrationNames).toEqual([SEED_ACCOUNT]);
      expect(pending.problems).toEqual([
        `Migrations not yet applied: ${SEED_ACCOUNT}. Run npm run db:migrate.`,
      ]);

      expect((await applyMigrations({ databaseUrl, migrationsDir })).appliedMigrationNames).toEqual([
        SEED_ACCOUNT,
      ]);
      expect(await queryDatabase(databaseUrl, 'SELECT email FROM account')).toEqual([
        { email: 'seed@example.com' },
      ]);
      expect((await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath })).ok).toBe(true);
    } finally {
      await fixture.remove();
    }
  });

  test('fails when an applied migration.sql was edited', async ({ createEmptyDatabase }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const { migrationsDir, schemaPath } = fixture;
      await applyMigrations({ databaseUrl, migrationsDir });
      await appendFile(
        path.join(migrationsDir, CREATE_ACCOUNT, 'migration.sql'),
        '\n-- an innocent comment\n',
      );

      const status = await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath });

      expect(status.ok).toBe(false);
      expect(status.editedMigrationNames).toEqual([CREATE_ACCOUNT]);
      expect(status.problems).toHaveLength(1);
      expect(status.problems[0]).toContain(`(checksum mismatch): ${CREATE_ACCOUNT}.`);
    } finally {
      await fixture.remove();
    }
  });

  test('fails when a migration applied to the database is missing locally', async ({
    createEmptyDatabase,
  }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const { migrationsDir, schemaPath } = fixture;
      await applyMigrations({ databaseUrl, migrationsDir });
      await rm(path.join(migrationsDir, TOUCH_UPDATED_AT), { recursive: true });

      const status = await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath });

      expect(status.ok).toBe(false);
      expect(status.missingLocallyMigrationNames).toEqual([TOUCH_UPDATED_AT]);
      expect(status.problems).toEqual([
        `Migrations applied to the database but missing from ${migrationsDir}: ${TOUCH_UPDATED_AT}.`,
      ]);
    } finally {
      await fixture.remove();
    }
  });

  test('reports drift between schema.prisma and the migrations', async ({ createEmptyDatabase }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const { migrationsDir, driftedSchemaPath } = fixture;
      await applyMigrations({ databaseUrl, migrationsDir });

      const status = await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath: driftedSchemaPath });

      expect(status.ok).toBe(false);
      expect(status.drift).toBe(
        '-- AlterTable\nALTER TABLE "account" ADD COLUMN     "nickname" VARCHAR(40);\n',
      );
      expect(status.problems).toHaveLength(1);
      expect(status.problems[0]).toContain(`${driftedSchemaPath} has changes no migration contains`);
      expect(status.problems[0]).toContain('ADD COLUMN     "nickname" VARCHAR(40)');
    } finally {
      await fixture.remove();
    }
  });

  test('checks drift in a shadow database of its own: the main database is untouched and nothing is left behind', async ({
    adminDatabaseUrl,
  }) => {
    const owned = await createOwnedDatabase(adminDatabaseUrl);
    const fixture = await copyFixture();
    try {
      const { databaseUrl } = owned;
      const { migrationsDir, driftedSchemaPath } = fixture;
      await applyMigrations({ databaseUrl, migrationsDir });
      await queryDatabase(databaseUrl, `INSERT INTO account (email) VALUES ('kept@example.com')`);
      const [mainDatabase] = await owned.listOwnedDatabases();

      // Replaying migrations starts by emptying the shadow database: were it the main one (the
      // adapter bug), the account table and the migration history would be gone.
      const status = await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath: driftedSchemaPath });

      expect(status.drift).toContain('"nickname"');
      expect(await queryDatabase(databaseUrl, 'SELECT email FROM account')).toEqual([
        { email: 'kept@example.com' },
      ]);
      expect(
        await queryDatabase(databaseUrl, 'SELECT migration_name FROM _prisma_migrations ORDER BY 1'),
      ).toEqual([{ migration_name: CREATE_ACCOUNT }, { migration_name: TOUCH_UPDATED_AT }]);
      expect(await owned.listOwnedDatabases()).toEqual([mainDatabase]);
    } finally {
      await fixture.remove();
      await owned.remove();
    }
  });
});
