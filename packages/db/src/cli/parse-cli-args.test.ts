import { describe, expect, test } from 'vitest';
import { parseCliArgs } from './parse-cli-args.js';

describe('parseCliArgs', () => {
  test.each(['generate', 'migrate', 'status'] as const)('%s takes no argument', (command) => {
    expect(parseCliArgs([command])).toEqual({ command });
    expect(parseCliArgs([command, 'extra'])).toEqual({ error: `"${command}" takes no arguments.` });
  });

  test('migration takes --name as two arguments or with =', () => {
    expect(parseCliArgs(['migration', '--name', 'add_refunds'])).toEqual({
      command: 'migration',
      name: 'add_refunds',
    });
    expect(parseCliArgs(['migration', '--name=add_refunds'])).toEqual({
      command: 'migration',
      name: 'add_refunds',
    });
  });

  test.each([
    [['migration'], 'migration needs --name <name>.'],
    [['migration', '--name'], '--name needs a value.'],
    [['migration', '--name='], '--name needs a value.'],
    [['migration', '--name', 'a', '--name', 'b'], '--name given twice.'],
    [['migration', '--nmae', 'a'], 'Unexpected argument "--nmae".'],
    [['migration', 'add_refunds'], 'Unexpected argument "add_refunds".'],
    [['migration', '--name', 'Add-Refunds'], 'may only contain lowercase letters, digits and underscores'],
  ])('migration refuses %j', (args, message) => {
    const parsed = parseCliArgs(args);
    expect('error' in parsed && parsed.error).toContain(message);
  });

  test('resolve takes exactly one of --rolled-back and --applied', () => {
    expect(parseCliArgs(['resolve', '--rolled-back', '20240101000000_init'])).toEqual({
      command: 'resolve',
      migrationName: '20240101000000_init',
      resolution: 'rolled-back',
    });
    expect(parseCliArgs(['resolve', '--applied=20240101000000_init'])).toEqual({
      command: 'resolve',
      migrationName: '20240101000000_init',
      resolution: 'applied',
    });
    const both = parseCliArgs(['resolve', '--applied', 'a', '--rolled-back', 'b']);
    expect(both).toEqual({
      error: 'resolve needs exactly one of --rolled-back <migration> or --applied <migration>.',
    });
    expect(parseCliArgs(['resolve'])).toEqual(both);
  });

  test('reports a missing or unknown command', () => {
    expect(parseCliArgs([])).toEqual({ error: 'No command given.' });
    expect(parseCliArgs(['deploy'])).toEqual({ error: 'Unknown command "deploy".' });
  });
});
