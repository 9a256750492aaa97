import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DevServicesMode = 'docker' | 'local';

/** Where the development services live and how they are reached. */
export interface DevServicesLayout {
  repoRoot: string;
  /** `.services/` in the repository: state file, Redis data, and PostgreSQL data when reachable. */
  stateDir: string;
  postgres: { host: string; port: number; database: string; managed: boolean };
  redis: { host: string; port: number; managed: boolean };
}

/** What `services:up` chose, so `down` and `status` act on the same servers. */
export interface DevServicesState {
  mode: DevServicesMode;
  postgresDataDir?: string;
  redisDir?: string;
  postgresPort: number;
  redisPort: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Derives ports from the same DATABASE_URL and REDIS_URL the apps use, so one setting moves both
 * the server and its clients. A URL pointing elsewhere is not ours to manage.
 */
export function resolveDevServicesLayout(
  repoRoot: string,
  databaseUrl: string,
  redisUrl: string,
): DevServicesLayout {
  const db = new URL(databaseUrl);
  const redis = new URL(redisUrl);
  return {
    repoRoot,
    stateDir: join(repoRoot, '.services'),
    postgres: {
      host: db.hostname,
      port: Number(db.port || 5432),
      database: decodeURIComponent(db.pathname.slice(1)) || 'postgres',
      managed: LOOPBACK.has(db.hostname),
    },
    redis: { host: redis.hostname, port: Number(redis.port || 6379), managed: LOOPBACK.has(redis.hostname) },
  };
}

/**
 * A data directory under /tmp, stable per checkout, for when the `postgres` OS user cannot
 * traverse the checkout (a clone under /root, mode 700).
 */
export function fallbackPostgresDataDir(repoRoot: string): string {
  const digest = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
  return join(tmpdir(), `vexora-checkout-${digest}`, 'postgres');
}

export function readDevServicesState(layout: DevServicesLayout): DevServicesState | undefined {
  const file = join(layout.stateDir, 'state.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as DevServicesState;
}

export async function writeDevServicesState(
  layout: DevServicesLayout,
  state: DevServicesState,
): Promise<void> {
  await mkdir(layout.stateDir, { recursive: true });
  await writeFile(join(layout.stateDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
}
