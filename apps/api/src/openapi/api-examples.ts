import { generateTradeNo, type createCheckoutBodySchema } from '@vexora-checkout/contracts';
import type { z } from 'zod';
import { encodeCursor } from '../checkouts/find-checkout-intents.js';
import type { checkoutBatchRequestSchema } from './api-request-schemas.js';
import type {
  checkoutBatchResponseSchema,
  checkoutIntentSchema,
  checkoutListSchema,
  eventPageSchema,
} from './api-response-schemas.js';
import { PROBLEM_CATALOG } from './problem-catalog.js';

// Example bodies for the document and the reference page, typed by the schemas they illustrate.
// The tests validate each against the document's JSON Schemas, and the requests against zod too.

const createdAt = new Date('2025-06-12T07:30:15.123Z');
const at = (offsetMs: number) => new Date(createdAt.getTime() + offsetMs).toISOString();
const tradeNo = (seq: bigint) => generateTradeNo({ createdAt, seq, generation: 0 });

type Intent = z.output<typeof checkoutIntentSchema>;
const { instance: _instance, ...validationProblem } = PROBLEM_CATALOG.validation_failed.example;

export const EXAMPLE_CHECKOUT = {
  amount: '12.50',
  currency: 'USD',
  payer: { firstName: 'Sok', lastName: 'Dara', mobile: '+855 12 345 678', email: 'sok.dara@example.com' },
  merchantReference: 'order-1001',
  returnUrl: 'https://shop.example.com/orders/1001',
  remark: '2 iced coffees',
  metadata: { cartId: 'c-7731' },
} satisfies z.input<typeof createCheckoutBodySchema>;

export const EXAMPLE_IDEMPOTENCY_KEY = 'order-1001-attempt-1';

export const EXAMPLE_INTENT: Intent = {
  id: '0f8e3c1a-4b7d-4c1e-9a51-2d6f0b9e7c42',
  state: 'PENDING',
  tradeNo: tradeNo(42n),
  amount: '12.50',
  currency: 'USD',
  merchantReference: 'order-1001',
  paymentLink: null,
  payInfo: null,
  platformTradeNo: null,
  paidAmount: null,
  createdAt: at(0),
  updatedAt: at(0),
  stateChangedAt: at(0),
};

export const EXAMPLE_PAID_INTENT: Intent = {
  ...EXAMPLE_INTENT,
  state: 'PAID',
  paymentLink: 'https://pay.vexora.example/c/9Q2LX7',
  payInfo: '00020101021230...6304A1B2',
  platformTradeNo: 'VX2025061200007731',
  paidAmount: '12.50',
  updatedAt: at(95_000),
  stateChangedAt: at(95_000),
};

const KHR_INTENT: Intent = {
  ...EXAMPLE_INTENT,
  id: '6a0d2f3e-8c1b-4e5a-b7d9-1f2e3c4d5a6b',
  tradeNo: tradeNo(43n),
  amount: '40000',
  currency: 'KHR',
  merchantReference: 'order-1002',
};

export const EXAMPLE_BATCH_REQUEST = {
  items: [
    { idempotencyKey: 'order-1001-attempt-1', checkout: EXAMPLE_CHECKOUT },
    {
      idempotencyKey: 'order-1002-attempt-1',
      checkout: {
        amount: '40000',
        currency: 'KHR',
        payer: { firstName: 'Chan', lastName: 'Sophea', mobile: '012 345 678', email: 'sophea@example.com' },
        merchantReference: 'order-1002',
      },
    },
  ],
} satisfies z.input<typeof checkoutBatchRequestSchema>;

export const EXAMPLE_BATCH_RESPONSE: z.output<typeof checkoutBatchResponseSchema> = {
  summary: { created: 1, replayed: 1, refused: 0, invalid: 1 },
  results: [
    {
      index: 0,
      idempotencyKey: 'order-1001-attempt-1',
      outcome: 'replayed',
      status: 202,
      body: EXAMPLE_INTENT,
    },
    { index: 1, idempotencyKey: 'order-1002-attempt-1', outcome: 'created', status: 202, body: KHR_INTENT },
    {
      index: 2,
      idempotencyKey: 'order-1003-attempt-1',
      outcome: 'invalid',
      status: 400,
      problem: {
        ...validationProblem,
        errors: [
          {
            path: 'items.2.checkout.amount',
            message: 'must be a whole number of riel for KHR (got "100.5")',
          },
        ],
      },
    },
  ],
};

export const EXAMPLE_LIST: z.output<typeof checkoutListSchema> = {
  data: [KHR_INTENT, EXAMPLE_PAID_INTENT],
  nextCursor: encodeCursor({ createdAt, seq: 42n }),
};

export const EXAMPLE_EVENTS: z.output<typeof eventPageSchema> = {
  data: [
    {
      cursor: '90412.1207',
      intentId: EXAMPLE_INTENT.id,
      tradeNo: EXAMPLE_INTENT.tradeNo,
      merchantReference: 'order-1001',
      fromState: null,
      toState: 'PENDING',
      reason: 'intent.created',
      occurredAt: at(0),
    },
    {
      cursor: '90415.1213',
      intentId: EXAMPLE_INTENT.id,
      tradeNo: EXAMPLE_INTENT.tradeNo,
      merchantReference: 'order-1001',
      fromState: 'PENDING',
      toState: 'SUBMITTING',
      reason: 'submit.started',
      occurredAt: at(180),
    },
  ],
  nextCursor: '90415.1213',
};
