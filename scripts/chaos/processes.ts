// The apps of a chaos run as child processes that can be killed with SIGKILL and started again
// with the same environment and port. They run from source (tsx, the workspace source condition),
// as the tests run them: nothing needs building first.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Pino's levels from error up. */
const ERROR_LEVELS = new Set(['error', 'fatal', '50', '60']);
const KEPT_LINES = 200;

export interface ManagedProcessOptions {
  name: string;
  /** The entry point, relative to the repository root. */
  entry: string;
  env: Record<string, string>;
  port: number;
  healthPath: string;
}

export class ManagedProcess {
  readonly name: string;
  readonly port: number;
  #options: ManagedProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  /** The last lines written (stdout and stderr), for a report when something fails. */
  readonly recentLines: string[] = [];
  errorLines = 0;
  starts = 0;
  /** Exits nobody asked for (a crash of the app itself), with the last lines before each. */
  readonly crashes: string[] = [];
  /** Called when the process exits without being killed or stopped (a supervisor restarts it). */
  onCrash: ((app: ManagedProcess) => void) | undefined;
  #expectingExit = false;
  /** While start() waits for health: an exit then is start()'s failure, not a crash. */
  #starting = false;
  #persistentStart: Promise<void> | undefined;
  /** Every child still alive: stop() ends them all, so that none outlives the run. */
  readonly #children = new Set<ChildProcess>();

  constructor(options: ManagedProcessOptions) {
    this.#options = options;
    this.name = options.name;
    this.port = options.port;
  }

  /** Running and answering: not in the middle of a start (a kill then would race the start). */
  get ready(): boolean {
    return this.running && !this.#starting && this.#persistentStart === undefined;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Spawns the process and waits (up to 90 s) until its health path answers 2xx. */
  async start(): Promise<void> {
    this.#starting = true;
    try {
      await this.#start();
    } finally {
      this.#starting = false;
    }
  }

  async #start(): Promise<void> {
    const { entry, env, port, healthPath } = this.#options;
    const child = spawn(
      process.execPath,
      ['--conditions=@vexora-checkout/source', '--import', require.resolve('tsx'), entry],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    this.#expectingExit = false;
    this.starts += 1;
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.#expectingExit && !this.#starting) {
          const last = this.recentLines.slice(-3).map((line) => line.slice(0, 300));
          this.crashes.push(`exit ${code ?? signal}: ${last.join(' | ')}`);
          this.onCrash?.(this);
        }
        resolve();
      }),
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        if (line.trim() === '') return;
        this.recentLines.push(line);
        if (this.recentLines.length > KEPT_LINES) this.recentLines.shift();
        const level = /"level":"?(\w+)"?/.exec(line)?.[1];
        if (level !== undefined && ERROR_LEVELS.has(level)) this.errorLines += 1;
      });
    }
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const last = this.recentLines.at(-1)?.slice(0, 300) ?? '';
        throw new Error(
          `${this.name} exited (${child.exitCode ?? child.signalCode}) before answering: ${last}`,
        );
      }
      try {
        const response = await fetch(`http://127.0.0.1:${port}${healthPath}`, {
          signal: AbortSignal.timeout(1_000),
        });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer ${healthPath} within 90 s`);
      await sleep(100);
    }
  }

  /**
   * Starts the process, trying again (up to `tries` times, a second apart) when it exits before
   * answering: an app started while PostgreSQL or Redis is restarting may give up at once.
   */
  startPersistently(tries = 30): Promise<void> {
    // One start at a time: a second caller (the supervisor and a kill's restart) shares it.
    this.#persistentStart ??= this.#startPersistently(tries).finally(() => {
      this.#persistentStart = undefined;
    });
    return this.#persistentStart;
  }

  async #startPersistently(tries: number): Promise<void> {
    if (this.running) return;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.start();
        return;
      } catch (error) {
        if (attempt >= tries) throw error;
        await this.kill();
        await sleep(1_000);
      }
    }
  }

  /** kill -9: no shutdown hook runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.#expectingExit = true;
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, then SIGKILL after 20 s; any other child of this app still alive is killed. */
  async stop(): Promise<void> {
    if (this.running) {
      this.#expectingExit = true;
      this.#child?.kill('SIGTERM');
      const late = await Promise.race([this.#exited.then(() => false), sleep(20_000).then(() => true)]);
      if (late) await this.kill();
    }
    for (const child of this.#children) child.kill('SIGKILL');
  }
}
