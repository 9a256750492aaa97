/**
 * Vexora's signature base: every field except `sign` whose value is not empty, sorted by name in
 * code-point order, written as `name=value` with no separators. The app secret is appended by
 * `sign`. Rules, from the gateway contract:
 * - empty means null, undefined or ""; such fields are left out;
 * - nested objects and arrays are not signed;
 * - a value is signed as the text sent on the wire: strings as they are, numbers and booleans in
 *   their JSON form. (To verify a received body, pass the wire text of its numbers; see
 *   `parseSignedBody`: `300.50` must not become `300.5`.)
 */
export function buildSignatureBase(fields: Readonly<Record<string, unknown>>): string {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'sign') continue;
    const text = signableText(value);
    if (text !== undefined) entries.push([name, text]);
  }
  entries.sort(([a], [b]) => compareCodePoints(a, b));
  return entries.map(([name, text]) => `${name}=${text}`).join('');
}

function signableText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value === '' ? undefined : value;
    case 'number':
      // Non-finite numbers cannot be sent in JSON, so they cannot have been signed.
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'object': // null, nested objects and arrays
    case 'function':
    case 'symbol':
      return undefined;
  }
}

/**
 * Orders by Unicode code point. JavaScript's default sort compares UTF-16 code units, which
 * disagrees with code-point order once characters outside the Basic Multilingual Plane appear.
 */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const difference = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
}
