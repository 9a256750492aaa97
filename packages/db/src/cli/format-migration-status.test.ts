import { expect, test } from 'vitest';
import type { MigrationStatus } from '../migrate/get-migration-status.js';
import { formatMigrationStatus } from './format-migration-status.js';

const clean: MigrationStatus = {
  ok: true,
  localMigrationNames: ['20240101000000_init', '20240201000000_refunds'],
  hasMigrationsTable: true,
  pendingMigrationNames: [],
  failedMigrationNames: [],
  editedMigrationNames: [],
  missingLocallyMigrationNames: [],
  drift: null,
  driftChecked: true,
  problems: [],
};

test('summarises a clean status in three lines', () => {
  expect(formatMigrationStatus(clean, 'app on localhost:5432', 'prisma/migrations')).toBe(
    'Database: app on localhost:5432\n' +
      'Migrations: 2 in prisma/migrations (latest 20240201000000_refunds)\n' +
      'OK: every migration is applied, none failed or was edited, and schema.prisma matches the migrations.',
  );
  expect(formatMigrationStatus({ ...clean, driftChecked: false }, 'x', 'm')).toContain('(drift not checked)');
});

test('lists every problem, indenting the lines after the first', () => {
  const status: MigrationStatus = {
    ...clean,
    ok: false,
    localMigrationNames: [],
    problems: [
      'Migrations not yet applied: a.',
      'schema.prisma has changes:\n-- AlterTable\nALTER TABLE "x";',
    ],
  };

  expect(formatMigrationStatus(status, 'app on h:1', 'prisma/migrations')).toBe(
    'Database: app on h:1\n' +
      'Migrations: none\n' +
      '\n' +
      '2 problems:\n' +
      '- Migrations not yet applied: a.\n' +
      '- schema.prisma has changes:\n' +
      '    -- AlterTable\n' +
      '    ALTER TABLE "x";',
  );
});
