// npm start: the whole system on one machine. Builds, starts PostgreSQL and Redis, applies
// migrations, starts api, worker, webhook and the sandbox gateway, waits until every health
// endpoint answers, and on Ctrl-C stops everything it started, in reverse order.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  getDevServicesStatus,
  resolveDevServicesLayout,
  startDevServices,
  stopDevServices,
} from '../packages/dev-services/src/index.js';
import { appPorts, devConfig, repoRoot } from './dev-config.js';

const require = createRequire(import.meta.url);
const say = (message: string) => console.log(`[start] ${message}`);

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

const apps = ['sandbox', 'api', 'webhook', 'worker'] as const;
type AppName = (typeof apps)[number];
const colours: Record<AppName, string> = { sandbox: '35', api: '36', webhook: '33', worker: '32' };

function startApp(name: AppName): ChildProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', `apps/${name}/dist/main.js`], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: devConfig.databaseUrl, REDIS_URL: devConfig.redisUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = process.stdout.isTTY
    ? `\x1b[${colours[name]}m${name.padEnd(7)}\x1b[0m │ `
    : `${name.padEnd(7)} │ `;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  return child;
}

async function waitForHealth(name: AppName, timeoutMs = 30_000): Promise<void> {
  const url = `http://127.0.0.1:${appPorts[name]}/health`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`${name} did not become healthy at ${url} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const children = new Map<AppName, ChildProcess>();
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

let stopping = false;
async function stopEverything(startedServices: boolean, code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  say('stopping the apps');
  // Reverse order of start: the worker and receivers go before the gateway they talk to.
  for (const name of [...apps].reverse()) {
    const child = children.get(name);
    if (!child) continue;
    child.kill('SIGTERM');
    await exited(child);
  }
  if (startedServices) {
    say('stopping PostgreSQL and Redis');
    await stopDevServices(layout, serviceOptions);
  }
  say('stopped');
  process.exit(code);
}

const layout = resolveDevServicesLayout(repoRoot, devConfig.databaseUrl, devConfig.redisUrl);
const serviceOptions = {
  mode: devConfig.servicesMode,
  postgresBinDir: devConfig.postgresBinDir,
  path: devConfig.path,
  log: (message: string) => say(message),
};

let startedServices = false;
try {
  say('building');
  await run(process.execPath, [
    require.resolve('turbo/bin/turbo'),
    'run',
    'build',
    '--output-logs=errors-only',
  ]);
  const before = await getDevServicesStatus(layout, serviceOptions);
  // Stop them on exit only if neither was running: never stop a server somebody else started.
  startedServices = !before.postgres && !before.redis;
  await startDevServices(layout, serviceOptions);
  say('applying migrations');
  await run(process.execPath, [require.resolve('tsx/cli'), 'packages/db/src/cli/db.ts', 'migrate']);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void stopEverything(startedServices, 0));
  }
  for (const name of apps) {
    const child = startApp(name);
    children.set(name, child);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        say(`${name} exited unexpectedly (${signal ?? `exit ${code}`}); stopping everything`);
        void stopEverything(startedServices, 1);
      }
    });
  }
  await Promise.all(apps.map((name) => waitForHealth(name)));
  say('all four apps are healthy:');
  for (const name of apps) say(`  ${name.padEnd(8)} http://127.0.0.1:${appPorts[name]}/health`);
  say('press Ctrl-C to stop');
} catch (error) {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopEverything(startedServices, 1);
}
