import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Operator passwords are stored as `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (salt and hash in
 * base64url): no comma, colon or space, so a list `name:<hash>,name:<hash>` needs no quoting.
 */
const PREFIX = 'scrypt';
const KEY_LENGTH = 32;
const DEFAULT_COST = { log2N: 15, r: 8, p: 1 };

export interface ScryptHash {
  log2N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer, cost: { log2N: number; r: number; p: number }) {
  const options: ScryptOptions = {
    N: 2 ** cost.log2N,
    r: cost.r,
    p: cost.p,
    // scrypt needs 128 * N * r bytes; the default cap (32 MiB) is just too small for N = 2^15.
    maxmem: 256 * 2 ** cost.log2N * cost.r,
  };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** A new salted hash of `password`, in the format above. */
export async function hashOperatorPassword(
  password: string,
  cost: { log2N: number; r: number; p: number } = DEFAULT_COST,
): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost);
  return [PREFIX, cost.log2N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join(
    '$',
  );
}

const HASH_PATTERN = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{43})$/;

/** The parts of a stored hash, or undefined when it is not one (a typo in the configuration). */
export function parseOperatorPasswordHash(text: string): ScryptHash | undefined {
  const match = HASH_PATTERN.exec(text);
  if (!match) return undefined;
  const [log2N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  const hash = Buffer.from(match[5]!, 'base64url');
  if (hash.length !== KEY_LENGTH) return undefined;
  return { log2N, r, p, salt: Buffer.from(match[4]!, 'base64url'), hash };
}

/** Whether `password` matches `stored`; the comparison of the derived keys is constant-time. */
export async function verifyOperatorPassword(password: string, stored: ScryptHash): Promise<boolean> {
  const candidate = await derive(password, stored.salt, stored);
  return timingSafeEqual(candidate, stored.hash);
}
