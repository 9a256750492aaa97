// An app of the checkout (api, webhook, worker, sandbox) run from source as a child process of a
// benchmark, with only the environment it is given: the developer's settings must not change the
// run. Its warnings and errors are kept for the report; it is stopped at cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanups } from './bench-cleanups.js';
import { say } from './bench-support.js';
import { repoRoot } from './dev-config.js';

const require = createRequire(import.meta.url);

export interface AppProcess {
  name: string;
  child: ChildProcess;
  port: number;
  /** Lines logged at warn or above (the development-accounts notice excepted). */
  problems: string[];
  exited: Promise<number | null>;
}

/** Pino's levels from warn up, by name and by number. */
const PROBLEM_LEVELS = ['warn', 'error', 'fatal', '40', '50', '60'];

/** Starts the app and waits (up to 60 s) until `healthPath` answers 2xx on `port`. */
export async function startAppProcess(options: {
  name: string;
  /** The entry point, relative to the repository root (apps/api/src/main.ts). */
  entry: string;
  /** The app's whole environment, PATH excepted. */
  env: Record<string, string>;
  port: number;
  healthPath: string;
  /** Extra node flags placed first (e.g. --max-semi-space-size=32). */
  nodeFlags?: readonly string[];
  /** When set, the app runs with --cpu-prof and writes its profile there when it stops. */
  cpuProfileDir?: string | undefined;
}): Promise<AppProcess> {
  const { name, port, healthPath } = options;
  const nodeArgs = [
    ...(options.nodeFlags ?? []),
    '--conditions=@vexora-checkout/source',
    '--import',
    require.resolve('tsx'),
  ];
  if (options.cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const child = spawn(process.execPath, [...nodeArgs, options.entry], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const problems: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '' || /development (accounts|merchants)/.test(line)) continue;
        const level = /"level":"?(\w+)"?/.exec(line)?.[1];
        if (level === undefined || PROBLEM_LEVELS.includes(level)) problems.push(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const app: AppProcess = { name, child, port, problems, exited };
  cleanups.push({ name: `stop ${name}`, run: () => stopAppProcess(app) });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited (${child.exitCode}) before answering:\n${problems.join('\n')}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}${healthPath}`, {
        signal: AbortSignal.timeout(1_000),
      });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${name} did not answer ${healthPath} on port ${port} within 60 s`);
    await sleep(100);
  }
  return app;
}

/** SIGTERM, then SIGKILL when the app has not stopped within 20 s. */
export async function stopAppProcess(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill('SIGTERM');
  const late = await Promise.race([app.exited.then(() => false), sleep(20_000).then(() => true)]);
  if (late) {
    say(`${app.name} did not stop within 20 s: SIGKILL`);
    app.child.kill('SIGKILL');
    await app.exited;
  }
}
