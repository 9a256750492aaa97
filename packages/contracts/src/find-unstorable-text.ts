/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a string can be stored as PostgreSQL text and jsonb: neither accepts U+0000, and jsonb
 * refuses an unpaired surrogate (it is not valid Unicode, so it has no UTF-8 form either).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

/**
 * The paths of every string in a JSON value (object keys included) that is not storable text,
 * so a request carrying one is refused with a 400 naming the field instead of failing at the
 * database.
 */
export function findUnstorableText(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return isStorableText(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => findUnstorableText(item, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      ...(isStorableText(key) ? [] : [[...path, key]]),
      ...findUnstorableText(item, [...path, key]),
    ]);
  }
  return [];
}
