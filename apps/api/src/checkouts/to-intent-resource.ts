import { CURRENCY_DECIMALS, type CheckoutIntentResource } from '@vexora-checkout/contracts';
import type { CheckoutIntent } from '@vexora-checkout/db';

/** The one shape an intent has everywhere the API returns it. */
export function toIntentResource(intent: CheckoutIntent): CheckoutIntentResource {
  const decimals = CURRENCY_DECIMALS[intent.currency];
  return {
    id: intent.id,
    state: intent.state,
    tradeNo: intent.tradeNo,
    amount: intent.amount.toFixed(decimals),
    currency: intent.currency,
    merchantReference: intent.merchantReference,
    paymentLink: intent.paymentLink,
    payInfo: intent.payInfo,
    platformTradeNo: intent.platformTradeNo,
    paidAmount: intent.paidAmount === null ? null : intent.paidAmount.toFixed(decimals),
    createdAt: intent.createdAt.toISOString(),
    updatedAt: intent.updatedAt.toISOString(),
    stateChangedAt: intent.stateChangedAt.toISOString(),
  };
}
