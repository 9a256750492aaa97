import {
  CURRENCIES,
  INTENT_STATES,
  type CheckoutEventResource,
  type CheckoutIntentResource,
} from '@vexora-checkout/contracts';
import { z } from 'zod';

// What the API answers, parsed leniently: members this client does not know are ignored (the API
// may add some), nullable members may be absent. What the client relies on is still checked, so a
// wrong base URL fails loudly instead of yielding objects full of undefined.

const nullableText = z.string().nullable().default(null);

export const checkoutIntentSchema = z.looseObject({
  id: z.string(),
  state: z.enum(INTENT_STATES),
  tradeNo: z.string(),
  amount: z.string(),
  currency: z.enum(CURRENCIES),
  merchantReference: nullableText,
  paymentLink: nullableText,
  payInfo: nullableText,
  platformTradeNo: nullableText,
  paidAmount: nullableText,
  createdAt: z.string(),
  updatedAt: z.string(),
  stateChangedAt: z.string(),
});

export const problemDetailsSchema = z.looseObject({
  type: z.string().default('about:blank'),
  title: z.string().optional(),
  status: z.number().optional(),
  code: z.string().default('unexpected_response'),
  detail: z.string().default(''),
  instance: z.string().optional(),
  errors: z.array(z.looseObject({ path: z.string(), message: z.string() })).optional(),
  /** `merchant_reference_conflict`: the intent that holds the reference already. */
  existing: z.looseObject({ id: z.string(), href: z.string().optional() }).optional(),
});
/** An RFC 9457 problem as the API sends it (`application/problem+json`). */
export type ProblemDetails = z.output<typeof problemDetailsSchema>;

export const checkoutPageSchema = z.looseObject({
  data: z.array(checkoutIntentSchema),
  nextCursor: z.string().nullable().default(null),
});

const batchResultSchema = z.looseObject({
  index: z.number().int().min(0),
  idempotencyKey: z.string().nullable(),
  outcome: z.enum(['created', 'replayed', 'refused', 'invalid']),
  status: z.number().int(),
  body: z.unknown().optional(),
  problem: z.unknown().optional(),
});
export const checkoutBatchResponseSchema = z.looseObject({ results: z.array(batchResultSchema) });
export type RawBatchResult = z.output<typeof batchResultSchema>;

export const checkoutEventSchema = z.looseObject({
  cursor: z.string(),
  intentId: z.string(),
  tradeNo: z.string(),
  merchantReference: nullableText,
  fromState: z.enum(INTENT_STATES).nullable().default(null),
  toState: z.enum(INTENT_STATES),
  reason: z.string(),
  occurredAt: z.string(),
});

export const eventPageSchema = z.looseObject({
  data: z.array(checkoutEventSchema),
  nextCursor: z.string(),
});

/** One state change of one intent, from `GET /v1/events`. */
export type CheckoutEvent = CheckoutEventResource;

// The schemas must produce the types the client promises.
type Extends<A, B> = A extends B ? true : false;
type Assert<T extends true> = T;
type _IntentIsTheContract = Assert<Extends<z.output<typeof checkoutIntentSchema>, CheckoutIntentResource>>;
type _EventIsCheckoutEvent = Assert<Extends<z.output<typeof checkoutEventSchema>, CheckoutEvent>>;
