import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PostgresBinaries } from './find-postgres-binaries.js';
import { isPortInUse } from './find-free-port.js';
import { runCommand, type CommandResult } from './run-command.js';

export interface LocalPostgresOptions {
  /** Cluster directory; created and initialised on first use. */
  dataDir: string;
  port: number;
  binaries: PostgresBinaries;
  /**
   * Turns off fsync and friends: several times faster, and a crash loses the cluster. Only for
   * throwaway test servers.
   */
  ephemeral?: boolean;
}

export interface LocalPostgres {
  /** Superuser URL of the `postgres` maintenance database. */
  adminUrl: string;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * initdb refuses to run as root, so as root every server command runs as the `postgres` OS user
 * (which Debian's postgresql package creates) through runuser.
 */
function runAsPostgres(binary: string, args: readonly string[]): Promise<CommandResult> {
  return isRoot()
    ? runCommand('runuser', ['-u', 'postgres', '--', binary, ...args])
    : runCommand(binary, args);
}

const describe = (result: CommandResult) =>
  `${result.stderr.trim() || result.stdout.trim()} (exit ${result.code})`;

/**
 * Prepares the data directory. As root the directory must belong to `postgres`, and every parent
 * must be traversable by that user (a clone under /root is not): returns false in that case so
 * the caller can choose a directory elsewhere.
 */
export async function preparePostgresDataDir(dataDir: string): Promise<boolean> {
  if (!isRoot()) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return true;
  }
  const user = await runCommand('id', ['-u', 'postgres']);
  if (user.code !== 0) {
    throw new Error(
      'Running as root, PostgreSQL must run as the `postgres` OS user, which does not exist. ' +
        'Install the server package (`apt-get install -y postgresql`) or create the user.',
    );
  }
  const install = await runCommand('install', [
    '-d',
    '-o',
    'postgres',
    '-g',
    'postgres',
    '-m',
    '700',
    dataDir,
  ]);
  if (install.code !== 0) throw new Error(`cannot create ${dataDir}: ${describe(install)}`);
  const reachable = await runCommand('runuser', [
    '-u',
    'postgres',
    '--',
    'test',
    '-x',
    dataDir,
    '-a',
    '-w',
    dataDir,
  ]);
  return reachable.code === 0;
}

/** True when the cluster in dataDir has a running postmaster. */
export async function isLocalPostgresRunning(dataDir: string, binaries: PostgresBinaries): Promise<boolean> {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) return false;
  return (await runAsPostgres(binaries.pgCtl, ['-D', dataDir, 'status'])).code === 0;
}

/**
 * Starts (initialising if needed) a PostgreSQL cluster on 127.0.0.1:port, and resolves once it
 * accepts connections. Idempotent: an already running cluster in dataDir is reused.
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const { dataDir, port, binaries } = options;
  const handle: LocalPostgres = {
    adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    port,
    stop: () => stopLocalPostgres(dataDir, binaries),
  };
  if (await isLocalPostgresRunning(dataDir, binaries)) return handle;

  if (!(await preparePostgresDataDir(dataDir))) {
    throw new Error(`the postgres OS user cannot reach ${dataDir}; choose a data directory it can traverse`);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // Trust auth on a loopback-only, socket-less server: the same posture as a dev container.
    const init = await runAsPostgres(binaries.initdb, [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-instructions',
    ]);
    if (init.code !== 0) throw new Error(`initdb failed: ${describe(init)}`);
  }
  if (await isPortInUse(port)) {
    throw new Error(
      `port ${port} is already in use by another process; choose another port (DATABASE_URL / the port option)`,
    );
  }

  const settings = [
    '-c listen_addresses=127.0.0.1',
    `-p ${port}`,
    // No unix socket: its path length limit breaks in deep checkouts, and we only use TCP.
    "-c unix_socket_directories=''",
    '-c max_connections=200',
    ...(options.ephemeral ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
  ];
  const start = await runAsPostgres(binaries.pgCtl, [
    '-D',
    dataDir,
    '-l',
    join(dataDir, 'server.log'),
    '-w',
    '-t',
    '60',
    '-o',
    settings.join(' '),
    'start',
  ]);
  if (start.code !== 0) {
    throw new Error(`pg_ctl start failed: ${describe(start)}; see ${join(dataDir, 'server.log')}`);
  }
  return handle;
}

/** Fast shutdown: rolls back open transactions, then stops. No-op when not running. */
export async function stopLocalPostgres(dataDir: string, binaries: PostgresBinaries): Promise<void> {
  if (!(await isLocalPostgresRunning(dataDir, binaries))) return;
  const stop = await runAsPostgres(binaries.pgCtl, ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  if (stop.code !== 0) throw new Error(`pg_ctl stop failed: ${describe(stop)}`);
}
