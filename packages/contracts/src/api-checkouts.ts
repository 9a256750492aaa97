import { z } from 'zod';
import { currencySchema } from './currency.js';
import { findUnstorableText } from './find-unstorable-text.js';
import { parseAmount } from './money.js';
import { normalizeCambodianMobile } from './normalize-cambodian-mobile.js';

// Our own API's shapes (apps/api). Inputs are strict (unknown fields are errors, so a typo never
// silently drops data); amounts are decimal strings checked against the currency's rules.

const payerSchema = z.strictObject({
  firstName: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  lastName: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  mobile: z.string().transform((value, context) => {
    const result = normalizeCambodianMobile(value);
    if (result.ok) return result.mobile;
    context.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }),
  email: z.email('must be an email address').max(254, 'must be at most 254 characters'),
});

/** Body of `POST /v1/checkouts` (and each item of a batch). */
export const createCheckoutBodySchema = z
  .strictObject({
    amount: z.string({
      error: (issue) =>
        issue.input === undefined ? 'is required' : 'must be a decimal string such as "12.50"',
    }),
    currency: currencySchema,
    payer: payerSchema,
    channelCode: z
      .string()
      .trim()
      .min(1, 'must be 1-32 characters')
      .max(32, 'must be 1-32 characters')
      .optional(),
    wayCode: z
      .string()
      .trim()
      .min(1, 'must be 1-32 characters')
      .max(32, 'must be 1-32 characters')
      .optional(),
    returnUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2048)
      .optional(),
    remark: z.string().max(256, 'must be at most 256 characters').optional(),
    merchantReference: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(128, 'must be at most 128 characters')
      .optional(),
    metadata: z
      .record(z.string(), z.unknown())
      .refine((value) => JSON.stringify(value).length <= 8_192, 'must be at most 8 KiB as JSON')
      .optional(),
  })
  .superRefine((body, context) => {
    const amount = parseAmount(body.amount, body.currency);
    if (!amount.ok) context.addIssue({ code: 'custom', path: ['amount'], message: amount.message });
    for (const path of findUnstorableText(body)) {
      context.addIssue({
        code: 'custom',
        path,
        message: 'must not contain NUL characters or unpaired surrogates',
      });
    }
  });
export type CreateCheckoutBody = z.output<typeof createCheckoutBodySchema>;

export const INTENT_STATES = [
  'PENDING',
  'SUBMITTING',
  'UNKNOWN',
  'AWAITING_PAYMENT',
  'PAID',
  'PARTIALLY_PAID',
  'FAILED',
  'REJECTED',
  'SUBMIT_FAILED',
  'EXPIRED',
] as const;
export type IntentStateName = (typeof INTENT_STATES)[number];

/** How an intent is shown everywhere the API returns one. */
export interface CheckoutIntentResource {
  id: string;
  state: IntentStateName;
  tradeNo: string;
  amount: string;
  currency: 'KHR' | 'USD';
  merchantReference: string | null;
  paymentLink: string | null;
  payInfo: string | null;
  platformTradeNo: string | null;
  paidAmount: string | null;
  createdAt: string;
  updatedAt: string;
  stateChangedAt: string;
}

/** One state change of one intent, as `GET /v1/events` returns it. */
export interface CheckoutEventResource {
  /** Opaque, increasing: pass the last one handled as `after` to resume after it. */
  cursor: string;
  intentId: string;
  tradeNo: string;
  merchantReference: string | null;
  /** Null when the intent was created. */
  fromState: IntentStateName | null;
  toState: IntentStateName;
  /** Why, as a dotted code (`intent.created`, …). */
  reason: string;
  occurredAt: string;
}
