import { createHash, randomBytes } from 'node:crypto';

/** Keys look like `vxk_<43 base64url chars>`: 256 random bits, recognisable in a leak scanner. */
const KEY_PREFIX = 'vxk_';

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored: SHA-256 hex. Enough for 256-bit random secrets (no dictionary to attack). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The part shown in listings: the prefix and 4 characters, never enough to use. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 4);
}

export function looksLikeApiKey(value: string): boolean {
  return /^vxk_[A-Za-z0-9_-]{43}$/.test(value);
}
