import { parseArgs } from 'node:util';

export type CliCommand =
  | { kind: 'help' }
  | {
      kind: 'bulk-create';
      file: string;
      results: string | undefined;
      concurrency: number;
      batchSize: number;
      keyPrefix: string;
      apiUrl: string | undefined;
      apiKey: string | undefined;
    }
  | {
      kind: 'bulk-status';
      results: string;
      concurrency: number;
      apiUrl: string | undefined;
      apiKey: string | undefined;
    };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  vexora-checkout bulk create <orders.csv|orders.ndjson> [--results <file>] [--concurrency 4]
                              [--batch-size 500] [--key-prefix bulk]
  vexora-checkout bulk status <results.csv> [--concurrency 8]

Options for both:
  --api-url <url>   the API (default: $VEXORA_CHECKOUT_API_URL)
  --api-key <key>   an API key (default: $VEXORA_CHECKOUT_API_KEY; prefer the variable,
                    a flag is visible to other users of the machine)

Exit codes: 0 every row ok, 1 some rows failed, 2 usage or configuration error,
            3 stopped early (API unreachable, Ctrl-C): run the same command again.
`;

/** The command line, checked: anything wrong is a `UsageError` naming it. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        results: { type: 'string' },
        concurrency: { type: 'string' },
        'batch-size': { type: 'string' },
        'key-prefix': { type: 'string' },
        'api-url': { type: 'string' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { kind: 'help' };
  const [group, action, path, ...extra] = positionals;
  if (group !== 'bulk' || (action !== 'create' && action !== 'status')) {
    throw new UsageError(`unknown command "${positionals.slice(0, 2).join(' ')}"`);
  }
  if (path === undefined) throw new UsageError(`bulk ${action} needs a file`);
  if (extra.length > 0) throw new UsageError(`unexpected argument(s): ${extra.join(' ')}`);
  const connection = { apiUrl: values['api-url'], apiKey: values['api-key'] };

  if (action === 'status') {
    for (const name of ['results', 'batch-size', 'key-prefix'] as const) {
      if (values[name] !== undefined) throw new UsageError(`--${name} is an option of bulk create`);
    }
    return {
      kind: 'bulk-status',
      results: path,
      concurrency: integerOption('concurrency', values.concurrency, 8, 1, 64),
      ...connection,
    };
  }
  return {
    kind: 'bulk-create',
    file: path,
    results: values.results,
    concurrency: integerOption('concurrency', values.concurrency, 4, 1, 32),
    batchSize: integerOption('batch-size', values['batch-size'], 500, 1, 1_000),
    keyPrefix: values['key-prefix'] ?? 'bulk',
    ...connection,
  };
}

function integerOption(name: string, value: string | undefined, fallback: number, min: number, max: number) {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${value}")`);
  }
  return number;
}
