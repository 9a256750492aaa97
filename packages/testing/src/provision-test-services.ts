import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findFreePort,
  findPostgresBinaries,
  findRedisServer,
  startLocalPostgres,
  startLocalRedis,
} from '@vexora-checkout/dev-services';

export type TestServicesSource = 'environment' | 'testcontainers' | 'local-binaries';

export interface ProvisionedServices {
  source: TestServicesSource;
  /** A superuser URL on the test PostgreSQL server (any database; used to create others). */
  adminDatabaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

export interface ProvisionOptions {
  /** TEST_DATABASE_URL: an existing server to use; databases are created on it and dropped. */
  databaseUrl?: string | undefined;
  /** TEST_REDIS_URL: an existing Redis; every test works under its own key prefix. */
  redisUrl?: string | undefined;
  /** PG_BIN_DIR, for local binaries outside the usual places. */
  postgresBinDir?: string | undefined;
  /** PATH, to find redis-server. */
  path?: string | undefined;
  log?: (message: string) => void;
}

async function dockerEngineAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<ProvisionedServices> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const postgres = await new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200'])
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const redis = await new GenericContainer('redis:7-alpine')
    .withCommand(['redis-server', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'])
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .start();
  return {
    source: 'testcontainers',
    adminDatabaseUrl: `postgresql://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
    redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop()]);
    },
  };
}

async function startLocalServers(options: ProvisionOptions): Promise<ProvisionedServices> {
  // Resolve both binaries first, so a missing one is reported before anything starts.
  const binaries = findPostgresBinaries({ binDir: options.postgresBinDir, path: options.path });
  const redisServer = findRedisServer({ path: options.path });
  const dir = await mkdtemp(join(tmpdir(), 'vexora-test-'));
  // mkdtemp makes it 0700; as root, the postgres OS user must traverse it to its own data dir.
  await chmod(dir, 0o755);
  const [pgPort, redisPort] = [await findFreePort(), await findFreePort()];
  const postgres = await startLocalPostgres({
    dataDir: join(dir, 'postgres'),
    port: pgPort,
    binaries,
    ephemeral: true,
  });
  try {
    const redis = await startLocalRedis({ dir: join(dir, 'redis'), port: redisPort, redisServer });
    return {
      source: 'local-binaries',
      adminDatabaseUrl: postgres.adminUrl,
      redisUrl: redis.url,
      stop: async () => {
        await Promise.all([postgres.stop(), redis.stop()]);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

/**
 * Gets a real PostgreSQL and Redis for a test run, in this order: servers named by the
 * environment (CI services, a developer's own), containers when a Docker engine answers,
 * otherwise throwaway local servers started from the installed binaries.
 */
export async function provisionTestServices(options: ProvisionOptions = {}): Promise<ProvisionedServices> {
  const log = options.log ?? (() => undefined);
  if (options.databaseUrl && options.redisUrl) {
    log('using TEST_DATABASE_URL and TEST_REDIS_URL');
    return {
      source: 'environment',
      adminDatabaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
      stop: () => Promise.resolve(),
    };
  }
  if (options.databaseUrl || options.redisUrl) {
    throw new Error('Set both TEST_DATABASE_URL and TEST_REDIS_URL, or neither.');
  }
  if (await dockerEngineAnswers()) {
    log('Docker engine found: starting postgres:16 and redis:7 with testcontainers');
    return startContainers();
  }
  log('no Docker engine: starting PostgreSQL and Redis from local binaries');
  return startLocalServers(options);
}
