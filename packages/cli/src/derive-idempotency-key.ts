/** What the API takes as an Idempotency-Key: 1-255 printable ASCII characters, no spaces. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const KEY_CHARACTERS = /^[\x21-\x7e]+$/;

/** A key prefix must be usable as it is, and leave room for the order id. */
export function checkKeyPrefix(prefix: string): string | undefined {
  if (!KEY_CHARACTERS.test(prefix)) return 'must be printable ASCII without spaces';
  if (prefix.length > 64) return 'must be at most 64 characters';
  return undefined;
}

/**
 * The idempotency key of an order: `<prefix>:<orderId>`. The same file run again derives the
 * same keys, so the API replays what it answered the first time instead of creating anything.
 *
 * Characters the header cannot carry (spaces, non-ASCII, and `%` itself, so that the encoding
 * stays one-to-one) are percent-encoded as UTF-8: two different order ids never share a key.
 */
export function deriveIdempotencyKey(
  prefix: string,
  orderId: string,
): { ok: true; key: string } | { ok: false; message: string } {
  let encoded = '';
  for (const char of orderId) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x21 && code <= 0x7e && char !== '%') encoded += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  const key = `${prefix}:${encoded}`;
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return {
      ok: false,
      message: `orderId is too long for an idempotency key (${key.length} > ${MAX_IDEMPOTENCY_KEY_LENGTH} characters with the prefix)`,
    };
  }
  return { ok: true, key };
}
