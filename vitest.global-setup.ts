// Global setup of the integration project: one PostgreSQL and one Redis for the whole run, and
// a template database migrated once with the project's own migration tool. Each test file then
// clones the template (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import {
  createDatabase,
  dropDatabase,
  provisionTestServices,
  uniqueDatabaseName,
} from '@vexora-checkout/testing/services';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(import.meta.url);

function migrate(databaseUrl: string): Promise<void> {
  // A child process, as an operator would run it: it also proves the CLI, and the schema engine's
  // connections die with it, so nothing holds the template open afterwards.
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), 'packages/db/src/cli/db.ts', 'migrate'],
      {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`migrating the template failed (exit ${code}):\n${output}`)),
    );
  });
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const services = await provisionTestServices({
    databaseUrl: process.env.TEST_DATABASE_URL,
    redisUrl: process.env.TEST_REDIS_URL,
    postgresBinDir: process.env.PG_BIN_DIR,
    path: process.env.PATH,
    log: (message) => console.log(`[test services] ${message}`),
  });
  const templateDatabase = uniqueDatabaseName('template');
  try {
    await migrate(await createDatabase(services.adminDatabaseUrl, templateDatabase));
  } catch (error) {
    await services.stop();
    throw error;
  }
  console.log(`[test services] ${services.source} ready, template migrated in ${Date.now() - started} ms`);
  project.provide('testServices', {
    source: services.source,
    adminDatabaseUrl: services.adminDatabaseUrl,
    redisUrl: services.redisUrl,
    templateDatabase,
  });

  return async () => {
    await dropDatabase(services.adminDatabaseUrl, templateDatabase).catch(() => undefined);
    await services.stop();
  };
}
