// Global setup of the integration project: one PostgreSQL and one Redis for the whole run, and
// a template database migrated once with the project's own migration tool. Each test file then
// clones the template (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
import type { TestProject } from 'vitest/node';
import {
  createDatabase,
  dropDatabase,
  provisionTestServices,
  uniqueDatabaseName,
} from '@vexora-checkout/testing/services';
import { runMigrations } from './scripts/run-migrations.js';

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
    await runMigrations(await createDatabase(services.adminDatabaseUrl, templateDatabase));
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
