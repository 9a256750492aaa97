import { z } from 'zod';
import { optionalWireText, wireBoolean, wireText } from './wire-values.js';

// What we send is strict: every field a non-empty string, exactly the contract's set. What we
// receive is lenient where the gateway's documentation contradicts itself, and keeps unknown
// fields (`looseObject`) so the audit trail shows everything Vexora said.

const requiredText = (what: string) =>
  z.string({ error: `${what} must be a string` }).min(1, `${what} is required`);

/** Body of `POST /v1/vexora/checkout`, without `sign` (added by signing). */
export const checkoutRequestSchema = z.strictObject({
  timestamp: requiredText('timestamp').regex(/^\d{13}$/, 'timestamp must be epoch milliseconds (13 digits)'),
  tradeNo: requiredText('tradeNo').max(64, 'tradeNo must be at most 64 characters'),
  amount: requiredText('amount'),
  firstname: requiredText('firstname'),
  lastname: requiredText('lastname'),
  mobile: requiredText('mobile'),
  email: requiredText('email').email('email must be an email address'),
  channelCode: requiredText('channelCode'),
  wayCode: requiredText('wayCode'),
  notifyUrl: requiredText('notifyUrl').url('notifyUrl must be a URL'),
  returnUrl: requiredText('returnUrl').url('returnUrl must be a URL'),
  remark: requiredText('remark'),
});
export type CheckoutRequest = z.infer<typeof checkoutRequestSchema>;
export type SignedCheckoutRequest = CheckoutRequest & { sign: string };

/** `data` of a checkout answer. */
export const checkoutResponseDataSchema = z.looseObject({
  tradeNo: optionalWireText,
  platFormTradeNo: optionalWireText,
  status: optionalWireText,
  message: optionalWireText,
  remark: optionalWireText,
  paymentLink: optionalWireText,
  payInfo: optionalWireText,
});

/** Any answer's envelope: `code` and `msg` speak of the request, `data` of the order. */
const envelope = {
  msg: optionalWireText,
  code: wireText,
  timestamp: optionalWireText,
  success: wireBoolean.optional(),
  sign: optionalWireText,
};

export const checkoutResponseSchema = z.looseObject({
  ...envelope,
  data: checkoutResponseDataSchema.nullish().transform((value) => value ?? undefined),
});
export type CheckoutResponse = z.infer<typeof checkoutResponseSchema>;

/** Body of `POST /v1/vexora/queryPayInResult`, without `sign`. */
export const queryRequestSchema = z.strictObject({
  tradeNo: requiredText('tradeNo'),
  timestamp: requiredText('timestamp').regex(/^\d{13}$/, 'timestamp must be epoch milliseconds (13 digits)'),
});
export type QueryRequest = z.infer<typeof queryRequestSchema>;

export const queryResponseDataSchema = z.looseObject({
  tradeNo: optionalWireText,
  platFormTradeNo: optionalWireText,
  status: optionalWireText,
  /** Paid amount for 0000/0001; a number or a string depending on the page of the docs. */
  amount: optionalWireText,
  message: optionalWireText,
  /** Asia/Phnom_Penh local time, as Vexora writes it. */
  successTime: optionalWireText,
  remark: optionalWireText,
});

export const queryResponseSchema = z.looseObject({
  ...envelope,
  data: queryResponseDataSchema.nullish().transform((value) => value ?? undefined),
});
export type QueryResponse = z.infer<typeof queryResponseSchema>;

/**
 * A notification Vexora posts to `notifyUrl`. The published page is cut off after these four
 * fields; others (`sign`, `message`, `remark`, `timestamp`…) are kept when present.
 */
export const notificationSchema = z.looseObject({
  platFormTradeNo: wireText,
  tradeNo: wireText,
  /** What was actually paid: partial payments exist. */
  amount: wireText,
  status: wireText,
  sign: optionalWireText,
  message: optionalWireText,
  remark: optionalWireText,
  timestamp: optionalWireText,
});
export type Notification = z.infer<typeof notificationSchema>;
