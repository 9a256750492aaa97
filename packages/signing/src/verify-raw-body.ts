import { parseSignedBody } from './parse-signed-body.js';
import { verify, type VerifyFailure } from './verify.js';

export type RawBodyVerification =
  | {
      parsed: true;
      value: Record<string, unknown>;
      /** `valid` only for a present, well-formed signature that matches. */
      signature: 'valid' | 'invalid' | 'absent';
      reason?: VerifyFailure;
    }
  | { parsed: false; signature: 'absent'; reason: string };

/**
 * Verifies a received body (a notification) from its raw bytes, signing exactly what was sent.
 * Never throws: an unparseable or forged body is data to record, not an exception.
 */
export function verifyRawBody(
  raw: Buffer | string,
  contentType: string,
  secret: string,
): RawBodyVerification {
  const body = parseSignedBody(raw, contentType);
  if (!body.ok) return { parsed: false, signature: 'absent', reason: body.reason };
  const result = verify(body.wireFields, secret);
  if (result.ok) return { parsed: true, value: body.value, signature: 'valid' };
  return {
    parsed: true,
    value: body.value,
    signature: result.reason === 'absent' ? 'absent' : 'invalid',
    reason: result.reason,
  };
}
