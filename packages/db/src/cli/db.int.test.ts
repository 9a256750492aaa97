import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@vexora-checkout/testing';
import { queryDatabase } from '../../test/query-database.js';

const require = createRequire(import.meta.url);
const CLI = fileURLToPath(new URL('./db.ts', import.meta.url));
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as an operator would, from an unrelated directory (it finds the repo itself). */
function runCli(args: string[], databaseUrl?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), CLI, ...args], {
      cwd: os.tmpdir(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function committedMigrationNames(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe('db CLI', () => {
  test('exits 2 with the usage on a missing or unknown command and on bad arguments', async () => {
    const runs = await Promise.all([
      runCli([]),
      runCli(['seed']),
      runCli(['status', '--verbose']),
      runCli(['migration']),
      runCli(['migration', '--name', 'Add-Refunds']),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Usage: tsx packages/db/src/cli/db.ts <command>');
      expect(run.stdout).toBe('');
    }
    expect(runs.map((run) => run.stderr.split('\n')[0])).toEqual([
      'No command given.',
      'Unknown command "seed".',
      '"status" takes no arguments.',
      'migration needs --name <name>.',
      'The migration name "Add-Refunds" may only contain lowercase letters, digits and underscores (e.g. add_refund_table).',
    ]);
  });

  test('migrate creates a missing database and applies the committed migrations; status is then clean', async ({
    adminDatabaseUrl,
  }) => {
    const name = `cli_${Date.now().toString(36)}_${process.pid}`;
    const url = new URL(adminDatabaseUrl);
    url.pathname = `/${name}`;
    const databaseUrl = url.toString();
    try {
      const migrate = await runCli(['migrate'], databaseUrl);
      expect(migrate.stderr).toBe('');
      expect(migrate.code).toBe(0);
      const names = await committedMigrationNames();
      expect(migrate.stdout).toContain(`Created database ${name} on `);
      expect(migrate.stdout).toContain(`Applied ${names.length} migration`);
      for (const migration of names) expect(migrate.stdout).toContain(`  ${migration}\n`);

      const again = await runCli(['migrate'], databaseUrl);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^No pending migration: .* is up to date\.\n$/);

      const status = await runCli(['status'], databaseUrl);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('OK: every migration is applied');
    } finally {
      await queryDatabase(adminDatabaseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  test('status exits 1 and names the pending migrations of a database never migrated', async ({
    createEmptyDatabase,
  }) => {
    const databaseUrl = await createEmptyDatabase();

    const status = await runCli(['status'], databaseUrl);

    expect(status.code).toBe(1);
    expect(status.stderr).toContain('1 problem:');
    expect(status.stderr).toContain(
      `- Migrations not yet applied: ${(await committedMigrationNames()).join(', ')}.`,
    );
  });

  test('migrate exits 1 naming the failed migration and the Postgres error', async ({
    createEmptyDatabase,
  }) => {
    const databaseUrl = await createEmptyDatabase();
    // The first migration creates this table: make it fail.
    await queryDatabase(databaseUrl, 'CREATE TABLE checkout_intent (id int)');
    const [first] = await committedMigrationNames();

    // Like prisma migrate deploy, it first refuses a database it did not create (P3005).
    const refused = await runCli(['migrate'], databaseUrl);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('The database schema is not empty.');

    // With a migration history (empty here), the first migration runs and fails.
    await queryDatabase(
      databaseUrl,
      `CREATE TABLE _prisma_migrations (
         id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
         migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
         started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`,
    );
    const failed = await runCli(['migrate'], databaseUrl);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Migration ${first} failed: `);
    expect(failed.stderr).toContain('relation "checkout_intent" already exists');
    expect(failed.stderr).toContain(`resolve --rolled-back ${first}`);
  });
});
