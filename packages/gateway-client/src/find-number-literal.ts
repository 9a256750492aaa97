/**
 * The literal text of a JSON number as it was written (`300.50`), for a value that `JSON.parse`
 * has already turned into a double (`300.5`). Found only when the text has exactly one member
 * named `key` and its literal denotes exactly `value`; otherwise undefined, and the caller keeps
 * the canonical form. As in `redactResponseText`, `"key":` cannot match inside a string value.
 *
 * Needed because `parseSignedBody` keeps the wire text of top-level members only, and a query's
 * `amount` sits in `data`.
 */
export function findNumberLiteral(text: string, key: string, value: number): string | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const member = new RegExp(`"${escaped}"\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)?`, 'g');
  const matches = [...text.matchAll(member)];
  if (matches.length !== 1) return undefined;
  const literal = matches[0]?.[1];
  return literal !== undefined && Number(literal) === value ? literal : undefined;
}
