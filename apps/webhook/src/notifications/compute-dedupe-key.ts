import { createHash } from 'node:crypto';
import type { NotificationClaim } from './parse-notification-claim.js';

/**
 * gateway_notification.dedupe_key: SHA-256 (hex) of the claim in a canonical form: tradeNo,
 * platFormTradeNo, status and the amount (as money text when it is money, so 12.5, "12.50" and
 * "12.5" agree). Vexora's retries of one notification share the key whatever else differs
 * (timestamp, message, field order, JSON or form). A body that is not a notification has no
 * claim: its key is the hash of the body itself, so only identical junk shares a key.
 * The version tag lets a future canonical form live beside this one.
 */
export function computeDedupeKey(claim: NotificationClaim | undefined, rawBody: string): string {
  const canonical = claim
    ? JSON.stringify([
        'claim-v1',
        claim.tradeNo,
        claim.platformTradeNo,
        claim.status,
        claim.amount ?? claim.amountText,
      ])
    : JSON.stringify(['body-v1', rawBody]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
