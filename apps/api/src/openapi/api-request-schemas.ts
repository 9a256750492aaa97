import { createCheckoutBodySchema, INTENT_STATES } from '@vexora-checkout/contracts';
import { z } from 'zod';
import { MAX_BATCH_ITEMS } from '../checkouts/checkouts-router.js';

// Request shapes the document needs but the routers do not export. The two mirrors below copy
// module-private schemas of checkouts-router.ts (error messages left out: they are not part of
// the shape). checkouts-router-agreement.test.ts sends requests through the real router to prove
// that each mirror accepts and rejects what the router does; once the router exports its own
// schemas, import them here instead and delete the mirrors.

/** Mirror of `idempotencyKeySchema` in checkouts-router.ts. */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/);

/** Mirror of `getQuerySchema` in checkouts-router.ts (`GET /v1/checkouts/:id`). */
export const getCheckoutQuerySchema = z.strictObject({
  waitFor: z.enum(INTENT_STATES).optional(),
  timeout: z.coerce.number().min(0).max(30).default(10),
});

/**
 * `POST /v1/checkouts/batch` as a valid request looks. The router checks the envelope first and
 * each item on its own afterwards, so an invalid item is reported in its result (outcome
 * "invalid") instead of failing the whole request; the shape a client must send is the same.
 */
export const checkoutBatchRequestSchema = z.strictObject({
  items: z
    .array(
      z
        .strictObject({
          idempotencyKey: idempotencyKeySchema.meta({
            description:
              "This item's key, with the rules and meaning of the `Idempotency-Key` header of `POST /v1/checkouts`: a key names one intent whichever endpoint sent it, so an item may be retried through either.",
          }),
          checkout: createCheckoutBodySchema,
        })
        .meta({ description: 'One intent to create.' }),
    )
    .min(1)
    .max(MAX_BATCH_ITEMS)
    .meta({
      description: `1 to ${MAX_BATCH_ITEMS} intents, created in one database transaction. Results come back in the same order.`,
    }),
});
