import { runCli } from './run-cli.js';

// The process wiring only: Ctrl-C (or SIGTERM) asks the run to stop cleanly (batches in flight
// finish and are written); a second one ends the process at once.
const controller = new AbortController();
const stop = (signal: NodeJS.Signals) => {
  if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
  process.stderr.write(`\nvexora-checkout: ${signal}: finishing the batches in flight (again to quit now)\n`);
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
process.off('SIGINT', stop);
process.off('SIGTERM', stop);
