import { createCheckoutBodySchema } from '@vexora-checkout/contracts';
import { z } from 'zod';
import { idempotencyKeySchema, MAX_BATCH_ITEMS } from '../checkouts/checkouts-router.js';

// Request shapes the document needs that no router defines as one schema.

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

export { getCheckoutQuerySchema, idempotencyKeySchema } from '../checkouts/checkouts-router.js';
