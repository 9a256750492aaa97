import type { CheckoutInput } from '@vexora-checkout/gateway-client';
import { Prisma } from '@vexora-checkout/db';
import { CURRENCY_DECIMALS } from '@vexora-checkout/contracts';
import type { ClaimedIntent } from './claim-submission.js';

/**
 * The checkout request for an intent's current tradeNo. Every field is a string, as the contract
 * requires; `notifyUrl` is always our own webhook, never anything the caller gave.
 */
export function buildCheckoutRequest(
  intent: ClaimedIntent,
  urls: { notifyUrl: string; defaultReturnUrl: string },
): CheckoutInput {
  return {
    tradeNo: intent.tradeNo,
    // The column is numeric(20,2) ("4000.00"); Vexora gets the currency's own decimals ("4000").
    amount: new Prisma.Decimal(intent.amount).toFixed(CURRENCY_DECIMALS[intent.currency]),
    firstname: intent.payerFirstName,
    lastname: intent.payerLastName,
    mobile: intent.payerMobile,
    email: intent.payerEmail,
    channelCode: intent.channelCode ?? 'KHQR',
    wayCode: intent.wayCode ?? 'KHQR',
    notifyUrl: urls.notifyUrl,
    returnUrl: intent.returnUrl ?? urls.defaultReturnUrl,
    // Required and echoed back by Vexora; the tradeNo is a safe default.
    remark: intent.remark && intent.remark.length > 0 ? intent.remark : intent.tradeNo,
  };
}
