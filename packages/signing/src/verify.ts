import { timingSafeEqual } from 'node:crypto';
import { sign } from './sign.js';

export type VerifyFailure =
  /** No `sign` field, or an empty one. */
  | 'absent'
  /** `sign` is not 32 hexadecimal characters, so it cannot be an MD5 digest. */
  | 'malformed'
  /** Well-formed, but not the signature of these fields with this secret. */
  | 'mismatch';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

const MD5_HEX = /^[0-9a-f]{32}$/;

/**
 * Checks the `sign` field of received fields against the secret. Never throws for bad input:
 * a forged or broken signature is an expected event, reported as a reason. The comparison takes
 * the same time whatever the signature's content. Hex case is ignored (the digest is the same).
 */
export function verify(fields: Readonly<Record<string, unknown>>, secret: string): VerifyResult {
  const received = fields.sign;
  if (received === undefined || received === null || received === '') return { ok: false, reason: 'absent' };
  if (typeof received !== 'string') return { ok: false, reason: 'malformed' };
  const normalised = received.toLowerCase();
  if (!MD5_HEX.test(normalised)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(fields, secret), 'latin1');
  return timingSafeEqual(expected, Buffer.from(normalised, 'latin1'))
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}
