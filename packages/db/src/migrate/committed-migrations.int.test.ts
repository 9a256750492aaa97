import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@vexora-checkout/testing';
import { applyMigrations } from './apply-migrations.js';
import { getMigrationStatus } from './get-migration-status.js';
import { renderMigrationLock } from './render-migration-lock.js';

const migrationsDir = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));
const schemaPath = fileURLToPath(new URL('../../../../prisma/schema.prisma', import.meta.url));

// CI fails here when someone changes prisma/schema.prisma without committing the migration
// (npm run db:migration -- --name <name>), or edits a committed migration's lock file.
test('the committed migrations build exactly the schema in prisma/schema.prisma', async ({
  createEmptyDatabase,
}) => {
  const databaseUrl = await createEmptyDatabase();

  const { appliedMigrationNames } = await applyMigrations({ databaseUrl, migrationsDir, schemaPath });
  const status = await getMigrationStatus({ databaseUrl, migrationsDir, schemaPath });

  expect(appliedMigrationNames.length).toBeGreaterThan(0);
  expect(status.problems).toEqual([]);
  expect(status.drift).toBeNull();
  expect(status.driftChecked).toBe(true);
  expect(status.ok).toBe(true);
  expect(await readFile(`${migrationsDir}/migration_lock.toml`, 'utf8')).toBe(renderMigrationLock());
});
