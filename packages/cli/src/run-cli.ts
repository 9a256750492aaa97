import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { createVexoraCheckoutClient, INTENT_STATES } from '@vexora-checkout/client';
import { formatCount, type ProgressStream } from './create-progress-reporter.js';
import { checkKeyPrefix } from './derive-idempotency-key.js';
import { readCliEnv } from './env.js';
import { EXIT } from './exit-codes.js';
import { FileError } from './file-error.js';
import { parseCliArgs, USAGE, UsageError } from './parse-cli-args.js';
import { detectInputFormat } from './read-order-rows.js';
import { runBulkCreate, type BulkCreateReport } from './run-bulk-create.js';
import { runBulkStatus } from './run-bulk-status.js';

export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  /** Where the API URL and key come from when no flag gives them (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Ctrl-C: stop reading, let the batches in flight finish, write the results. */
  signal?: AbortSignal;
}

/** The whole CLI: parses `argv`, runs the command, returns the exit code (see exit-codes.ts). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const fail = (message: string, code: number = EXIT.usage) => {
    io.stderr.write(`vexora-checkout: ${message}\n`);
    return code;
  };
  let command;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n\n${USAGE}`);
    throw error;
  }
  try {
    if (command.kind === 'help') {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    const env = readCliEnv(io.env);
    const apiUrl = command.apiUrl ?? env.apiUrl;
    const apiKey = command.apiKey ?? env.apiKey;
    if (!apiUrl) throw new UsageError('no API URL: set VEXORA_CHECKOUT_API_URL or pass --api-url');
    if (!/^https?:\/\/[^/]/.test(apiUrl))
      throw new UsageError(`--api-url must be an http(s) URL (got "${apiUrl}")`);
    if (!apiKey) throw new UsageError('no API key: set VEXORA_CHECKOUT_API_KEY or pass --api-key');
    const client = createVexoraCheckoutClient({
      baseUrl: apiUrl,
      apiKey,
      onRetry: (notice) =>
        io.stderr.write(
          `${io.stderr.isTTY ? '\r\x1b[2K' : ''}retrying ${notice.method} ${notice.path} in ${notice.delayMs} ms (${notice.reason})\n`,
        ),
    });

    if (command.kind === 'bulk-status') {
      await requireFile(command.results);
      const report = await runBulkStatus({
        resultsPath: command.results,
        client,
        concurrency: command.concurrency,
        stderr: io.stderr,
        ...(io.signal ? { signal: io.signal } : {}),
      });
      const states = [...report.byState.entries()].sort(
        ([a], [b]) => stateRank(a) - stateRank(b) || a.localeCompare(b),
      );
      const width = Math.max(...states.map(([state]) => state.length), 5);
      for (const [state, count] of states) io.stdout.write(`${state.padEnd(width)}  ${formatCount(count)}\n`);
      io.stdout.write(`${'total'.padEnd(width)}  ${formatCount(report.rows)}\n`);
      if (report.stopped) return stopped(io, report.stopped, 'bulk status');
      return report.failed > 0 ? EXIT.someRowsFailed : EXIT.ok;
    }

    await requireFile(command.file);
    const format = detectInputFormat(command.file);
    if (!format) throw new UsageError(`${command.file}: the file name must end in .csv, .ndjson or .jsonl`);
    const prefixProblem = checkKeyPrefix(command.keyPrefix);
    if (prefixProblem) throw new UsageError(`--key-prefix ${prefixProblem}`);
    const resultsPath = command.results ?? defaultResultsPath(command.file);
    if (resolve(resultsPath) === resolve(command.file)) {
      throw new UsageError('--results must not be the input file');
    }
    const report = await runBulkCreate({
      file: command.file,
      format,
      resultsPath,
      client,
      concurrency: command.concurrency,
      batchSize: command.batchSize,
      keyPrefix: command.keyPrefix,
      stderr: io.stderr,
      ...(io.signal ? { signal: io.signal } : {}),
    });
    io.stdout.write(`${summarize(report)} Results: ${resultsPath}\n`);
    if (report.stopped) return stopped(io, report.stopped, 'bulk create');
    return report.failed > 0 ? EXIT.someRowsFailed : EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message} (see --help)`);
    if (error instanceof FileError) return fail(error.message);
    throw error;
  }
}

function summarize(report: BulkCreateReport): string {
  return `${formatCount(report.rows)} order${report.rows === 1 ? '' : 's'}: ${formatCount(report.created)} created, ${formatCount(report.replayed)} already created (replayed), ${formatCount(report.failed)} failed.`;
}

function stopped(io: CliIo, stop: NonNullable<BulkCreateReport['stopped']>, command: string): number {
  if (stop.reason === 'unauthenticated') {
    io.stderr.write(`vexora-checkout: the API refused the key: ${stop.message}\n`);
    return EXIT.usage;
  }
  io.stderr.write(
    `vexora-checkout: ${command} stopped early: ${stop.message}\n` +
      `Run the same command again to finish${command === 'bulk create' ? ': orders already created are replayed, never created twice' : ''}.\n`,
  );
  return EXIT.incomplete;
}

async function requireFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new UsageError(`${path}: no such file`);
}

/** `orders.csv` → `orders.results.csv`, next to it. */
export function defaultResultsPath(file: string): string {
  return join(dirname(file), `${basename(file, extname(file))}.results.csv`);
}

function stateRank(state: string): number {
  const index = (INTENT_STATES as readonly string[]).indexOf(state);
  return index === -1 ? INTENT_STATES.length : index;
}
