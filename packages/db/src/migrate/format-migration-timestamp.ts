/**
 * `yyyyMMddHHmmss` in UTC: the prefix the Prisma CLI gives migration directories, so that their
 * names sort in creation order whatever the author's time zone.
 */
export function formatMigrationTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new RangeError('Cannot name a migration after an invalid date.');
  }
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds())
  );
}
