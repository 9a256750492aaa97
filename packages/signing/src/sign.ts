import { createHash } from 'node:crypto';
import { buildSignatureBase } from './build-signature-base.js';

/** The `sign` value for these fields: MD5 of the signature base plus the secret, lowercase hex. */
export function sign(fields: Readonly<Record<string, unknown>>, secret: string): string {
  if (secret.length === 0) throw new Error('cannot sign with an empty app secret');
  return createHash('md5')
    .update(buildSignatureBase(fields) + secret, 'utf8')
    .digest('hex');
}

/** The fields with their `sign` added (any previous `sign` is ignored and replaced). */
export function signFields<Fields extends Record<string, unknown>>(
  fields: Fields,
  secret: string,
): Fields & { sign: string } {
  return { ...fields, sign: sign(fields, secret) };
}
