import { buildSignatureBase, verify } from '@vexora-checkout/signing';

/**
 * Checks `sign` against the merchant's secret; undefined when it matches, the reason otherwise.
 * A mismatch names the signature base the sandbox computed (without the secret), which is what a
 * developer needs to find a wrong field order, an empty field signed, or a number sent as such.
 */
export function checkSignature(body: Record<string, unknown>, secret: string): string | undefined {
  const result = verify(body, secret);
  if (result.ok) return undefined;
  switch (result.reason) {
    case 'absent':
      return 'sign is required';
    case 'malformed':
      return 'sign must be 32 hexadecimal characters (lowercase MD5)';
    case 'mismatch':
      return (
        'sign does not match: expected MD5 (lowercase hex) of the signature base ' +
        `"${buildSignatureBase(body)}" followed by the merchant's app secret`
      );
  }
}
