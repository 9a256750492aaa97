import type { VexoraAccount } from '@vexora-checkout/contracts';
import { verify } from '@vexora-checkout/signing';

export interface SignatureCheck {
  signature: 'valid' | 'invalid' | 'absent';
  /**
   * The accounts whose secret verifies the sign (valid only), in configuration order. More than
   * one when accounts share a secret (the sandbox's two development accounts do).
   */
  accountIds: string[];
}

export type NotificationVerifier = (wireFields: Record<string, unknown> | undefined) => SignatureCheck;

/**
 * Checks a notification's sign against every configured merchant account's secret: the body
 * does not say which account it is for. Accounts sharing a secret are checked once.
 */
export function createNotificationVerifier(accounts: readonly VexoraAccount[]): NotificationVerifier {
  const bySecret = new Map<string, string[]>();
  for (const account of accounts) {
    const ids = bySecret.get(account.appSecret) ?? [];
    ids.push(account.id);
    bySecret.set(account.appSecret, ids);
  }
  return (wireFields) => {
    const sign = wireFields?.sign;
    if (!wireFields || sign === undefined || sign === null || sign === '') {
      return { signature: 'absent', accountIds: [] };
    }
    const accountIds: string[] = [];
    for (const [secret, ids] of bySecret) {
      if (verify(wireFields, secret).ok) accountIds.push(...ids);
    }
    return accountIds.length > 0
      ? { signature: 'valid', accountIds }
      : { signature: 'invalid', accountIds: [] };
  };
}
