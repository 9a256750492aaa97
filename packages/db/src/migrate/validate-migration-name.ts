/** The Prisma CLI truncates names to this length; longer ones are refused rather than cut. */
const MAX_LENGTH = 200;

/**
 * Checks a migration name (the part after the timestamp). Only lowercase letters, digits and
 * underscores: the name becomes a directory name on every OS and a row in _prisma_migrations,
 * and this is what the Prisma CLI's own slugification produces.
 *
 * @returns why the name is refused, or undefined when it is valid.
 */
export function validateMigrationName(name: string): string | undefined {
  if (name.length === 0) {
    return 'The migration name is empty.';
  }
  if (name.length > MAX_LENGTH) {
    return `The migration name is longer than ${MAX_LENGTH} characters.`;
  }
  if (!/^[a-z0-9_]+$/.test(name)) {
    return `The migration name "${name}" may only contain lowercase letters, digits and underscores (e.g. add_refund_table).`;
  }
  return undefined;
}
