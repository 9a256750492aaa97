// npm start: the whole system on one machine. Builds, starts PostgreSQL and Redis, applies
// migrations, starts api, worker, webhook and the sandbox gateway (settling orders by itself),
// waits until every health endpoint answers, creates an API key for the run, sends a demo batch
// of checkouts and prints its summary; on Ctrl-C it stops everything it started, in reverse order.
//   npm start -- --demo N     N checkouts in the demo batch (default 2,000)
//   npm start -- --no-demo    no demo batch
//   npm run dev               (--dev) the apps from source under `tsx watch`, no build, no demo
// Both configure a demo operator for the dashboard (/dashboard on the api) with a password made
// for the run and printed once at the end, unless DASHBOARD_OPERATORS is set already.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import {
  getDevServicesStatus,
  resolveDevServicesLayout,
  startDevServices,
  stopDevServices,
} from '../packages/dev-services/src/index.js';
import { hashOperatorPassword } from '../apps/api/src/dashboard/operator-password.js';
import { appPorts, devConfig, repoRoot, sandboxScenario } from './dev-config.js';
import { createStatusLine } from './status-line.js';

const require = createRequire(import.meta.url);
const status = createStatusLine();
const say = (message: string) => status.print(`[start] ${message}`);

const { values: args } = parseArgs({
  options: {
    dev: { type: 'boolean', default: false },
    demo: { type: 'string', default: '2000' },
    'no-demo': { type: 'boolean', default: false },
  },
});
const demoCount = args.dev || args['no-demo'] ? 0 : Number(args.demo);
if (!Number.isInteger(demoCount) || demoCount < 0 || demoCount > 100_000) {
  console.error(`--demo must be a whole number from 0 to 100000, got ${args.demo}`);
  process.exit(2);
}

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

/**
 * The dashboard's operator for this run: `demo` with a random password (printed once at the end)
 * and a random session secret, so a new user can sign in; an operator list of your own wins.
 */
const ownOperators = process.env.DASHBOARD_OPERATORS !== undefined;
const demoOperator = ownOperators
  ? undefined
  : { name: 'demo', password: randomBytes(12).toString('base64url') };
const dashboardEnv: Record<string, string> = demoOperator
  ? {
      DASHBOARD_OPERATORS: `${demoOperator.name}:${await hashOperatorPassword(demoOperator.password)}`,
      DASHBOARD_SESSION_SECRET: randomBytes(32).toString('base64url'),
    }
  : {};

const apps = ['sandbox', 'api', 'webhook', 'worker'] as const;
type AppName = (typeof apps)[number];
const colours: Record<AppName, string> = { sandbox: '35', api: '36', webhook: '33', worker: '32' };

function startApp(name: AppName): ChildProcess {
  // npm run dev: from source, restarted by tsx on every change of a file it imports.
  const command = args.dev
    ? [
        require.resolve('tsx/cli'),
        'watch',
        '--clear-screen=false',
        '--conditions=@vexora-checkout/source',
        `apps/${name}/src/main.ts`,
      ]
    : ['--enable-source-maps', `apps/${name}/dist/main.js`];
  const child = spawn(process.execPath, command, {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: devConfig.databaseUrl,
      REDIS_URL: devConfig.redisUrl,
      LOG_LEVEL: devConfig.logLevel ?? (args.dev ? 'info' : 'warn'),
      VEXORA_REQUESTS_PER_SECOND: devConfig.gatewayRequestsPerSecond,
      ...(name === 'sandbox' ? { SANDBOX_SCENARIO: sandboxScenario } : {}),
      ...(name === 'api' ? dashboardEnv : {}),
    },
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
      for (const line of lines) status.print(`${prefix}${line}`);
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

/** Ctrl-C stops the demo batch where it is. */
const demoAbort = new AbortController();
/** The run's API key, revoked on the way out. */
let demoKeyId: string | undefined;

let stopping = false;
async function stopEverything(startedServices: boolean, code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  demoAbort.abort();
  status.finish();
  if (demoKeyId) {
    try {
      const { revokeDemoApiKey } = await import('./demo-api-key.js');
      await revokeDemoApiKey(devConfig.databaseUrl, demoKeyId);
      say('revoked the demo API key');
    } catch (error) {
      say(`could not revoke the demo API key: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
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
  if (!args.dev) {
    say('building');
    await run(process.execPath, [
      require.resolve('turbo/bin/turbo'),
      'run',
      'build',
      '--output-logs=errors-only',
    ]);
  }
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

  // Imported only now: after the build, the workspace packages they use have a dist to load.
  const { createDemoApiKey } = await import('./demo-api-key.js');
  const demoKey = await createDemoApiKey(devConfig.databaseUrl);
  demoKeyId = demoKey.id;
  const apiUrl = `http://127.0.0.1:${appPorts.api}`;
  say(`API key of this run (client "${demoKey.clientId}"; shown once, revoked on Ctrl-C):`);
  say(`  ${demoKey.key}`);

  if (demoCount > 0) {
    const { runDemoBatch } = await import('./demo-batch.js');
    await runDemoBatch({
      count: demoCount,
      apiUrl,
      apiKey: demoKey.key,
      clientId: demoKey.clientId,
      databaseUrl: devConfig.databaseUrl,
      status,
      signal: demoAbort.signal,
    });
  }
  if (!stopping) {
    say(`api docs   ${apiUrl}/docs`);
    say(`dashboard  ${apiUrl}/dashboard`);
    if (demoOperator) {
      say(
        `  operator "${demoOperator.name}", password ${demoOperator.password} (made for this run; shown once)`,
      );
    } else {
      say('  sign in as one of DASHBOARD_OPERATORS');
    }
    say(args.dev ? 'watching for changes; press Ctrl-C to stop' : 'press Ctrl-C to stop');
  }
} catch (error) {
  if (stopping) await new Promise(() => undefined); // Ctrl-C interrupted a step: stopEverything exits.
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopEverything(startedServices, 1);
}
