/** One CSV line (with its LF): fields quoted when they hold a comma, a quote or a line break. */
export function formatCsvRow(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields.map(formatCsvField).join(',')}\n`;
}

function formatCsvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
