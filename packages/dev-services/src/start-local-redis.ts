import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { isPortInUse } from './find-free-port.js';
import { runCommand } from './run-command.js';

export interface LocalRedisOptions {
  /** Working directory: pid file, log, and the append-only file when persistent. */
  dir: string;
  port: number;
  redisServer: string;
  /** Keep data across restarts (append-only file). Off for throwaway test servers. */
  persistent?: boolean;
}

export interface LocalRedis {
  url: string;
  dir: string;
  port: number;
  stop(): Promise<void>;
}

/** Sends PING over a raw socket: no client library, and no redis-cli needed. */
export function pingRedis(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}

async function readPid(dir: string): Promise<number | undefined> {
  const pidFile = join(dir, 'redis.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True when the redis-server whose pid file is in dir is alive. */
export async function isLocalRedisRunning(dir: string): Promise<boolean> {
  const pid = await readPid(dir);
  return pid !== undefined && isAlive(pid);
}

/**
 * Starts redis-server on 127.0.0.1:port, daemonised, with `noeviction` (BullMQ loses jobs under
 * any eviction policy), and resolves once it answers PING. Idempotent for the same dir.
 */
export async function startLocalRedis(options: LocalRedisOptions): Promise<LocalRedis> {
  const { dir, port } = options;
  const handle: LocalRedis = { url: `redis://127.0.0.1:${port}`, dir, port, stop: () => stopLocalRedis(dir) };
  if ((await isLocalRedisRunning(dir)) && (await pingRedis(port))) return handle;
  if (await isPortInUse(port)) {
    throw new Error(`port ${port} is already in use by another process; choose another port (REDIS_URL)`);
  }
  await mkdir(dir, { recursive: true });
  const result = await runCommand(options.redisServer, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--daemonize',
    'yes',
    '--pidfile',
    join(dir, 'redis.pid'),
    '--logfile',
    join(dir, 'redis.log'),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.persistent ? 'yes' : 'no',
    '--maxmemory-policy',
    'noeviction',
  ]);
  if (result.code !== 0) {
    throw new Error(`redis-server failed to start: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  await waitFor(
    () => pingRedis(port),
    10_000,
    `redis-server on port ${port} (see ${join(dir, 'redis.log')})`,
  );
  return handle;
}

/** Stops the redis-server whose pid file is in dir and waits for it to exit. */
export async function stopLocalRedis(dir: string): Promise<void> {
  const pid = await readPid(dir);
  if (pid === undefined || !isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !isAlive(pid), 10_000, `redis-server (pid ${pid}) to exit`);
}
