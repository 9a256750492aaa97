// Redis chores of the benchmark runs: removing a run's BullMQ keys, finding the server's process;
// and starting the development services (PostgreSQL and Redis) when they are not running.
import { withDatabase } from '@vexora-checkout/testing/services';
import { Redis } from 'ioredis';
import {
  findPostgresBinaries,
  getDevServicesStatus,
  resolveDevServicesLayout,
  startDevServices,
  stopDevServices,
  stopLocalPostgres,
} from '../packages/dev-services/src/index.js';
import { cleanups } from './bench-cleanups.js';
import { processTicks } from './bench-cpu.js';
import { canConnectPostgres } from './bench-database.js';
import { say } from './bench-support.js';
import { devConfig, repoRoot } from './dev-config.js';

/** Deletes every key under a BullMQ prefix (SCAN + UNLINK; other prefixes are left alone). */
export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** The pid of the Redis server, when it runs on this machine (for CPU shares); else undefined. */
export async function redisServerPid(redis: Redis): Promise<number | undefined> {
  try {
    const info = await redis.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    return Number.isFinite(pid) && processTicks(pid) !== undefined ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether Redis at `url` answers PING within 2 s. */
export async function canConnectRedis(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Starts the development services the way `npm start` does when PostgreSQL or Redis does not
 * answer, and registers the stop of what this run started as a cleanup (a local PostgreSQL
 * started alone is stopped alone; a Redis started alone is left running, with a notice).
 */
export async function ensureDevServices(): Promise<void> {
  const adminUrl = withDatabase(devConfig.databaseUrl, 'postgres');
  if ((await canConnectPostgres(adminUrl)) && (await canConnectRedis(devConfig.redisUrl))) return;
  const layout = resolveDevServicesLayout(repoRoot, devConfig.databaseUrl, devConfig.redisUrl);
  const options = {
    mode: devConfig.servicesMode,
    postgresBinDir: devConfig.postgresBinDir,
    path: devConfig.path,
    log: (message: string) => say(message),
  };
  const before = await getDevServicesStatus(layout, options);
  say('PostgreSQL or Redis is not running: starting the development services');
  const state = await startDevServices(layout, options);
  if (!before.postgres && !before.redis) {
    cleanups.push({ name: 'stop services', run: () => stopDevServices(layout, options) });
  } else if (!before.postgres && state.mode === 'local' && state.postgresDataDir) {
    const dataDir = state.postgresDataDir;
    const binaries = findPostgresBinaries({ binDir: options.postgresBinDir, path: options.path });
    cleanups.push({ name: 'stop PostgreSQL', run: () => stopLocalPostgres(dataDir, binaries) });
  } else {
    say('one of them was already running, so the services are left running at the end');
  }
  if (!(await canConnectPostgres(adminUrl))) throw new Error('PostgreSQL started but does not answer');
  if (!(await canConnectRedis(devConfig.redisUrl))) throw new Error('Redis started but does not answer');
}
