/**
 * EMVCo merchant-presented QR tags that KHQR (Bakong's profile of EMVCo) uses. Names follow the
 * Bakong KHQR specification; sub-tags are those of the templates 29/30, 62 and 99.
 */
export const KHQR_TAG = {
  payloadFormatIndicator: '00',
  pointOfInitiationMethod: '01',
  /** Bakong individual account (sub-tag 00: Bakong account id). */
  individualAccount: '29',
  /** Bakong merchant account (00: Bakong account id, 01: merchant id, 02: acquiring bank). */
  merchantAccount: '30',
  merchantCategoryCode: '52',
  transactionCurrency: '53',
  transactionAmount: '54',
  countryCode: '58',
  merchantName: '59',
  merchantCity: '60',
  /** Additional data (01: bill number, 02: mobile number, 03: store label, 07: terminal label). */
  additionalData: '62',
  /** KHQR timestamps (00: creation, epoch milliseconds). */
  timestamp: '99',
  crc: '63',
} as const;

/** Point of initiation: "11" static (reusable) QR, "12" dynamic (one payment, with an amount). */
export const KHQR_DYNAMIC = '12';

/** Templates whose value is itself a TLV list. */
export const KHQR_TEMPLATE_TAGS: ReadonlySet<string> = new Set(['29', '30', '62', '99']);
