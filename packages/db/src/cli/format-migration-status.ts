import type { MigrationStatus } from '../migrate/get-migration-status.js';

/** The `status` report: a summary line per check, then every problem. */
export function formatMigrationStatus(
  status: MigrationStatus,
  target: string,
  migrationsDir: string,
): string {
  const local = status.localMigrationNames.length;
  const lines = [
    `Database: ${target}`,
    `Migrations: ${local === 0 ? 'none' : `${local} in ${migrationsDir} (latest ${status.localMigrationNames.at(-1) ?? ''})`}`,
  ];
  if (status.ok) {
    lines.push(
      status.driftChecked
        ? 'OK: every migration is applied, none failed or was edited, and schema.prisma matches the migrations.'
        : 'OK: every migration is applied, none failed or was edited (drift not checked).',
    );
    return lines.join('\n');
  }
  lines.push('', `${status.problems.length} problem${status.problems.length === 1 ? '' : 's'}:`);
  for (const problem of status.problems) {
    const [first = '', ...more] = problem.split('\n');
    lines.push(`- ${first}`, ...more.map((line) => `    ${line}`));
  }
  return lines.join('\n');
}
