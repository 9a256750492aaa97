import { join } from 'node:path';
import { findPostgresBinaries } from './find-postgres-binaries.js';
import { findRedisServer } from './find-redis-server.js';
import { isDockerAvailable } from './is-docker-available.js';
import {
  fallbackPostgresDataDir,
  readDevServicesState,
  writeDevServicesState,
  type DevServicesLayout,
  type DevServicesMode,
  type DevServicesState,
} from './resolve-dev-services-layout.js';
import { runCommand } from './run-command.js';
import {
  isLocalPostgresRunning,
  preparePostgresDataDir,
  startLocalPostgres,
  stopLocalPostgres,
} from './start-local-postgres.js';
import { isLocalRedisRunning, pingRedis, startLocalRedis, stopLocalRedis } from './start-local-redis.js';

export interface DevServicesOptions {
  /** Force a mode; by default docker when an engine answers, local binaries otherwise. */
  mode?: DevServicesMode | undefined;
  postgresBinDir?: string | undefined;
  path?: string | undefined;
  log: (message: string) => void;
}

function composeEnv(layout: DevServicesLayout): NodeJS.ProcessEnv {
  return {
    ...process.env,
    VEXORA_POSTGRES_PORT: String(layout.postgres.port),
    VEXORA_REDIS_PORT: String(layout.redis.port),
  };
}

async function compose(layout: DevServicesLayout, args: string[]) {
  const result = await runCommand(
    'docker',
    ['compose', '-f', join(layout.repoRoot, 'docker-compose.yml'), ...args],
    {
      env: composeEnv(layout),
      timeoutMs: 300_000,
    },
  );
  if (result.code !== 0) throw new Error(`docker compose ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result;
}

/**
 * Starts PostgreSQL and Redis for development (idempotent): with docker compose when a Docker
 * engine answers, otherwise from the installed server binaries, data kept under `.services/`.
 */
export async function startDevServices(
  layout: DevServicesLayout,
  options: DevServicesOptions,
): Promise<DevServicesState> {
  const mode =
    options.mode ??
    (readDevServicesState(layout)?.mode === 'docker' || (await isDockerAvailable()) ? 'docker' : 'local');
  if (mode === 'docker') {
    options.log('starting postgres:16 and redis:7 with docker compose');
    await compose(layout, ['up', '-d', '--wait']);
    const state: DevServicesState = {
      mode,
      postgresPort: layout.postgres.port,
      redisPort: layout.redis.port,
    };
    await writeDevServicesState(layout, state);
    return state;
  }

  const state: DevServicesState = { mode, postgresPort: layout.postgres.port, redisPort: layout.redis.port };
  if (layout.postgres.managed) {
    const binaries = findPostgresBinaries({ binDir: options.postgresBinDir, path: options.path });
    // Check redis-server too before starting anything, so a missing binary is reported up front.
    if (layout.redis.managed) findRedisServer({ path: options.path });
    let dataDir = readDevServicesState(layout)?.postgresDataDir ?? join(layout.stateDir, 'postgres');
    if (!(await preparePostgresDataDir(dataDir))) {
      dataDir = fallbackPostgresDataDir(layout.repoRoot);
      options.log(`the postgres OS user cannot reach the checkout; keeping PostgreSQL data in ${dataDir}`);
    }
    const postgres = await startLocalPostgres({ dataDir, port: layout.postgres.port, binaries });
    state.postgresDataDir = postgres.dataDir;
    options.log(`PostgreSQL on 127.0.0.1:${postgres.port} (data ${postgres.dataDir})`);
  } else {
    options.log(`DATABASE_URL points at ${layout.postgres.host}: not starting PostgreSQL`);
  }
  if (layout.redis.managed) {
    const redisDir = join(layout.stateDir, 'redis');
    const redis = await startLocalRedis({
      dir: redisDir,
      port: layout.redis.port,
      redisServer: findRedisServer({ path: options.path }),
      persistent: true,
    });
    state.redisDir = redisDir;
    options.log(`Redis on 127.0.0.1:${redis.port} (data ${redisDir}, noeviction, append-only file)`);
  } else {
    options.log(`REDIS_URL points at ${layout.redis.host}: not starting Redis`);
  }
  await writeDevServicesState(layout, state);
  return state;
}

/** Stops what `startDevServices` started; data is kept. */
export async function stopDevServices(layout: DevServicesLayout, options: DevServicesOptions): Promise<void> {
  const state = readDevServicesState(layout);
  if (!state) {
    options.log('nothing to stop: services were never started from this checkout');
    return;
  }
  if (state.mode === 'docker') {
    await compose(layout, ['stop']);
    options.log('stopped the docker compose services (volumes kept)');
    return;
  }
  if (state.redisDir) await stopLocalRedis(state.redisDir);
  if (state.postgresDataDir) {
    await stopLocalPostgres(
      state.postgresDataDir,
      findPostgresBinaries({ binDir: options.postgresBinDir, path: options.path }),
    );
  }
  options.log('stopped PostgreSQL and Redis (data kept)');
}

export interface DevServicesStatus {
  mode: DevServicesMode | 'not started';
  postgres: boolean;
  redis: boolean;
}

/** Whether each service is up; `ok` in the CLI means both are. */
export async function getDevServicesStatus(
  layout: DevServicesLayout,
  options: DevServicesOptions,
): Promise<DevServicesStatus> {
  const state = readDevServicesState(layout);
  if (!state) return { mode: 'not started', postgres: false, redis: false };
  if (state.mode === 'docker') {
    const result = await runCommand(
      'docker',
      [
        'compose',
        '-f',
        join(layout.repoRoot, 'docker-compose.yml'),
        'ps',
        '--status',
        'running',
        '--services',
      ],
      {
        env: composeEnv(layout),
      },
    );
    const running = new Set(result.stdout.split('\n').map((line) => line.trim()));
    return { mode: 'docker', postgres: running.has('postgres'), redis: running.has('redis') };
  }
  const postgres = state.postgresDataDir
    ? await isLocalPostgresRunning(
        state.postgresDataDir,
        findPostgresBinaries({ binDir: options.postgresBinDir, path: options.path }),
      )
    : false;
  const redis = state.redisDir
    ? (await isLocalRedisRunning(state.redisDir)) && (await pingRedis(state.redisPort))
    : false;
  return { mode: 'local', postgres, redis };
}
