/**
 * Milliseconds to wait from a `Retry-After` header: delay-seconds (`3`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`, compared with `nowMs`; a date in the past means 0).
 * Undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names a day and a month; `Date.parse` alone would take "-3" for a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
