import {
  createCheckoutBodySchema,
  INTENT_STATES,
  type CheckoutIntentResource,
} from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth/require-api-key.js';
import { ApiProblem, type FieldError, type ProblemBody } from '../problems/api-problem.js';
import { sendProblem, sendProblemBody } from '../problems/send-problem.js';
import { zodFieldErrors } from '../problems/zod-field-errors.js';
import {
  createCheckoutIntents,
  type CreateIntentsDeps,
  type IntentOutcome,
  type IntentRequest,
} from './create-checkout-intents.js';
import {
  decodeCursor,
  findCheckoutIntent,
  listCheckoutIntents,
  listCheckoutsQuerySchema,
} from './find-checkout-intents.js';
import { fingerprintRequest } from './fingerprint-request.js';
import { toIntentResource } from './to-intent-resource.js';
import { waitForIntentState } from './wait-for-intent-state.js';

export const MAX_BATCH_ITEMS = 1_000;

/** The `Idempotency-Key` header (also each batch item's key); the OpenAPI document uses it too. */
export const idempotencyKeySchema = z
  .string({ error: 'is required' })
  .min(1, 'is required')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const batchEnvelopeSchema = z.strictObject({
  items: z
    .array(z.unknown())
    .min(1, 'must contain at least one item')
    .max(MAX_BATCH_ITEMS, `must contain at most ${MAX_BATCH_ITEMS} items`),
});
const batchItemSchema = z.strictObject({ idempotencyKey: idempotencyKeySchema, checkout: z.unknown() });

/** Query of `GET /v1/checkouts/:id`; the OpenAPI document uses it too. */
export const getCheckoutQuerySchema = z.strictObject({
  waitFor: z.enum(INTENT_STATES, { error: `must be one of ${INTENT_STATES.join(', ')}` }).optional(),
  timeout: z.coerce.number().min(0, 'must be 0-30 seconds').max(30, 'must be 0-30 seconds').default(10),
});

export interface CheckoutsRouterDeps {
  prisma: PrismaClient;
  create: CreateIntentsDeps;
  onOutcome?: (outcome: IntentOutcome['kind'] | 'invalid') => void;
}

function validationProblem(errors: FieldError[]): ApiProblem {
  return new ApiProblem('validation_failed', 'The request is invalid; see errors for each field.', {
    errors,
  });
}

function sendOutcome(response: Response, outcome: IntentOutcome): void {
  switch (outcome.kind) {
    case 'created':
      response.status(202).location(`/v1/checkouts/${outcome.body.id}`).json(outcome.body);
      return;
    case 'replayed': {
      response.setHeader('Idempotent-Replayed', 'true');
      const id = (outcome.body as { id?: unknown } | null)?.id;
      if (outcome.status === 202 && typeof id === 'string') response.location(`/v1/checkouts/${id}`);
      const body = outcome.body as Partial<ProblemBody> | null;
      if (outcome.status >= 400 && body && typeof body === 'object' && 'type' in body) {
        sendProblemBody(response, body as ProblemBody);
      } else {
        response.status(outcome.status).json(outcome.body);
      }
      return;
    }
    case 'refused':
      sendProblem(response, outcome.problem);
      return;
  }
}

/** `/v1/checkouts`: create (single, batch), read, list, long-poll. Thin: parse, call, map. */
export function createCheckoutsRouter(deps: CheckoutsRouterDeps): Router {
  const router = Router();
  const count = deps.onOutcome ?? (() => undefined);

  router.post('/', async (request, response) => {
    const principal = principalOf(response.locals);
    const key = idempotencyKeySchema.safeParse(request.get('idempotency-key'));
    const body = createCheckoutBodySchema.safeParse(request.body);
    const errors = [
      ...(key.success ? [] : zodFieldErrors(key.error, 'header:Idempotency-Key')),
      ...(body.success ? [] : zodFieldErrors(body.error)),
    ];
    if (!key.success || !body.success) {
      count('invalid');
      throw validationProblem(errors);
    }
    const item: IntentRequest = {
      idempotencyKey: key.data,
      requestHash: fingerprintRequest('POST', '/v1/checkouts', request.body),
      body: body.data,
    };
    const [outcome] = await createCheckoutIntents(deps.create, principal, [item]);
    if (!outcome) throw new Error('no outcome');
    count(outcome.kind);
    sendOutcome(response, outcome);
  });

  router.post('/batch', async (request, response) => {
    const principal = principalOf(response.locals);
    const envelope = batchEnvelopeSchema.safeParse(request.body);
    if (!envelope.success) throw validationProblem(zodFieldErrors(envelope.error));

    type Result =
      | {
          index: number;
          idempotencyKey: string | null;
          outcome: 'invalid';
          status: 400;
          problem: ProblemBody;
        }
      | {
          index: number;
          idempotencyKey: string;
          outcome: IntentOutcome['kind'];
          status: number;
          body: unknown;
        };
    const results: Result[] = new Array<Result>(envelope.data.items.length);
    const valid: { index: number; request: IntentRequest }[] = [];
    envelope.data.items.forEach((raw, index) => {
      const item = batchItemSchema.safeParse(raw);
      const checkout = item.success ? createCheckoutBodySchema.safeParse(item.data.checkout) : undefined;
      if (!item.success || !checkout?.success) {
        const errors = [
          ...(item.success ? [] : zodFieldErrors(item.error, `items.${index}`)),
          ...(checkout && !checkout.success ? zodFieldErrors(checkout.error, `items.${index}.checkout`) : []),
        ];
        const key = (raw as { idempotencyKey?: unknown } | null)?.idempotencyKey;
        results[index] = {
          index,
          idempotencyKey: typeof key === 'string' ? key : null,
          outcome: 'invalid',
          status: 400,
          problem: validationProblem(errors).toBody(),
        };
        count('invalid');
        return;
      }
      valid.push({
        index,
        request: {
          idempotencyKey: item.data.idempotencyKey,
          // Fingerprinted as the single endpoint would: a key means one intent, however sent.
          requestHash: fingerprintRequest('POST', '/v1/checkouts', item.data.checkout),
          body: checkout.data,
        },
      });
    });

    if (valid.length > 0) {
      const outcomes = await createCheckoutIntents(
        deps.create,
        principal,
        valid.map((entry) => entry.request),
      );
      outcomes.forEach((outcome, position) => {
        const entry = valid[position];
        if (!entry) return;
        count(outcome.kind);
        results[entry.index] = {
          index: entry.index,
          idempotencyKey: entry.request.idempotencyKey,
          outcome: outcome.kind,
          status: outcome.kind === 'refused' ? outcome.problem.status : outcome.status,
          body: outcome.kind === 'refused' ? outcome.problem.toBody() : outcome.body,
        };
      });
    }
    const summary = { created: 0, replayed: 0, refused: 0, invalid: 0 };
    for (const result of results) summary[result.outcome] += 1;
    response.status(200).json({ summary, results });
  });

  router.get('/', async (request, response) => {
    const principal = principalOf(response.locals);
    const query = listCheckoutsQuerySchema.safeParse(request.query);
    if (!query.success) throw validationProblem(zodFieldErrors(query.error, 'query'));
    const cursor = query.data.cursor === undefined ? undefined : decodeCursor(query.data.cursor);
    if (query.data.cursor !== undefined && !cursor) {
      throw validationProblem([
        { path: 'query.cursor', message: 'must be a cursor returned by this endpoint' },
      ]);
    }
    const page = await listCheckoutIntents(deps.prisma, principal.clientId, query.data, cursor);
    const data: CheckoutIntentResource[] = page.intents.map(toIntentResource);
    response.json({ data, nextCursor: page.nextCursor });
  });

  router.get('/:id', async (request, response) => {
    const principal = principalOf(response.locals);
    const query = getCheckoutQuerySchema.safeParse(request.query);
    if (!query.success) throw validationProblem(zodFieldErrors(query.error, 'query'));
    const id = request.params.id ?? '';
    const intent = query.data.waitFor
      ? await waitForIntentState(
          deps.prisma,
          principal.clientId,
          id,
          query.data.waitFor,
          query.data.timeout * 1000,
          abortOnClose(response),
        )
      : await findCheckoutIntent(deps.prisma, principal.clientId, id);
    if (!intent) throw new ApiProblem('not_found', `No checkout intent ${id}.`);
    response.json(toIntentResource(intent));
  });

  return router;
}

function abortOnClose(response: Response): AbortSignal {
  const controller = new AbortController();
  response.on('close', () => controller.abort());
  return controller.signal;
}
