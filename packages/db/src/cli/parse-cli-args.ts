import { validateMigrationName } from '../migrate/validate-migration-name.js';

export type CliCommand =
  | { command: 'generate' }
  | { command: 'migrate' }
  | { command: 'status' }
  | { command: 'migration'; name: string }
  | { command: 'resolve'; migrationName: string; resolution: 'rolled-back' | 'applied' };

export const USAGE = `Usage: tsx packages/db/src/cli/db.ts <command>

Commands:
  generate                  Generate the Prisma client (offline: no native engine needed)
  migrate                   Create the database if needed, then apply pending migrations
  status                    Check migrations and schema drift; exit 1 if anything needs attention
  migration --name <name>   Create a migration from schema.prisma changes, then regenerate the client
  resolve --rolled-back <migration> | --applied <migration>
                            Mark a failed migration rolled back (to retry it) or applied

Environment:
  DATABASE_URL   default postgresql://postgres@127.0.0.1:54329/vexora_checkout`;

/** Parses the arguments after the script name. @returns the command, or the usage error. */
export function parseCliArgs(args: readonly string[]): CliCommand | { error: string } {
  const [command, ...rest] = args;
  switch (command) {
    case 'generate':
    case 'migrate':
    case 'status':
      return rest.length === 0 ? { command } : { error: `"${command}" takes no arguments.` };
    case 'migration': {
      const options = readOptions(rest, ['--name']);
      if ('error' in options) return options;
      const name = options.values['--name'];
      if (name === undefined) return { error: 'migration needs --name <name>.' };
      const invalid = validateMigrationName(name);
      return invalid === undefined ? { command, name } : { error: invalid };
    }
    case 'resolve': {
      const options = readOptions(rest, ['--rolled-back', '--applied']);
      if ('error' in options) return options;
      const rolledBack = options.values['--rolled-back'];
      const applied = options.values['--applied'];
      if ((rolledBack === undefined) === (applied === undefined)) {
        return { error: 'resolve needs exactly one of --rolled-back <migration> or --applied <migration>.' };
      }
      return rolledBack === undefined
        ? { command, migrationName: applied ?? '', resolution: 'applied' }
        : { command, migrationName: rolledBack, resolution: 'rolled-back' };
    }
    case undefined:
      return { error: 'No command given.' };
    default:
      return { error: `Unknown command "${command}".` };
  }
}

/** `--flag value` and `--flag=value`, each flag at most once, nothing else. */
function readOptions(
  args: readonly string[],
  flags: readonly string[],
): { values: Partial<Record<string, string>> } | { error: string } {
  const values: Partial<Record<string, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (!flags.includes(flag)) return { error: `Unexpected argument "${arg}".` };
    if (flag in values) return { error: `${flag} given twice.` };
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') return { error: `${flag} needs a value.` };
    values[flag] = value;
  }
  return { values };
}
