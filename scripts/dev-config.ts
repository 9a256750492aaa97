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
  /** The apps' LOG_LEVEL; unset, `npm start` runs them at warn (a line per request would bury the demo). */
  logLevel: process.env.LOG_LEVEL,
  /**
   * The worker's budget of gateway calls per second and account. The default of 100 stands for
   * Vexora's; the sandbox has none, so `npm start` and `npm run dev` allow 1,000 unless told.
   */
  gatewayRequestsPerSecond: process.env.VEXORA_REQUESTS_PER_SECOND ?? '1000',
};

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** Health endpoints of the four apps, as `npm start` finds them (the apps parse the same variables). */
export const appPorts = {
  api: port('API_PORT', 4000),
  sandbox: port('SANDBOX_PORT', 4100),
  webhook: port('WEBHOOK_PORT', 4200),
  worker: port('WORKER_HEALTH_PORT', 4300),
};

/**
 * The sandbox of `npm start` and `npm run dev` (unless SANDBOX_SCENARIO says otherwise): a gateway
 * that answers in 5-40 ms and settles each order 2 s after its creation, most paid, a few paid in
 * part or failed, and now and then re-sends a notification, sends a stale one after it, or holds
 * one back by 1-5 s.
 */
export const sandboxScenario =
  process.env.SANDBOX_SCENARIO ??
  JSON.stringify({
    latencyMs: { minMs: 5, maxMs: 40 },
    autoSettle: { afterMs: 2_000, paid: 90, partial: 4, failed: 6 },
    notifications: {
      duplicateRate: 0.02,
      outOfOrderRate: 0.02,
      delayRate: 0.02,
      delayMs: { minMs: 1_000, maxMs: 5_000 },
    },
  });
