import { parseSignedBody } from '@vexora-checkout/signing';
import { parseClaimedAmount } from './parse-claimed-amount.js';

/** What a notification claims, each field as sent, or null when absent or unusable. */
export interface NotificationClaim {
  tradeNo: string | null;
  platformTradeNo: string | null;
  /** The status code, raw ("0000", "0001", "0015", "00029", …). */
  status: string | null;
  /** The `amount` field as written on the wire (a JSON number keeps its literal text). */
  amountText: string | null;
  /** The same amount as canonical money text, when it is money (see parseClaimedAmount). */
  amount: string | null;
}

export type ParsedNotification =
  | {
      ok: true;
      claim: NotificationClaim;
      /** Top-level scalar fields as written on the wire: what the sender signed. */
      wireFields: Record<string, string | boolean | null>;
    }
  | {
      /** Not a notification: unparseable, or without a usable tradeNo. */
      ok: false;
      reason: string;
      claim: NotificationClaim;
      /** Present when the body parsed (a sign can still be checked). */
      wireFields?: Record<string, string | boolean | null>;
    };

/**
 * Column widths of gateway_notification: a longer value would make the INSERT fail, the answer
 * 503, and Vexora retry for a day. Such a value is stored as null instead (the raw body keeps it).
 */
const MAX_LENGTH = { tradeNo: 64, platformTradeNo: 64, status: 16 } as const;

// C0 controls and DEL: never part of an identifier, and NUL cannot be stored in PostgreSQL text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function identifier(value: string | boolean | null | undefined, maxLength: number): string | null {
  if (typeof value !== 'string' || value === '') return null;
  if (value.length > maxLength || CONTROL_CHARACTERS.test(value)) return null;
  return value;
}

const EMPTY_CLAIM: NotificationClaim = {
  tradeNo: null,
  platformTradeNo: null,
  status: null,
  amountText: null,
  amount: null,
};

/**
 * Reads a notification body (JSON, or leniently application/x-www-form-urlencoded) into its
 * claim. Vexora spells the field `platFormTradeNo`; `platformTradeNo` is accepted too. A body
 * without a usable tradeNo is not a notification: nothing could ever be matched to it.
 */
export function parseNotificationClaim(raw: Buffer | string, contentType: string): ParsedNotification {
  const body = parseSignedBody(raw, contentType);
  if (!body.ok) return { ok: false, reason: body.reason, claim: EMPTY_CLAIM };
  const fields = body.wireFields;
  const amountText = typeof fields.amount === 'string' && fields.amount !== '' ? fields.amount : null;
  const claim: NotificationClaim = {
    tradeNo: identifier(fields.tradeNo, MAX_LENGTH.tradeNo),
    platformTradeNo: identifier(fields.platFormTradeNo ?? fields.platformTradeNo, MAX_LENGTH.platformTradeNo),
    status: identifier(fields.status, MAX_LENGTH.status),
    amountText,
    amount: parseClaimedAmount(amountText),
  };
  if (claim.tradeNo === null) {
    const reason =
      fields.tradeNo === undefined || fields.tradeNo === null || fields.tradeNo === ''
        ? 'no tradeNo'
        : `tradeNo is not a text of at most ${MAX_LENGTH.tradeNo} printable characters`;
    return { ok: false, reason, claim, wireFields: fields };
  }
  return { ok: true, claim, wireFields: fields };
}
