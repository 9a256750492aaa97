import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from '@vexora-checkout/testing';
import { copyFixture } from '../../test/copy-fixture.js';
import { queryDatabase } from '../../test/query-database.js';
import { applyMigrations } from './apply-migrations.js';
import { ApplyMigrationsError } from './apply-migrations-error.js';
import { getMigrationStatus } from './get-migration-status.js';
import { resolveMigration } from './resolve-migration.js';

const CREATE_ACCOUNT = '20240101000000_create_account';
const TOUCH_UPDATED_AT = '20240102000000_touch_updated_at';
const BREAK_HALFWAY = '20240103000000_break_halfway';

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const selectMigrations = 'SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name';

describe('applyMigrations', () => {
  test('migrates an empty database, writing _prisma_migrations exactly as the Prisma CLI does', async ({
    createEmptyDatabase,
  }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const result = await applyMigrations({ databaseUrl, migrationsDir: fixture.migrationsDir });

      expect(result.appliedMigrationNames).toEqual([CREATE_ACCOUNT, TOUCH_UPDATED_AT]);
      // The CLI's table definition, column by column.
      const columns = await queryDatabase(
        databaseUrl,
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns).toEqual([
        {
          column_name: 'id',
          data_type: 'character varying',
          character_maximum_length: 36,
          is_nullable: 'NO',
          column_default: null,
        },
        {
          column_name: 'checksum',
          data_type: 'character varying',
          character_maximum_length: 64,
          is_nullable: 'NO',
          column_default: null,
        },
        {
          column_name: 'finished_at',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'YES',
          column_default: null,
        },
        {
          column_name: 'migration_name',
          data_type: 'character varying',
          character_maximum_length: 255,
          is_nullable: 'NO',
          column_default: null,
        },
        {
          column_name: 'logs',
          data_type: 'text',
          character_maximum_length: null,
          is_nullable: 'YES',
          column_default: null,
        },
        {
          column_name: 'rolled_back_at',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'YES',
          column_default: null,
        },
        {
          column_name: 'started_at',
          data_type: 'timestamp with time zone',
          character_maximum_length: null,
          is_nullable: 'NO',
          column_default: 'now()',
        },
        {
          column_name: 'applied_steps_count',
          data_type: 'integer',
          character_maximum_length: null,
          is_nullable: 'NO',
          column_default: '0',
        },
      ]);
      const rows = await queryDatabase<MigrationRow>(databaseUrl, selectMigrations);
      expect(rows.map((row) => row.migration_name)).toEqual([CREATE_ACCOUNT, TOUCH_UPDATED_AT]);
      for (const row of rows) {
        const sql = await readFile(path.join(fixture.migrationsDir, row.migration_name, 'migration.sql'));
        expect(row.id).toHaveLength(36);
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
        expect(row.applied_steps_count).toBe(1);
        expect(row.logs).toBeNull();
        expect(row.rolled_back_at).toBeNull();
      }

      const again = await applyMigrations({ databaseUrl, migrationsDir: fixture.migrationsDir });
      expect(again.appliedMigrationNames).toEqual([]);
      expect(await queryDatabase(databaseUrl, selectMigrations)).toHaveLength(2);
    } finally {
      await fixture.remove();
    }
  });

  test('applies a plpgsql function body ($$ ... ; ... $$) and the trigger using it intact', async ({
    createEmptyDatabase,
  }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      await applyMigrations({ databaseUrl, migrationsDir: fixture.migrationsDir });

      const [fn] = await queryDatabase<{ prosrc: string }>(
        databaseUrl,
        `SELECT prosrc FROM pg_proc WHERE proname = 'touch_updated_at'`,
      );
      expect(fn?.prosrc).toContain('NEW."updated_at" := now();\n  END IF;\n  RETURN NEW;');
      // The trigger fires and the function runs to the end.
      await queryDatabase(
        databaseUrl,
        `INSERT INTO account (email, updated_at) VALUES ('a@example.com', '2000-01-01T00:00:00Z')`,
      );
      await queryDatabase(databaseUrl, `UPDATE account SET email = 'b@example.com'`);
      const [account] = await queryDatabase<{ updated_at: Date }>(
        databaseUrl,
        'SELECT updated_at FROM account',
      );
      expect(account?.updated_at.getUTCFullYear()).toBeGreaterThan(2000);
    } finally {
      await fixture.remove();
    }
  });

  test('a failing migration leaves nothing half-applied and is recorded as failed, as the CLI records it', async ({
    createEmptyDatabase,
  }) => {
    const databaseUrl = await createEmptyDatabase();
    const fixture = await copyFixture();
    try {
      const brokenPath = await fixture.addMigration(BREAK_HALFWAY);

      const failure = await applyMigrations({ databaseUrl, migrationsDir: fixture.migrationsDir }).catch(
        (error: unknown) => error,
      );

      expect(failure).toBeInstanceOf(ApplyMigrationsError);
      const error = failure as ApplyMigrationsError;
      expect(error.failedMigrationName).toBe(BREAK_HALFWAY);
      expect(error.appliedMigrationNames).toEqual([CREATE_ACCOUNT, TOUCH_UPDATED_AT]);
      expect(error.message).toContain(BREAK_HALFWAY);
      expect(error.message).toContain('type "no_such_type" does not exist');
      // Neither the table of its first statement nor the row of its second survived.
      const [leftovers] = await queryDatabase<{ table: string | null; rows: number; column: number }>(
        databaseUrl,
        `SELECT to_regclass('half_applied')::text AS table,
                (SELECT count(*)::int FROM account) AS rows,
                (SELECT count(*)::int FROM information_schema.columns
                  WHERE table_name = 'account' AND column_name = 'broken') AS column`,
      );
      expect(leftovers).toEqual({ table: null, rows: 0, column: 0 });
      const rows = await queryDatabase<MigrationRow>(databaseUrl, selectMigrations);
      expect(rows.map((row) => row.migration_name)).toEqual([
        CREATE_ACCOUNT,
        TOUCH_UPDATED_AT,
        BREAK_HALFWAY,
      ]);
      const failed = rows[2]!;
      expect(failed.finished_at).toBeNull();
      expect(failed.rolled_back_at).toBeNull();
      expect(failed.applied_steps_count).toBe(0);
      expect(failed.logs).toContain('type "no_such_type" does not exist');
      expect(failed.checksum).toBe(
        createHash('sha256')
          .update(await readFile(brokenPath))
          .digest('hex'),
      );

      const status = await getMigrationStatus({
        databaseUrl,
        migrationsDir: fixture.migrationsDir,
        schemaPath: fixture.schemaPath,
      });
      expect(status.ok).toBe(false);
      expect(status.failedMigrationNames).toEqual([BREAK_HALFWAY]);
      expect(status.problems.join('\n')).toContain(
        `Failed migrations (nothing more can be applied until they are resolved): ${BREAK_HALFWAY}`,
      );

      // A recorded failure blocks further runs (the CLI's P3009) without retrying the migration.
      await expect(applyMigrations({ databaseUrl, migrationsDir: fixture.migrationsDir })).rejects.toThrow(
        BREAK_HALFWAY,
      );
      expect(await queryDatabase(databaseUrl, selectMigrations)).toHaveLength(3);

      // Resolved as the CLI would (migrate resolve --rolled-back), fixed, and applied again.
      await resolveMigration({
        databaseUrl,
        migrationsDir: fixture.migrationsDir,
        migrationName: BREAK_HALFWAY,
        resolution: 'rolled-back',
      });
      await writeFile(brokenPath, (await readFile(brokenPath, 'utf8')).replace('"no_such_type"', 'TEXT'));
      const retried = await applyMigrations({ databaseUrl, migrationsDir: fixture.migrationsDir });
      expect(retried.appliedMigrationNames).toEqual([BREAK_HALFWAY]);
      const history = await queryDatabase<MigrationRow>(
        databaseUrl,
        'SELECT * FROM _prisma_migrations WHERE migration_name = $1 ORDER BY started_at',
        [BREAK_HALFWAY],
      );
      expect(history.map((row) => [row.rolled_back_at !== null, row.finished_at !== null])).toEqual([
        [true, false],
        [false, true],
      ]);
      const after = await getMigrationStatus({
        databaseUrl,
        migrationsDir: fixture.migrationsDir,
        schemaPath: fixture.schemaPath,
        checkDrift: false,
      });
      expect(after.problems).toEqual([]);
    } finally {
      await fixture.remove();
    }
  });
});
