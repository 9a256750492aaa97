import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  /** Every line the process wrote, stdout and stderr, in order. */
  output: string[];
  /** Resolves with the first JSON log line matching the predicate; rejects if the process exits first. */
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Sends a signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Runs an app's entry point from source (tsx, the workspace source condition) as a real child
 * process, the way end-to-end tests should meet it: its own env, its own signals, its own exit.
 */
export function startAppProcess(entry: string, env: Record<string, string>): AppProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@vexora-checkout/source', '--import', require.resolve('tsx'), entry],
    {
      cwd: repoRoot,
      // Only what the test gives, plus PATH: the app must not pick up the developer's settings.
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        for (const listener of listeners) listener(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const parse = (line: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(line);
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    child,
    output,
    exited,
    waitForLog: (predicate, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const done = (error?: Error, line?: Record<string, unknown>) => {
          clearTimeout(timer);
          listeners.delete(onLine);
          if (error) reject(error);
          else if (line) resolve(line);
        };
        const onLine = (raw: string) => {
          const line = parse(raw);
          if (line && predicate(line)) done(undefined, line);
        };
        const timer = setTimeout(
          () => done(new Error(`no matching log line within ${timeoutMs} ms; output:\n${output.join('\n')}`)),
          timeoutMs,
        );
        for (const raw of output) {
          const line = parse(raw);
          if (line && predicate(line)) return done(undefined, line);
        }
        listeners.add(onLine);
        void exited.then((code) =>
          done(new Error(`process exited (${code}) first; output:\n${output.join('\n')}`)),
        );
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
