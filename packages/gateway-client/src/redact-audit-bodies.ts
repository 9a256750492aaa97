/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/** Longest response text kept in an audit (characters). */
export const MAX_AUDIT_BODY_CHARS = 64 * 1024;

/**
 * Keys whose values never reach an audit: the payer's details and the signature (with the
 * signed fields, a `sign` is an offline oracle for guessing the app secret).
 */
export const REDACTED_KEYS: readonly string[] = ['firstname', 'lastname', 'mobile', 'email', 'sign'];

const redactedKeySet = new Set(REDACTED_KEYS);

/** The JSON text of a request body with the redacted keys' values replaced. */
export function redactRequestBody(body: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(body).map(([key, value]) => [key, redactedKeySet.has(key) ? REDACTED : value]),
    ),
  );
}

/**
 * A member `"key": value` whose key is redacted and whose value is a scalar. In JSON text, a `"`
 * inside a string is always escaped, so `"email":` can only match a real member name, never text
 * inside a value. Matching is case-insensitive: a gateway writing `Email` is redacted too.
 */
const REDACTED_MEMBER = new RegExp(
  `"(${REDACTED_KEYS.join('|')})"(\\s*:\\s*)(?:"(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*|true|false|null)`,
  'gi',
);

/**
 * A response body for the audit: the raw text, kept byte for byte (number literals and key order
 * as Vexora wrote them) except the redacted members' values, then cut to `MAX_AUDIT_BODY_CHARS`.
 * Text that is not JSON passes through the same replacement, which does not touch it unless it
 * contains such a member.
 */
export function redactResponseText(text: string): { text: string; truncated: boolean } {
  const redacted = text.replace(REDACTED_MEMBER, (_member, key: string, colon: string) => {
    return `"${key}"${colon}"${REDACTED}"`;
  });
  if (redacted.length <= MAX_AUDIT_BODY_CHARS) return { text: redacted, truncated: false };
  return { text: redacted.slice(0, MAX_AUDIT_BODY_CHARS), truncated: true };
}
