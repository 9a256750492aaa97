#!/usr/bin/env node
// The database CLI: Prisma client generation and migrations without Prisma's native schema
// engine (the CLI cannot download it here). Run from anywhere: paths come from the repo root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '../migrate/apply-migrations.js';
import { ApplyMigrationsError } from '../migrate/apply-migrations-error.js';
import { createMigration } from '../migrate/create-migration.js';
import { describeEngineError } from '../migrate/describe-engine-error.js';
import { ensureDatabaseExists } from '../migrate/ensure-database-exists.js';
import { getMigrationStatus } from '../migrate/get-migration-status.js';
import { parseDatabaseUrl } from '../migrate/parse-database-url.js';
import { resolveMigration } from '../migrate/resolve-migration.js';
import { findRepoRoot } from './find-repo-root.js';
import { formatMigrationStatus } from './format-migration-status.js';
import { parseCliArgs, USAGE, type CliCommand } from './parse-cli-args.js';
import { runPrismaGenerate } from './run-prisma-generate.js';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:54329/vexora_checkout';
const SCHEMA_PATH = path.join('prisma', 'schema.prisma');
const MIGRATIONS_DIR = path.join('prisma', 'migrations');

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if ('error' in parsed) {
    console.error(`${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
  // Relative paths from here on, so messages read prisma/migrations rather than /home/...
  process.chdir(repoRoot);
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  return run(parsed, repoRoot, databaseUrl);
}

async function run(command: CliCommand, repoRoot: string, databaseUrl: string): Promise<number> {
  switch (command.command) {
    case 'generate':
      return runPrismaGenerate({ repoRoot, env: process.env });

    case 'migrate': {
      const target = describeTarget(databaseUrl);
      if (await ensureDatabaseExists(databaseUrl)) {
        console.log(`Created database ${target}.`);
      }
      try {
        const { appliedMigrationNames } = await applyMigrations({
          databaseUrl,
          migrationsDir: MIGRATIONS_DIR,
          schemaPath: SCHEMA_PATH,
        });
        console.log(
          appliedMigrationNames.length === 0
            ? `No pending migration: ${target} is up to date.`
            : `Applied ${plural(appliedMigrationNames.length, 'migration')} to ${target}:\n${list(appliedMigrationNames)}`,
        );
        return 0;
      } catch (error) {
        if (!(error instanceof ApplyMigrationsError)) throw error;
        if (error.appliedMigrationNames.length > 0) {
          console.log(`Applied before the failure:\n${list(error.appliedMigrationNames)}`);
        }
        console.error(error.message);
        if (error.failedMigrationName !== undefined) {
          console.error(
            `\nNothing of ${error.failedMigrationName} was kept (a migration runs in one transaction), but it is` +
              ' recorded as failed and blocks further migrations. Fix its migration.sql, then run\n' +
              `  tsx packages/db/src/cli/db.ts resolve --rolled-back ${error.failedMigrationName}\n` +
              'and migrate again.',
          );
        }
        return 1;
      }
    }

    case 'status': {
      const status = await getMigrationStatus({
        databaseUrl,
        migrationsDir: MIGRATIONS_DIR,
        schemaPath: SCHEMA_PATH,
      });
      const report = formatMigrationStatus(status, describeTarget(databaseUrl), MIGRATIONS_DIR);
      if (status.ok) {
        console.log(report);
        return 0;
      }
      console.error(report);
      return 1;
    }

    case 'migration': {
      const result = await createMigration({
        databaseUrl,
        schemaPath: SCHEMA_PATH,
        migrationsDir: MIGRATIONS_DIR,
        name: command.name,
      });
      if (!result.created) {
        console.error(result.reason);
        return 1;
      }
      console.log(`Created ${path.relative(repoRoot, result.migrationPath)}`);
      if (result.lockfileCreated) {
        console.log(`Created ${path.join(MIGRATIONS_DIR, 'migration_lock.toml')}`);
      }
      console.log('Review it, then apply it with npm run db:migrate.\n');
      return runPrismaGenerate({ repoRoot, env: process.env });
    }

    case 'resolve':
      await resolveMigration({
        databaseUrl,
        migrationsDir: MIGRATIONS_DIR,
        migrationName: command.migrationName,
        resolution: command.resolution,
      });
      console.log(`Marked ${command.migrationName} ${command.resolution} in ${describeTarget(databaseUrl)}.`);
      return 0;
  }
}

/** `name on host:port`, never the password. */
function describeTarget(databaseUrl: string): string {
  const { database, host, port } = parseDatabaseUrl(databaseUrl);
  return `${database} on ${host}:${port}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function list(names: readonly string[]): string {
  return names.map((name) => `  ${name}`).join('\n');
}

// The engine leaves pools of its own open, so the process ends explicitly, output flushed first.
main().then(
  (code) => exit(code),
  (error: unknown) => {
    console.error(describeEngineError(error));
    exit(1);
  },
);

function exit(code: number): void {
  process.exitCode = code;
  // stdout may be a pipe: let pending writes drain before leaving.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
