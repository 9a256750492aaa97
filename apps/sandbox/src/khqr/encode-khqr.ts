import { computeKhqrCrc } from './compute-khqr-crc.js';
import { KHQR_DYNAMIC, KHQR_TAG } from './khqr-tags.js';

export interface KhqrInput {
  /** Bakong account id, `name@bank` (template 30, sub-tag 00). */
  accountId: string;
  /** Merchant id at the acquirer (30/01). */
  merchantId: string;
  /** Acquiring bank's name (30/02). */
  acquiringBank: string;
  /** ISO 18245 merchant category code, 4 digits. */
  merchantCategoryCode: string;
  /** ISO 4217 numeric currency: "116" riel, "840" US dollar. */
  currencyCode: '116' | '840';
  /** Decimal text with "." as separator, at most 13 characters (EMVCo tag 54). */
  amount: string;
  merchantName: string;
  merchantCity: string;
  /** The order's reference for the payer's app (62/01): the merchant's tradeNo. */
  billNumber: string;
  /** Creation time, epoch milliseconds (99/00). */
  createdAtMs: number;
}

/**
 * Builds a dynamic KHQR string (EMVCo merchant-presented QR, Bakong profile) ending with its
 * CRC. Throws on a value a QR reader could not parse back: non-ASCII text (EMVCo lengths count
 * characters of its ASCII "ans" set) or a value longer than the two-digit length allows.
 */
export function encodeKhqr(input: KhqrInput): string {
  if (!/^\d{4}$/.test(input.merchantCategoryCode))
    throw new RangeError('merchant category code must be 4 digits');
  if (!/^\d+(?:\.\d+)?$/.test(input.amount) || input.amount.length > 13) {
    throw new RangeError(
      `amount "${input.amount}" is not an EMVCo amount (decimal text, at most 13 characters)`,
    );
  }
  const account = [
    field('00', input.accountId),
    field('01', input.merchantId),
    field('02', input.acquiringBank),
  ].join('');
  const payload = [
    field(KHQR_TAG.payloadFormatIndicator, '01'),
    field(KHQR_TAG.pointOfInitiationMethod, KHQR_DYNAMIC),
    field(KHQR_TAG.merchantAccount, account),
    field(KHQR_TAG.merchantCategoryCode, input.merchantCategoryCode),
    field(KHQR_TAG.transactionCurrency, input.currencyCode),
    field(KHQR_TAG.transactionAmount, input.amount),
    field(KHQR_TAG.countryCode, 'KH'),
    field(KHQR_TAG.merchantName, input.merchantName),
    field(KHQR_TAG.merchantCity, input.merchantCity),
    field(KHQR_TAG.additionalData, field('01', input.billNumber)),
    field(KHQR_TAG.timestamp, field('00', String(input.createdAtMs))),
  ].join('');
  // The CRC covers everything up to and including its own tag and length ("6304").
  const withCrcHeader = `${payload}${KHQR_TAG.crc}04`;
  return withCrcHeader + computeKhqrCrc(withCrcHeader);
}

function field(tag: string, value: string): string {
  if (value.length === 0) throw new RangeError(`tag ${tag} must not be empty`);
  if (value.length > 99) throw new RangeError(`tag ${tag} is longer than 99 characters`);
  if (!/^[\x20-\x7e]+$/.test(value)) throw new RangeError(`tag ${tag} must be printable ASCII`);
  return `${tag}${String(value.length).padStart(2, '0')}${value}`;
}
