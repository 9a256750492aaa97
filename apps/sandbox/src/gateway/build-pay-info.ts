import { CURRENCY_NUMERIC_CODE, type Currency } from '@vexora-checkout/contracts';
import { encodeKhqr } from '../khqr/encode-khqr.js';

/**
 * Who the sandbox's QR codes say is being paid. Bakong's sample bank code `devb` keeps a real
 * banking app from treating the code as payable; "5999" is the generic retail category.
 */
export const SANDBOX_KHQR_MERCHANT = {
  accountId: 'vexora_sandbox@devb',
  acquiringBank: 'Vexora Sandbox',
  merchantCity: 'Phnom Penh',
  merchantCategoryCode: '5999',
} as const;

export interface PayInfoOrder {
  merchantNo: string;
  currency: Currency;
  amount: string;
  tradeNo: string;
  createdAt: number;
}

/** The KHQR string of a checkout (`data.payInfo`): cheap string work, no rendering. */
export function buildPayInfo(order: PayInfoOrder): string {
  return encodeKhqr({
    ...SANDBOX_KHQR_MERCHANT,
    merchantId: khqrText(order.merchantNo, 32),
    merchantName: khqrText(order.merchantNo, 25),
    currencyCode: CURRENCY_NUMERIC_CODE[order.currency] as '116' | '840',
    amount: order.amount,
    billNumber: order.tradeNo,
    createdAtMs: order.createdAt,
  });
}

/** KHQR text is printable ASCII with Bakong's length limits; a merchant number is ours to trim. */
function khqrText(text: string, maxLength: number): string {
  return text.replace(/[^\x20-\x7e]/g, '_').slice(0, maxLength) || 'SANDBOX';
}
