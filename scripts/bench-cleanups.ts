// Teardown of a benchmark run: every start registers its undo, and the undos run in reverse order
// once, whether the run ends, fails or is interrupted with Ctrl-C.
import { say } from './bench-support.js';

export interface Cleanup {
  name: string;
  run: () => Promise<void>;
}

/** The undos of this run, in the order their starts happened. */
export const cleanups: Cleanup[] = [];

let cleaningUp: Promise<void> | undefined;

/** Runs every cleanup once, last registered first; a failing one is reported and the rest still run. */
export function cleanUp(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      try {
        await run();
      } catch (error) {
        say(`cleanup "${name}" failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaningUp;
}

/** On SIGINT or SIGTERM: `onSignal` (e.g. stop the load generators), clean up, exit 130. */
export function cleanUpOnSignals(message: string, onSignal: () => void = () => undefined): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: ${message}`);
      onSignal();
      void cleanUp().then(() => process.exit(130));
    });
  }
}

/** Runs the benchmark, cleans up, and exits: 1 when it could not run, 0 otherwise. */
export async function runThenCleanUp(
  main: () => Promise<void>,
  options: { stack?: boolean } = {},
): Promise<never> {
  let exitCode = 0;
  try {
    await main();
  } catch (error) {
    const text =
      error instanceof Error
        ? options.stack
          ? (error.stack ?? error.message)
          : error.message
        : String(error);
    say(`failed: ${text}`);
    exitCode = 1;
  } finally {
    await cleanUp();
  }
  process.exit(exitCode);
}
