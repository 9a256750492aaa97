import {
  createCheckoutBodySchema,
  CURRENCIES,
  formatMinorUnits,
  INTENT_STATES,
  MAX_AMOUNT_MINOR,
} from '@vexora-checkout/contracts';
import { MAX_BATCH_ITEMS } from '../checkouts/checkouts-router.js';
import { listCheckoutsQuerySchema } from '../checkouts/find-checkout-intents.js';
import { listEventsQuerySchema } from '../events/list-events.js';
import type { ProblemCode } from '../problems/api-problem.js';
import { annotateSchema } from './annotate-schema.js';
import {
  EXAMPLE_BATCH_REQUEST,
  EXAMPLE_BATCH_RESPONSE,
  EXAMPLE_CHECKOUT,
  EXAMPLE_EVENTS,
  EXAMPLE_IDEMPOTENCY_KEY,
  EXAMPLE_INTENT,
  EXAMPLE_LIST,
  EXAMPLE_PAID_INTENT,
} from './api-examples.js';
import {
  checkoutBatchRequestSchema,
  getCheckoutQuerySchema,
  idempotencyKeySchema,
} from './api-request-schemas.js';
import {
  checkoutBatchResponseSchema,
  checkoutIntentSchema,
  checkoutListSchema,
  eventPageSchema,
  fieldErrorSchema,
  intentEventSchema,
  livenessSchema,
  problemSchema,
  readinessSchema,
} from './api-response-schemas.js';
import { buildProblemResponses } from './build-problem-responses.js';
import { buildQueryParameters } from './build-query-parameters.js';
import { convertZodSchema } from './convert-zod-schema.js';
import { convertZodSchemas, SCHEMA_REF_PREFIX } from './convert-zod-schemas.js';
import type {
  Header,
  JsonSchema,
  MediaType,
  OpenApiDocument,
  Parameter,
  Reference,
  ResponseObject,
} from './openapi-document.js';
import { readApiVersion } from './read-api-version.js';

/**
 * A necessary condition for an amount, for clients that validate before sending: the decimal
 * rules per currency and the bounds live in `parseAmount`, which JSON Schema cannot express (the
 * number of decimals depends on `currency`).
 */
export const AMOUNT_PATTERN = '^(0|[1-9][0-9]*)(\\.[0-9]{1,2})?$';

const ref = (name: string): JsonSchema => ({ $ref: `${SCHEMA_REF_PREFIX}${name}` });
const headerRef = (name: string): Reference => ({ $ref: `#/components/headers/${name}` });
const requestIdHeader = { 'X-Request-Id': headerRef('XRequestId') };
const json = (schema: string, example?: unknown): Record<string, MediaType> => ({
  'application/json': { schema: ref(schema), ...(example === undefined ? {} : { example }) },
});

/** Problems every `/v1` operation can answer: the key, its rate limit, and the database behind it. */
const V1_PROBLEMS: ProblemCode[] = [
  'unauthenticated',
  'rate_limited',
  'internal_error',
  'service_unavailable',
];
/** The headers of a `429`: when to retry, and the key's budget. */
const RATE_LIMITED_HEADERS = {
  'Retry-After': headerRef('RetryAfter'),
  'RateLimit-Limit': headerRef('RateLimitLimit'),
  'RateLimit-Remaining': headerRef('RateLimitRemaining'),
  'RateLimit-Reset': headerRef('RateLimitReset'),
};
/** Problems of every `/v1` POST before its handler runs: the media type check and the JSON parser. */
const BODY_PROBLEMS: ProblemCode[] = ['malformed_body', 'payload_too_large', 'unsupported_media_type'];

const maxAmounts = CURRENCIES.map(
  (currency) => `${formatMinorUnits(MAX_AMOUNT_MINOR[currency], currency)} ${currency}`,
).join(', ');

const DESCRIPTION = `The merchant-facing API of vexora-checkout: hand it checkout intents (one at a time or in batches of up to ${MAX_BATCH_ITEMS}); it stores each durably before answering, submits it to the Vexora gateway exactly once, and reports every state change.

**Authentication.** Every \`/v1\` request carries an API key: \`Authorization: Bearer vxk_…\`. A key belongs to one API client and is scoped to merchant accounts; a client sees only its own intents. Operators create and revoke keys with \`npm run api-key\`. Health, metrics and this reference need no key.

**Idempotency.** \`POST /v1/checkouts\` requires an \`Idempotency-Key\` header (1-255 printable ASCII characters, no spaces), unique per intent you mean to create; each batch item carries its own. The first answer for a key is stored in the same transaction as the intent, and kept at least 24 hours (48 by default).
- The same key with the same body (key order and whitespace do not matter; whether it came alone or in a batch does not either) replays that first answer, status and body, with \`Idempotent-Replayed: true\`. The replayed intent is as it was when created: read it for its current state.
- The same key with a different body is refused with \`422 idempotency_key_reused\`.
- While a request with the key is still running, another one waits briefly, then gets \`409 idempotency_in_flight\`: retry later with the same key.
- Answers that change nothing are not stored (\`400\`, \`422\`, \`409 idempotency_in_flight\`, \`5xx\`): after any of them, retrying with the same key is safe. \`409 merchant_reference_conflict\` is stored and replayed.
- Give each intent a \`merchantReference\` as well: it is unique per client for ever, so it still prevents a duplicate after a key has expired.

**Errors** are RFC 9457 problem details, \`application/problem+json\`: \`{ type, title, status, code, detail }\`, plus \`errors[]\` (\`{ path, message }\`, every invalid field) for \`validation_failed\`. Switch on \`code\`; each code has one status.

**Amounts** are decimal strings, never JSON numbers: \`"12.50"\`, not \`12.5\`. KHR takes whole riel, USD at most two decimals; every amount is above zero and at most ${maxAmounts}. Responses give them canonically: two decimals for USD, none for KHR.

**Asynchronous by design.** A create answers \`202 Accepted\` with the intent in \`PENDING\`; submission to Vexora follows. Wait for the payment link with \`GET /v1/checkouts/{id}?waitFor=AWAITING_PAYMENT\`, or follow every change through \`GET /v1/events\`.

**Rate limits.** Each API key has a budget of tokens, refilled continuously and shared by every replica of the API: a request costs one token, a batch one per started 100 items. Over budget, the answer is \`429 rate_limited\` with \`Retry-After\` (whole seconds): nothing was done, so send the same request again after that delay. Every counted answer carries \`RateLimit-Limit\` (the bucket's size), \`RateLimit-Remaining\` (tokens left) and \`RateLimit-Reset\` (seconds until the bucket is full again).

**Request ids.** Every response carries \`X-Request-Id\`: yours, if you sent one (1-128 letters, digits, \`_\`, \`.\`, \`-\`), or a new UUID. Quote it when reporting a problem.`;

/**
 * The OpenAPI 3.1 document of apps/api. Request schemas are generated from the zod schemas the
 * routers validate with, response schemas from ./api-response-schemas.ts; what is written by hand
 * is prose, examples and the list of operations, which the tests compare with the real routes.
 */
export function buildOpenApiDocument(options: { version?: string } = {}): OpenApiDocument {
  const requestSchemas = convertZodSchemas(
    { CreateCheckoutBody: createCheckoutBodySchema, CheckoutBatchRequest: checkoutBatchRequestSchema },
    'input',
  );
  const responseSchemas = convertZodSchemas(
    {
      CheckoutIntent: checkoutIntentSchema,
      CheckoutList: checkoutListSchema,
      CheckoutBatchResponse: checkoutBatchResponseSchema,
      IntentEvent: intentEventSchema,
      EventPage: eventPageSchema,
      Problem: problemSchema,
      FieldError: fieldErrorSchema,
      Liveness: livenessSchema,
      Readiness: readinessSchema,
    },
    'output',
  );
  const shared = Object.keys(requestSchemas).filter((name) => name in responseSchemas);
  if (shared.length > 0)
    throw new Error(`buildOpenApiDocument: schema names used twice: ${shared.join(', ')}`);
  const createBody = requestSchemas.CreateCheckoutBody;
  if (!createBody) throw new Error('buildOpenApiDocument: CreateCheckoutBody was not generated');
  requestSchemas.CreateCheckoutBody = annotateSchema(createBody, {
    '': {
      description:
        'A checkout intent to create. Strict: an unknown field is an error, so a typo never silently drops data.',
    },
    amount: {
      description: `Decimal string, never a JSON number. KHR: whole riel; USD: at most two decimals. Above zero, at most ${maxAmounts}.`,
      pattern: AMOUNT_PATTERN,
      examples: ['12.50', '40000'],
    },
    currency: { description: "Decides which of the API key's merchant accounts takes the intent." },
    payer: { description: 'Who pays; sent to Vexora with the order.' },
    'payer.firstName': { description: 'Surrounding spaces are trimmed.' },
    'payer.lastName': { description: 'Surrounding spaces are trimmed.' },
    'payer.mobile': {
      description:
        'A Cambodian mobile number: `+855 12 345 678`, `00855…`, `855…`, `012-345-678` or `12345678` (spaces, dashes, dots and parentheses are ignored). Stored as its 8 or 9 national digits.',
      examples: ['+855 12 345 678', '012 345 678'],
    },
    'payer.email': { description: "The payer's email address." },
    channelCode: {
      description: "Vexora channel code; the merchant account's default (`KHQR`) when absent.",
    },
    wayCode: { description: "Vexora way code; the merchant account's default (`KHQR`) when absent." },
    returnUrl: {
      description:
        "An http(s) URL the payer is sent back to after paying; the deployment's default when absent.",
    },
    remark: { description: 'Free text sent to Vexora with the order (the tradeNo when absent or empty).' },
    merchantReference: {
      description:
        'Your own id for the intent, unique per API client: another intent with it is refused with `409 merchant_reference_conflict`, which links to the first. Surrounding spaces are trimmed.',
    },
    metadata: {
      description: 'Any JSON object, at most 8 KiB as JSON; stored with the intent, not sent to Vexora.',
    },
  });

  const idempotencyKeyParameter: Parameter = {
    name: 'Idempotency-Key',
    in: 'header',
    required: true,
    description:
      'Names the intent this request creates: one key per intent, reused only to retry the same request. See *Idempotency*.',
    schema: convertZodSchema(idempotencyKeySchema, 'input'),
    example: EXAMPLE_IDEMPOTENCY_KEY,
  };
  const locationHeader: Header = {
    description:
      'Where to read the intent: `/v1/checkouts/{id}`. Sent when this request created it; a replay does not carry it (read `id` from the body).',
    schema: { type: 'string', pattern: '^/v1/checkouts/[0-9a-f-]{36}$' },
  };
  const replayedHeader = { 'Idempotent-Replayed': headerRef('IdempotentReplayed') };
  const v1Problems = (...codes: ProblemCode[]) =>
    buildProblemResponses([...codes, ...V1_PROBLEMS], requestIdHeader, { 429: RATE_LIMITED_HEADERS });
  const healthResponse = (description: string, example: unknown): ResponseObject => ({
    description,
    headers: requestIdHeader,
    content: json('Readiness', example),
  });
  // /readyz and /health give the same answer; only the example failure differs.
  const readinessResponses = (failedChecks: Record<string, string>) => ({
    '200': healthResponse('Ready.', {
      service: 'api',
      status: 'ok',
      checks: { database: 'ok', redis: 'ok' },
    }),
    '503': healthResponse('Not ready: at least one dependency failed.', {
      service: 'api',
      status: 'unavailable',
      checks: { database: 'ok', redis: 'ok', ...failedChecks },
    }),
  });
  const publicOperation = { security: [] };

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'vexora-checkout API',
      version: options.version ?? readApiVersion(),
      summary: 'Checkout intents for the Vexora payment gateway (KHR, USD, KHQR).',
      description: DESCRIPTION,
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: [
      { name: 'Checkouts', description: 'Create checkout intents and follow them to a final state.' },
      { name: 'Events', description: 'The feed of every state change of your intents.' },
      { name: 'Operations', description: 'Probes and metrics for the platform running the API.' },
      { name: 'Reference', description: 'This document, as JSON and as a page.' },
    ],
    security: [{ apiKey: [] }],
    paths: {
      '/v1/checkouts': {
        post: {
          operationId: 'createCheckout',
          tags: ['Checkouts'],
          summary: 'Create a checkout intent',
          description:
            'Stores the intent durably, with the job that will submit it to Vexora, in one transaction, and answers `202 Accepted` with the intent in `PENDING`. Submission follows: wait for the payment link with `GET /v1/checkouts/{id}?waitFor=AWAITING_PAYMENT`, or follow `GET /v1/events`.\n\nRequires `Idempotency-Key` (see *Idempotency*): a retry with the same key and body gets the first answer again, marked `Idempotent-Replayed: true`.',
          parameters: [idempotencyKeyParameter],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('CreateCheckoutBody'), example: EXAMPLE_CHECKOUT },
            },
          },
          responses: {
            '202': {
              description:
                'Accepted: the intent is stored and will be submitted. Also the answer to a retry of that request (then with `Idempotent-Replayed: true`, without `Location`, and the intent as it was when created).',
              headers: { Location: locationHeader, ...replayedHeader, ...requestIdHeader },
              content: json('CheckoutIntent', EXAMPLE_INTENT),
            },
            ...buildProblemResponses(
              [
                'validation_failed',
                ...BODY_PROBLEMS,
                'idempotency_in_flight',
                'merchant_reference_conflict',
                'idempotency_key_reused',
                'no_account_for_currency',
                ...V1_PROBLEMS,
              ],
              requestIdHeader,
              { 409: replayedHeader, 429: RATE_LIMITED_HEADERS },
            ),
          },
        },
        get: {
          operationId: 'listCheckouts',
          tags: ['Checkouts'],
          summary: 'List checkout intents',
          description:
            'Your intents, newest first. Pages are keyset-paginated: pass `nextCursor` back as `cursor`, with the same filters, for the next page; a page never repeats or skips an intent because others were created meanwhile. Filters combine with AND. An unknown query parameter is a `400`.',
          parameters: buildQueryParameters(listCheckoutsQuerySchema, {
            state: {
              description:
                'Only intents in one of these states, comma-separated (`state=PAID,PARTIALLY_PAID`).',
              // zod reads one string and splits it; the wire form is OpenAPI's comma-separated array.
              schema: { type: 'array', items: { type: 'string', enum: [...INTENT_STATES] }, minItems: 1 },
              style: 'form',
              explode: false,
              example: ['PAID', 'PARTIALLY_PAID'],
            },
            createdFrom: {
              description:
                'Only intents created at or after this instant (ISO 8601 with a zone offset or `Z`).',
              example: '2025-06-01T00:00:00+07:00',
            },
            createdTo: { description: 'Only intents created before this instant (exclusive).' },
            merchantReference: { description: 'Only the intent with this merchantReference.' },
            tradeNo: { description: 'Only the intent whose current tradeNo is this.' },
            cursor: { description: '`nextCursor` of the previous page; absent for the first page.' },
            limit: { description: 'Page size.' },
          }),
          responses: {
            '200': {
              description: 'One page of intents.',
              headers: requestIdHeader,
              content: json('CheckoutList', EXAMPLE_LIST),
            },
            ...v1Problems('validation_failed'),
          },
        },
      },
      '/v1/checkouts/batch': {
        post: {
          operationId: 'createCheckoutBatch',
          tags: ['Checkouts'],
          summary: 'Create checkout intents in bulk',
          description: `Up to ${MAX_BATCH_ITEMS} intents in one request and one database transaction. The answer is \`200\` with one result per item, in order, whatever happened to each: an invalid item is reported in its result and does not stop the others. Only an invalid envelope (no \`items\`, an empty or too long array, another top-level field) fails the whole request with \`400\`.\n\nEach item carries its own \`idempotencyKey\`, with the meaning of the single endpoint's header: retrying a whole batch is safe, and items already created come back \`replayed\`. A key repeated within a batch follows its first occurrence. If another request still holds one of the keys, nothing in the batch is created and every valid item is refused with \`idempotency_in_flight\`: retry the batch. There is no \`Idempotency-Key\` header and no \`Idempotent-Replayed\` header here.`,
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('CheckoutBatchRequest'), example: EXAMPLE_BATCH_REQUEST },
            },
          },
          responses: {
            '200': {
              description: "Every item's outcome; `summary` counts them.",
              headers: requestIdHeader,
              content: json('CheckoutBatchResponse', EXAMPLE_BATCH_RESPONSE),
            },
            ...v1Problems('validation_failed', ...BODY_PROBLEMS),
          },
        },
      },
      '/v1/checkouts/{id}': {
        get: {
          operationId: 'getCheckout',
          tags: ['Checkouts'],
          summary: 'Read a checkout intent, optionally waiting for a state',
          description:
            'The intent as it is now. With `waitFor`, a long poll: the answer comes as soon as the intent reaches that state or settles in another (`PAID`, `PARTIALLY_PAID`, `FAILED`, `REJECTED`, `SUBMIT_FAILED`, `EXPIRED`), or after `timeout` seconds with the intent as it is then. It is `200` in every case: check `state`.',
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              description: "The intent's id (a UUID; any other value is answered `404`).",
              schema: { type: 'string', format: 'uuid' },
              example: EXAMPLE_INTENT.id,
            },
            ...buildQueryParameters(getCheckoutQuerySchema, {
              waitFor: {
                description: 'Wait until the intent is in this state (or settled).',
                example: 'AWAITING_PAYMENT',
              },
              timeout: { description: 'Longest wait in seconds, with `waitFor`; fractions allowed.' },
            }),
          ],
          responses: {
            '200': {
              description: 'The intent.',
              headers: requestIdHeader,
              content: json('CheckoutIntent', EXAMPLE_PAID_INTENT),
            },
            ...v1Problems('validation_failed', 'not_found'),
          },
        },
      },
      '/v1/events': {
        get: {
          operationId: 'listEvents',
          tags: ['Events'],
          summary: 'Follow the state changes of your intents',
          description:
            "Every state change of all your intents, oldest first, behind one cursor: start without `after`, then pass each page's `nextCursor`. A change is served only once no earlier one can still appear, so following the cursor never skips one (the feed may trail a running transaction by a moment). Store your cursor after processing a page; an empty page means you are up to date.",
          parameters: buildQueryParameters(listEventsQuerySchema, {
            after: {
              description: '`nextCursor` of the previous page; absent (or `0`) to start from the beginning.',
            },
            limit: { description: 'Page size.' },
          }),
          responses: {
            '200': {
              description: 'The next changes, oldest first.',
              headers: requestIdHeader,
              content: json('EventPage', EXAMPLE_EVENTS),
            },
            ...v1Problems('validation_failed'),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'getLiveness',
          tags: ['Operations'],
          summary: 'Liveness probe',
          description: 'Answers while the process runs; checks no dependency.',
          ...publicOperation,
          responses: {
            '200': {
              description: 'The process is up.',
              headers: requestIdHeader,
              content: json('Liveness', { service: 'api', status: 'ok' }),
            },
          },
        },
      },
      '/readyz': {
        get: {
          operationId: 'getReadiness',
          tags: ['Operations'],
          summary: 'Readiness probe',
          description:
            'Checks PostgreSQL and Redis, each within 2 seconds: `200` when both answer, `503` with the reason otherwise. Never cached.',
          ...publicOperation,
          responses: readinessResponses({ redis: 'timed out after 2000 ms' }),
        },
      },
      '/health': {
        get: {
          operationId: 'getHealth',
          tags: ['Operations'],
          summary: 'Readiness probe (the name every vexora-checkout process answers)',
          description: 'The same answer as `/readyz`; `npm start` waits on it.',
          ...publicOperation,
          responses: readinessResponses({ database: 'connect ECONNREFUSED 127.0.0.1:54329' }),
        },
      },
      '/metrics': {
        get: {
          operationId: 'getMetrics',
          tags: ['Operations'],
          summary: 'Prometheus metrics',
          description:
            'Request latency by method, route and status (`http_request_duration_seconds`), checkout requests by outcome (`checkout_intents_total`: created, replayed, refused, invalid), and the Node.js process metrics. Not authenticated: expose it to the scraper only.',
          ...publicOperation,
          responses: {
            '200': {
              description: 'The Prometheus text exposition format (version 0.0.4).',
              headers: requestIdHeader,
              content: {
                'text/plain': {
                  schema: { type: 'string' },
                  example: 'checkout_intents_total{outcome="created"} 1042\n',
                },
              },
            },
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          tags: ['Reference'],
          summary: 'This document',
          description:
            'The OpenAPI 3.1 document of this API, generated from the schemas it validates with. Cacheable for 5 minutes.',
          ...publicOperation,
          responses: {
            '200': {
              description: 'The document.',
              headers: requestIdHeader,
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/docs': {
        get: {
          operationId: 'getApiReference',
          tags: ['Reference'],
          summary: 'This reference, as a page',
          description:
            'The document rendered as one self-contained HTML page: no scripts, no external resources.',
          ...publicOperation,
          responses: {
            '200': {
              description: 'The page.',
              headers: requestIdHeader,
              content: { 'text/html': { schema: { type: 'string' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: { ...requestSchemas, ...responseSchemas },
      headers: {
        XRequestId: {
          description:
            'The request id: the `X-Request-Id` you sent, if it is 1-128 letters, digits, `_`, `.` or `-`; otherwise a new UUID. The server log has it.',
          required: true,
          schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}$' },
        },
        RetryAfter: {
          description: 'Whole seconds to wait before sending the request again.',
          required: true,
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        RateLimitLimit: {
          description: "The API key's bucket size: the most tokens it can spend at once.",
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        RateLimitRemaining: {
          description: 'Tokens left in the bucket after this request.',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        RateLimitReset: {
          description: 'Whole seconds until the bucket is full again.',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        IdempotentReplayed: {
          description:
            '`true` when this is the stored answer to an earlier request with the same Idempotency-Key; absent on a first answer.',
          schema: { type: 'string', const: 'true' },
        },
      },
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'vxk_ followed by 43 base64url characters',
          description:
            'An API key in `Authorization: Bearer vxk_…`. Operators create keys with `npm run api-key -- create --name NAME`; a key is shown once, only its hash is stored.',
        },
      },
    },
  };
}
