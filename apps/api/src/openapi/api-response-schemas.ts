import {
  currencySchema,
  INTENT_STATES,
  type CheckoutIntentResource,
  type IntentStateName,
} from '@vexora-checkout/contracts';
import type { HealthReport } from '@vexora-checkout/runtime';
import { z } from 'zod';
import { MAX_BATCH_ITEMS } from '../checkouts/checkouts-router.js';
import type { IntentEvent } from '../events/list-events.js';
import { PROBLEM_STATUS, type ProblemBody, type ProblemCode } from '../problems/api-problem.js';

// What the API answers, as zod schemas: the routers build these bodies from TypeScript types
// alone, so the document's response schemas are generated from here. The type assertions at the
// end fail the type check when a schema and the type it describes part ways, and the tests (unit
// and integration) validate real responses against the generated document.

/** Canonical decimal text: whole riel for KHR, exactly two decimals for USD. */
const decimal = z.string().regex(/^(0|[1-9][0-9]*)(\.[0-9]{2})?$/);

const timestamp = (description: string) =>
  z.iso.datetime().meta({ description, examples: ['2025-06-12T07:30:15.123Z'] });

const intentState = z.enum(INTENT_STATES);

export const checkoutIntentSchema = z
  .strictObject({
    id: z.uuid().meta({ description: "The intent's id, as in `Location: /v1/checkouts/{id}`." }),
    state: intentState.meta({
      description:
        'Where the intent stands. `PAID`, `PARTIALLY_PAID`, `FAILED` and `REJECTED` are final; `EXPIRED` and `SUBMIT_FAILED` are our own conclusions and yield to a later answer from Vexora.',
    }),
    tradeNo: z.string().meta({
      description:
        'The order number Vexora knows the intent by (creation time in Asia/Phnom_Penh as yyyyMMddHHmmss, a sequence number, a 2-digit generation). It changes only when a superseding order is issued because the previous one provably cannot be paid.',
    }),
    amount: decimal.meta({
      description:
        'Requested amount in canonical form: whole riel for KHR, exactly two decimals for USD ("12.5" comes back as "12.50").',
      examples: ['12.50', '40000'],
    }),
    currency: currencySchema.meta({ description: 'The currency of `amount` and `paidAmount`.' }),
    merchantReference: z.string().nullable().meta({ description: 'Your own id, if you gave one.' }),
    paymentLink: z.string().nullable().meta({
      description: 'Where the payer pays; set once Vexora accepted the order (`AWAITING_PAYMENT`).',
    }),
    payInfo: z
      .string()
      .nullable()
      .meta({ description: 'Payment data Vexora returned with the order (e.g. the KHQR string).' }),
    platformTradeNo: z.string().nullable().meta({ description: "Vexora's own order number, once known." }),
    paidAmount: decimal.nullable().meta({
      description: 'What Vexora confirmed as paid (`PAID`, `PARTIALLY_PAID`), in the same form; null before.',
    }),
    createdAt: timestamp('When the intent was accepted.'),
    updatedAt: timestamp('Last change of any field.'),
    stateChangedAt: timestamp('Last change of `state`.'),
  })
  .meta({ description: 'A checkout intent: the same shape everywhere the API returns one.' });

export const fieldErrorSchema = z
  .strictObject({
    path: z.string().meta({
      description:
        'Where: a dotted path into the body (`payer.mobile`, `items.3.checkout.amount`), `query.<name>`, `header:<Name>`, or `(body)` for the body as a whole.',
    }),
    message: z.string().meta({ description: 'What is wrong, for a human.' }),
  })
  .meta({ description: 'One invalid field.' });

const problemCodes = Object.keys(PROBLEM_STATUS) as [ProblemCode, ...ProblemCode[]];
const problemStatuses = [...new Set(Object.values(PROBLEM_STATUS))] as [number, ...number[]];

export const problemSchema = z
  .looseObject({
    type: z
      .string()
      .regex(/^urn:vexora-checkout:problem:[a-z_]+$/)
      .meta({ description: 'A URN naming the problem type: `urn:vexora-checkout:problem:<code>`.' }),
    title: z
      .string()
      .meta({ description: 'Short summary of the problem type; the same for every occurrence.' }),
    status: z.literal(problemStatuses).meta({ description: 'The HTTP status, repeated.' }),
    code: z.enum(problemCodes).meta({ description: 'Stable machine-readable code: switch on this.' }),
    detail: z.string().meta({ description: 'What happened this time, for a human.' }),
    instance: z.string().optional().meta({ description: 'The request path, when the problem concerns it.' }),
    errors: z
      .array(fieldErrorSchema)
      .optional()
      .meta({ description: 'Every invalid field (`validation_failed`).' }),
    existing: z
      .strictObject({
        id: z.uuid().meta({ description: 'Id of the intent that already has this merchantReference.' }),
        href: z.string().meta({ description: 'Where to read it.' }),
      })
      .optional()
      .meta({
        description: 'The intent already holding the merchantReference (`merchant_reference_conflict`).',
      }),
  })
  .meta({
    description:
      'An RFC 9457 problem (`application/problem+json`). More members may be added; ignore the ones you do not know.',
  });

export const checkoutListSchema = z
  .strictObject({
    data: z.array(checkoutIntentSchema).meta({ description: 'Newest first.' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ description: 'One page of checkout intents.' });

const resultIndex = z
  .number()
  .int()
  .min(0)
  .max(MAX_BATCH_ITEMS - 1)
  .meta({ description: 'Position of the item in `items`.' });
const resultKey = z.string().meta({ description: "The item's idempotencyKey." });

const batchResultSchema = z
  .discriminatedUnion('outcome', [
    z
      .strictObject({
        index: resultIndex,
        idempotencyKey: resultKey,
        outcome: z.literal('created').meta({ description: 'Created by this request.' }),
        status: z.literal(202).meta({ description: 'What `POST /v1/checkouts` would have answered.' }),
        body: checkoutIntentSchema,
      })
      .meta({ description: 'The intent was created.' }),
    z
      .strictObject({
        index: resultIndex,
        idempotencyKey: resultKey,
        outcome: z.literal('replayed').meta({
          description: 'The key was used before with the same checkout (or earlier in this batch).',
        }),
        status: z.literal([202, 409]).meta({ description: 'The status first answered for this key.' }),
        body: z
          .union([checkoutIntentSchema, problemSchema])
          .meta({ description: 'The body first answered for this key: the intent, or the stored problem.' }),
      })
      .meta({ description: 'The first answer for this key, replayed.' }),
    z
      .strictObject({
        index: resultIndex,
        idempotencyKey: resultKey,
        outcome: z.literal('refused').meta({ description: 'Valid, but not created.' }),
        status: z.literal([409, 422]).meta({ description: 'What `POST /v1/checkouts` would have answered.' }),
        body: problemSchema,
      })
      .meta({
        description:
          'Not created: `merchant_reference_conflict`, `idempotency_key_reused`, `idempotency_in_flight` or `no_account_for_currency`.',
      }),
    z
      .strictObject({
        index: resultIndex,
        idempotencyKey: z
          .string()
          .nullable()
          .meta({ description: "The item's idempotencyKey if it was a string, else null." }),
        outcome: z
          .literal('invalid')
          .meta({ description: 'The item failed validation; nothing was stored.' }),
        status: z.literal(400).meta({ description: 'As a single request would have been answered.' }),
        problem: problemSchema,
      })
      .meta({
        description: 'The item is invalid; `problem.errors` says why (paths start with `items.<index>`).',
      }),
  ])
  .meta({
    description: 'What happened to one item. Note: invalid items carry `problem`, the others `body`.',
  });

const outcomeCount = z.number().int().min(0).max(MAX_BATCH_ITEMS);

export const checkoutBatchResponseSchema = z
  .strictObject({
    summary: z
      .strictObject({
        created: outcomeCount.meta({ description: 'Items created by this request.' }),
        replayed: outcomeCount.meta({ description: 'Items whose key had an answer already.' }),
        refused: outcomeCount.meta({ description: 'Valid items not created.' }),
        invalid: outcomeCount.meta({ description: 'Items that failed validation.' }),
      })
      .meta({ description: 'How many items ended each way.' }),
    results: z.array(batchResultSchema).meta({ description: 'One per item, in the order of `items`.' }),
  })
  .meta({ description: 'The outcome of every item of a batch.' });

const eventCursor = z.string().regex(/^[0-9]{1,20}\.[0-9]{1,19}$/);

export const intentEventSchema = z
  .strictObject({
    cursor: eventCursor.meta({
      description: 'Increasing position in the feed: pass the last one as `after`.',
    }),
    intentId: z.uuid().meta({ description: 'The intent that changed.' }),
    tradeNo: z.string().meta({ description: "The intent's current tradeNo." }),
    merchantReference: z.string().nullable().meta({ description: "The intent's merchantReference." }),
    fromState: intentState
      .nullable()
      .meta({ description: 'State before; null when the intent was created.' }),
    toState: intentState.meta({ description: 'State after.' }),
    reason: z.string().meta({ description: 'Why, as a dotted code (e.g. `intent.created`).' }),
    occurredAt: timestamp('When the change was committed.'),
  })
  .meta({ description: 'One state change of one intent.' });

export const eventPageSchema = z
  .strictObject({
    data: z.array(intentEventSchema).meta({ description: 'Oldest first.' }),
    nextCursor: eventCursor.meta({
      description:
        'Pass as `after` to continue; when `data` is empty it is the `after` you sent, never null.',
    }),
  })
  .meta({ description: 'The next changes of all your intents, in order.' });

export const livenessSchema = z
  .strictObject({
    service: z.literal('api').meta({ description: 'Which process answered.' }),
    status: z.literal('ok').meta({ description: 'Always "ok": an answer at all is the signal.' }),
  })
  .meta({ description: 'The process is up (dependencies are not checked).' });

export const readinessSchema = z
  .strictObject({
    service: z.literal('api').meta({ description: 'Which process answered.' }),
    status: z.enum(['ok', 'unavailable']).meta({ description: '"ok" only when every check passed.' }),
    checks: z
      .record(z.string(), z.string())
      .meta({ description: 'One entry per dependency (`database`, `redis`): "ok" or why it failed.' }),
  })
  .meta({ description: 'Whether the API can serve: each dependency checked, each within 2 s.' });

// The schemas above must describe exactly the types the routers use.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type _IntentIsTheContract = Assert<Equals<z.output<typeof checkoutIntentSchema>, CheckoutIntentResource>>;
type _EventIsListEvents = Assert<Equals<z.output<typeof intentEventSchema>, IntentEvent>>;
type _StatesAreTheContract = Assert<Equals<z.output<typeof intentState>, IntentStateName>>;
type _ProblemCodesAreComplete = Assert<Equals<z.output<typeof problemSchema>['code'], ProblemBody['code']>>;
type _ReadinessIsTheHealthReport = Assert<
  Equals<Omit<z.output<typeof readinessSchema>, 'service'>, HealthReport>
>;
