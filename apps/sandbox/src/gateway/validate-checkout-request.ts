import {
  checkoutRequestSchema,
  normalizeCambodianMobile,
  parseAmount,
  type CheckoutRequest,
  type Currency,
  type VexoraAccount,
} from '@vexora-checkout/contracts';
import { checkSignature } from './check-signature.js';
import { describeSchemaIssues } from './describe-schema-issues.js';
import { resolveOrderCurrency } from './resolve-order-currency.js';

export type CheckoutValidation =
  | { ok: true; request: CheckoutRequest; currency: Currency; amountMinor: bigint }
  | { ok: false; message: string };

/** The channel whose orders carry a KHQR `payInfo`. */
export const KHQR_CHANNEL = 'KHQR';

/**
 * Checks a checkout body the way the contract describes Vexora's rules, reporting every problem
 * at once: the fields (all required, all strings, no others), then the signature, then the values
 * (amount for the merchant's currency, mobile, URLs).
 */
export function validateCheckoutRequest(body: unknown, account: VexoraAccount): CheckoutValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'the body must be a JSON object' };
  }
  const fields = body as Record<string, unknown>;
  const { sign: _sign, ...unsigned } = fields;
  const parsed = checkoutRequestSchema.safeParse(unsigned);
  if (!parsed.success) {
    const messages = describeSchemaIssues(parsed.error.issues, unsigned);
    if (typeof fields.sign !== 'string' || fields.sign === '') messages.push('sign is required');
    return { ok: false, message: messages.join('; ') };
  }
  const request = parsed.data;
  const problems: string[] = [];
  const signature = checkSignature(fields, account.appSecret);
  if (signature) problems.push(signature);

  const currency = resolveOrderCurrency(account, request.channelCode);
  const amount = parseAmount(request.amount, currency);
  if (!amount.ok) {
    problems.push(
      `amount ${amount.message} (this order is in ${currency}: merchant ${account.merchantNo}, channel ${request.channelCode})`,
    );
  }

  const mobile = normalizeCambodianMobile(request.mobile);
  if (!mobile.ok) {
    problems.push(`mobile ${mobile.message}`);
  } else if (mobile.mobile !== request.mobile) {
    problems.push(
      `mobile must be the 8 or 9 national digits, without +855 or the leading 0 (got "${request.mobile}")`,
    );
  }
  for (const name of ['notifyUrl', 'returnUrl'] as const) {
    if (!/^https?:$/.test(new URL(request[name]).protocol))
      problems.push(`${name} must be an http or https URL`);
  }
  if (request.channelCode === KHQR_CHANNEL && !/^[\x20-\x7e]+$/.test(request.tradeNo)) {
    problems.push(
      'tradeNo must be printable ASCII for the KHQR channel (it is the bill number of the QR code)',
    );
  }
  if (problems.length > 0 || !amount.ok) return { ok: false, message: problems.join('; ') };
  return { ok: true, request, currency, amountMinor: amount.minor };
}
