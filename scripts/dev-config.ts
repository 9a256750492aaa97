// Configuration of the root scripts (services, start, test). Like each app's env.ts, this is the
// one place these scripts read the environment.
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '../packages/runtime/src/parse-env.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const devConfig = {
  databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  postgresBinDir: process.env.PG_BIN_DIR,
  path: process.env.PATH,
  /** `docker` or `local` to force how services run; unset picks docker when an engine answers. */
  servicesMode: process.env.SERVICES_MODE as 'docker' | 'local' | undefined,
};

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** Health endpoints of the four apps, as `npm start` finds them (the apps parse the same variables). */
export const appPorts = {
  api: port('API_PORT', 4000),
  sandbox: port('SANDBOX_PORT', 4100),
  webhook: port('WEBHOOK_PORT', 4200),
  worker: port('WORKER_HEALTH_PORT', 4300),
};
