import { describe, expect, test } from 'vitest';
import { parseCliArgs, UsageError } from './parse-cli-args.js';

describe('parseCliArgs', () => {
  test('bulk create with defaults and with every option', () => {
    expect(parseCliArgs(['bulk', 'create', 'orders.csv'])).toEqual({
      kind: 'bulk-create',
      file: 'orders.csv',
      results: undefined,
      concurrency: 4,
      batchSize: 500,
      keyPrefix: 'bulk',
      apiUrl: undefined,
      apiKey: undefined,
    });
    expect(
      parseCliArgs([
        'bulk',
        'create',
        'o.ndjson',
        '--results=r.csv',
        '--concurrency',
        '8',
        '--batch-size',
        '1000',
        '--key-prefix',
        'shop',
        '--api-url',
        'http://h',
        '--api-key',
        'k',
      ]),
    ).toMatchObject({
      results: 'r.csv',
      concurrency: 8,
      batchSize: 1000,
      keyPrefix: 'shop',
      apiUrl: 'http://h',
      apiKey: 'k',
    });
  });

  test('bulk status, and help', () => {
    expect(parseCliArgs(['bulk', 'status', 'r.csv'])).toMatchObject({
      kind: 'bulk-status',
      results: 'r.csv',
      concurrency: 8,
    });
    expect(parseCliArgs([])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['bulk', 'create', 'x.csv', '-h'])).toEqual({ kind: 'help' });
  });

  test.each([
    [['bulk', 'delete', 'x.csv'], 'unknown command "bulk delete"'],
    [['bulk', 'create'], 'bulk create needs a file'],
    [['bulk', 'create', 'a.csv', 'b.csv'], 'unexpected argument(s): b.csv'],
    [
      ['bulk', 'create', 'a.csv', '--batch-size', '1001'],
      '--batch-size must be an integer from 1 to 1000 (got "1001")',
    ],
    [
      ['bulk', 'create', 'a.csv', '--concurrency', '0'],
      '--concurrency must be an integer from 1 to 32 (got "0")',
    ],
    [
      ['bulk', 'create', 'a.csv', '--concurrency', '2.5'],
      '--concurrency must be an integer from 1 to 32 (got "2.5")',
    ],
    [['bulk', 'status', 'r.csv', '--key-prefix', 'x'], '--key-prefix is an option of bulk create'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(new UsageError(message));
  });

  test('refuses an unknown option', () => {
    expect(() => parseCliArgs(['bulk', 'create', 'a.csv', '--dry'])).toThrow(UsageError);
  });
});
