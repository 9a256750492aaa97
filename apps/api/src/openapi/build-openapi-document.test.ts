import { readFileSync } from 'node:fs';
import {
  createCheckoutBodySchema,
  CURRENCIES,
  INTENT_STATES,
  parseAmount,
  type Currency,
} from '@vexora-checkout/contracts';
import { createLogger } from '@vexora-checkout/runtime';
import { describe, expect, test } from 'vitest';
import { listCheckoutsQuerySchema } from '../checkouts/find-checkout-intents.js';
import { createApp } from '../create-app.js';
import { createMetrics } from '../create-metrics.js';
import { listEventsQuerySchema } from '../events/list-events.js';
import { PROBLEM_STATUS, type ProblemCode } from '../problems/api-problem.js';
import { EXAMPLE_CHECKOUT } from './api-examples.js';
import { checkoutBatchRequestSchema } from './api-request-schemas.js';
import { AMOUNT_PATTERN, buildOpenApiDocument } from './build-openapi-document.js';
import { convertZodSchema } from './convert-zod-schema.js';
import type { JsonSchema, Operation, Parameter } from './openapi-document.js';
import { validateJsonSchema } from './validate-json-schema.js';

const document = buildOpenApiDocument();
const schemas = document.components.schemas;
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]: [string, Operation]) => ({ method, path, operation })),
);
const operation = (id: string) => {
  const found = operations.find((entry) => entry.operation.operationId === id)?.operation;
  if (!found) throw new Error(`no operation ${id}`);
  return found;
};
const parameter = (id: string, name: string): Parameter => {
  const found = operation(id).parameters?.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no parameter ${name} in ${id}`);
  return found;
};

/**
 * Every operation of apps/api. Keep in sync with create-app.ts and the routers: the test below
 * also walks the real app's routes, so a route added there without a line here (and in the
 * document) fails.
 */
const DOCUMENTED = [
  'POST /v1/checkouts',
  'GET /v1/checkouts',
  'POST /v1/checkouts/batch',
  'GET /v1/checkouts/{id}',
  'GET /v1/events',
  'GET /healthz',
  'GET /readyz',
  'GET /health',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
];

/** Every `$ref` anywhere in a value. */
function collectRefs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, field] of Object.entries(value)) {
      if (key === '$ref' && typeof field === 'string') into.push(field);
      else collectRefs(field, into);
    }
  }
  return into;
}

/** A JSON pointer fragment (`#/components/schemas/X`) resolved against the document. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, part) =>
        typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined,
      document,
    );
}

/** `METHOD /path` of every route the real app (createApp) registers, from Express's router. */
function listAppRoutes(): string[] {
  const app = createApp({
    prisma: {} as never,
    pool: {} as never,
    logger: createLogger({ service: 'api', level: 'silent' }),
    metrics: createMetrics(),
    authenticate: () => Promise.resolve(null),
    accounts: [],
    create: { tradeNoPrefix: '', tradeNoTimeZone: 'Asia/Phnom_Penh', idempotencyTtlMs: 1, inFlightWaitMs: 1 },
    bodyLimitBytes: 1_024,
  });
  interface Layer {
    rawPath?: unknown;
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }
  const routes: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = `${prefix}${layer.route.path}`.replace(/(.)\/$/, '$1').replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) {
        // Express 5 (router 2.x) keeps a mounted router's path as `rawPath`.
        if (typeof layer.rawPath !== 'string') throw new Error('this Express version has no Layer.rawPath');
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : `${prefix}${layer.rawPath}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return routes;
}

describe('the OpenAPI document', () => {
  test('is OpenAPI 3.1.0 with info, servers and the bearer scheme', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBeTruthy();
    expect(document.info.version).toBe(manifest.version);
    for (const topic of ['Idempotency', 'Authentication', 'problem+json', 'decimal strings']) {
      expect(document.info.description).toContain(topic);
    }
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ apiKey: [] }]);
    expect(JSON.parse(JSON.stringify(document))).toEqual(document); // plain JSON, nothing lost
  });

  test('documents exactly the routes listed here', () => {
    expect(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual(
      [...DOCUMENTED].sort(),
    );
  });

  test('documents every route the real app has (and only those)', () => {
    // The reference router is wired into create-app.ts separately; count it either way.
    const actual = new Set([...listAppRoutes(), 'GET /openapi.json', 'GET /docs']);
    expect([...actual].sort()).toEqual([...DOCUMENTED].sort());
  });

  test('gives every operation a unique operationId, a summary, known tags and responses', () => {
    const ids = operations.map(({ operation: op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(document.tags.map((tag) => tag.name));
    for (const { path, operation: op } of operations) {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.summary).toBeTruthy();
      expect(op.description).toBeTruthy();
      expect(op.tags.every((tag) => tags.has(tag))).toBe(true);
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(op.responses)) {
        expect(status).toMatch(/^[1-5][0-9]{2}$/);
        expect(response.description).toBeTruthy();
        expect(response.headers?.['X-Request-Id']).toEqual({ $ref: '#/components/headers/XRequestId' });
      }
      // Every {parameter} of a path is declared, required, in: path.
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        expect(op.parameters).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }));
      }
    }
  });

  test('resolves every $ref, and keeps $schema and $id out of components', () => {
    const refs = collectRefs(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(resolvePointer(ref), ref).toBeDefined();
    for (const schema of Object.values(schemas)) {
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('$id');
    }
  });

  test('requires the API key on /v1 and on nothing else', () => {
    for (const { path, operation: op } of operations) {
      if (path.startsWith('/v1/')) {
        expect(op.security, path).toBeUndefined();
        expect(op.responses['401'], path).toBeDefined();
      } else {
        expect(op.security, path).toEqual([]);
      }
    }
  });

  test('describes every parameter and every property of every schema', () => {
    const undocumented: string[] = [];
    const visit = (schema: JsonSchema, where: string) => {
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (!property.description && !property.$ref) undocumented.push(`${where}.${name}`);
        visit(property, `${where}.${name}`);
      }
      if (schema.items) visit(schema.items, `${where}[]`);
      for (const variant of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) visit(variant, where);
    };
    for (const [name, schema] of Object.entries(schemas)) visit(schema, name);
    for (const { operation: op } of operations) {
      for (const param of op.parameters ?? []) {
        if (!param.description) undocumented.push(`${op.operationId}:${param.name}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});

describe('problem responses', () => {
  test('the Problem schema lists every code and status of PROBLEM_STATUS', () => {
    const problem = schemas.Problem;
    expect(problem?.properties?.code?.enum).toEqual(Object.keys(PROBLEM_STATUS));
    expect(new Set(problem?.properties?.status?.enum)).toEqual(new Set(Object.values(PROBLEM_STATUS)));
    expect(problem?.required).toEqual(['type', 'title', 'status', 'code', 'detail']);
    // Extensions (`existing`, future members) are allowed.
    expect(problem?.additionalProperties).not.toBe(false);
  });

  test("are application/problem+json with one valid example per code, at that code's status", () => {
    // Outside /v1, only the readiness probe fails, with its own report (checked below).
    for (const { operation: op } of operations.filter(({ path }) => path.startsWith('/v1/'))) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const media = response.content?.['application/problem+json'];
        expect(media?.schema, `${op.operationId} ${status}`).toEqual({
          $ref: '#/components/schemas/Problem',
        });
        const examples = Object.entries(media?.examples ?? {});
        expect(examples.length).toBeGreaterThan(0);
        for (const [code, example] of examples) {
          expect(PROBLEM_STATUS[code as ProblemCode]).toBe(Number(status));
          expect(example.value).toMatchObject({ code, status: Number(status) });
          expect(
            validateJsonSchema({ $ref: '#/components/schemas/Problem' }, example.value, schemas),
          ).toEqual([]);
        }
      }
    }
  });

  test.each([
    ['createCheckout', ['202', '400', '401', '409', '413', '415', '422', '429', '500', '503']],
    ['createCheckoutBatch', ['200', '400', '401', '413', '415', '429', '500', '503']],
    ['listCheckouts', ['200', '400', '401', '429', '500', '503']],
    ['getCheckout', ['200', '400', '401', '404', '429', '500', '503']],
    ['listEvents', ['200', '400', '401', '429', '500', '503']],
    ['getReadiness', ['200', '503']],
  ])('%s answers the statuses its code can produce', (id, statuses) => {
    expect(Object.keys(operation(id).responses).sort()).toEqual(statuses);
  });

  test('every /v1 operation documents 429 rate_limited with a required Retry-After', () => {
    for (const { operation: op, path } of operations.filter((entry) => entry.path.startsWith('/v1/'))) {
      const limited = op.responses['429'];
      expect(Object.keys(limited?.content?.['application/problem+json']?.examples ?? {}), path).toEqual([
        'rate_limited',
      ]);
      expect(limited?.headers?.['Retry-After'], path).toEqual({ $ref: '#/components/headers/RetryAfter' });
    }
    expect(document.components.headers.RetryAfter?.required).toBe(true);
  });

  test('createCheckout lists the codes it can answer', () => {
    const codes = Object.values(operation('createCheckout').responses).flatMap((response) =>
      Object.keys(response.content?.['application/problem+json']?.examples ?? {}),
    );
    expect(codes.sort()).toEqual(
      [
        'validation_failed',
        'malformed_body',
        'payload_too_large',
        'unsupported_media_type',
        'unauthenticated',
        'idempotency_in_flight',
        'merchant_reference_conflict',
        'idempotency_key_reused',
        'no_account_for_currency',
        'rate_limited',
        'internal_error',
        'service_unavailable',
      ].sort(),
    );
  });
});

describe('POST /v1/checkouts', () => {
  test('requires Idempotency-Key: 1-255 printable ASCII characters, no spaces', () => {
    const key = parameter('createCheckout', 'Idempotency-Key');
    expect(key).toMatchObject({ in: 'header', required: true, schema: { minLength: 1, maxLength: 255 } });
    const valid = (value: string) => validateJsonSchema(key.schema, value).length === 0;
    expect(valid('order-1001/attempt_1:~!')).toBe(true);
    expect(valid('x'.repeat(255))).toBe(true);
    expect(valid('x'.repeat(256))).toBe(false);
    expect(valid('has space')).toBe(false);
    expect(valid('é')).toBe(false);
  });

  test('sends Location and Idempotent-Replayed where the router does', () => {
    const { responses } = operation('createCheckout');
    expect(Object.keys(responses['202']?.headers ?? {}).sort()).toEqual([
      'Idempotent-Replayed',
      'Location',
      'X-Request-Id',
    ]);
    // A stored merchant_reference_conflict is replayed too.
    expect(responses['409']?.headers).toHaveProperty('Idempotent-Replayed');
    expect(responses['202']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CheckoutIntent',
    });
  });

  test('the body schema has the structure of createCheckoutBodySchema', () => {
    const body = schemas.CreateCheckoutBody;
    expect(body?.required).toEqual(['amount', 'currency', 'payer']);
    expect(body?.additionalProperties).toBe(false);
    expect(body?.properties?.currency?.enum).toEqual([...CURRENCIES]);
    expect(Object.keys(body?.properties ?? {})).toEqual(Object.keys(createCheckoutBodySchema.shape));
    const payer = body?.properties?.payer;
    expect(payer?.required).toEqual(['firstName', 'lastName', 'mobile', 'email']);
    expect(payer?.additionalProperties).toBe(false);
    expect(body?.properties?.merchantReference).toMatchObject({ minLength: 1, maxLength: 128 });
    expect(operation('createCheckout').requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CreateCheckoutBody',
    });
  });

  const base = EXAMPLE_CHECKOUT;
  const payer = EXAMPLE_CHECKOUT.payer;
  const accepts = (body: unknown) =>
    validateJsonSchema({ $ref: '#/components/schemas/CreateCheckoutBody' }, body, schemas);

  test.each([
    ['the full example', base],
    ['the minimum', { amount: '1', currency: 'KHR', payer }],
    ['KHR at its maximum', { amount: '400000000', currency: 'KHR', payer }],
    ['USD with one decimal', { ...base, amount: '0.5' }],
    ['metadata of any shape', { ...base, metadata: { a: [1, { b: null }] } }],
    ['a national mobile', { ...base, payer: { ...payer, mobile: '012-345-678' } }],
  ])('accepts what the API accepts: %s', (_name, body) => {
    expect(createCheckoutBodySchema.safeParse(body).success).toBe(true);
    expect(accepts(body)).toEqual([]);
  });

  test.each([
    ['no amount', { currency: 'USD', payer }],
    ['an amount as a number', { ...base, amount: 12.5 }],
    ['a malformed amount', { ...base, amount: '12,50' }],
    ['three decimals', { ...base, amount: '12.505' }],
    ['a leading zero', { ...base, amount: '012.50' }],
    ['another currency', { ...base, currency: 'EUR' }],
    ['an unknown field', { ...base, colour: 'red' }],
    ['an unknown payer field', { ...base, payer: { ...payer, age: 30 } }],
    ['no payer email', { ...base, payer: { ...payer, email: undefined } }],
    ['a bad email', { ...base, payer: { ...payer, email: 'sok@' } }],
    ['an empty merchantReference', { ...base, merchantReference: '' }],
    ['a long merchantReference', { ...base, merchantReference: 'r'.repeat(129) }],
    ['a long remark', { ...base, remark: 'r'.repeat(257) }],
    ['a long channelCode', { ...base, channelCode: 'c'.repeat(33) }],
    ['metadata that is an array', { ...base, metadata: [1] }],
  ])('rejects what the API rejects: %s', (_name, body) => {
    const json = JSON.parse(JSON.stringify(body)) as unknown;
    expect(createCheckoutBodySchema.safeParse(json).success).toBe(false);
    expect(accepts(json)).not.toEqual([]);
  });

  // Rules in refinements and transforms, which JSON Schema cannot carry: the document accepts
  // these and says the rule in the field's description. Listed so the gap stays known and small.
  test.each([
    ['KHR with decimals', { ...base, amount: '100.5', currency: 'KHR' }],
    ['zero', { ...base, amount: '0' }],
    ['above the maximum', { ...base, amount: '100000.01' }],
    ['a foreign mobile', { ...base, payer: { ...payer, mobile: '+33 6 12 34 56 78' } }],
    ['an ftp returnUrl', { ...base, returnUrl: 'ftp://shop.example.com/' }],
    ['metadata over 8 KiB', { ...base, metadata: { blob: 'x'.repeat(9_000) } }],
    ['a blank firstName', { ...base, payer: { ...payer, firstName: '   ' } }],
  ])('only the API rejects (refinements): %s', (_name, body) => {
    expect(createCheckoutBodySchema.safeParse(body).success).toBe(false);
    expect(accepts(body)).toEqual([]);
  });

  test('the amount pattern accepts every amount parseAmount accepts', () => {
    const pattern = new RegExp(AMOUNT_PATTERN, 'u');
    const amounts = [
      '1',
      '9',
      '10',
      '12.5',
      '12.50',
      '0.01',
      '0.1',
      '99999.99',
      '100000',
      '400000000',
      '1.0',
    ];
    for (const currency of CURRENCIES as readonly Currency[]) {
      for (const amount of [...amounts, '0', '-1', '1e3', ' 1', '1.', '.5', '1.234', '00.1']) {
        if (parseAmount(amount, currency).ok)
          expect(pattern.test(amount), `${amount} ${currency}`).toBe(true);
      }
    }
  });
});

describe('query parameters', () => {
  test("GET /v1/checkouts takes listCheckoutsQuerySchema's fields, with its bounds and defaults", () => {
    const params = operation('listCheckouts').parameters ?? [];
    expect(params.map((param) => param.name)).toEqual(Object.keys(listCheckoutsQuerySchema.shape));
    expect(params.every((param) => param.in === 'query' && !param.required)).toBe(true);
    expect(parameter('listCheckouts', 'limit').schema).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 200,
      default: 50,
    });
    expect(parameter('listCheckouts', 'createdFrom').schema).toMatchObject({ format: 'date-time' });
  });

  test('state is a comma-separated list of states (zod reads it as one string)', () => {
    // If the router ever took `state` in another form, the override below would be wrong.
    expect(convertZodSchema(listCheckoutsQuerySchema, 'input').properties?.state).toEqual({ type: 'string' });
    expect(parameter('listCheckouts', 'state')).toMatchObject({
      style: 'form',
      explode: false,
      schema: { type: 'array', items: { enum: [...INTENT_STATES] } },
    });
  });

  test('GET /v1/checkouts/{id} takes waitFor and timeout', () => {
    expect(parameter('getCheckout', 'waitFor').schema.enum).toEqual([...INTENT_STATES]);
    expect(parameter('getCheckout', 'timeout').schema).toEqual({
      type: 'number',
      minimum: 0,
      maximum: 30,
      default: 10,
    });
  });

  test("GET /v1/events takes listEventsQuerySchema's fields", () => {
    const params = operation('listEvents').parameters ?? [];
    expect(params.map((param) => param.name)).toEqual(Object.keys(listEventsQuerySchema.shape));
    expect(parameter('listEvents', 'after').schema).toEqual({
      type: 'string',
      pattern: '^\\d{1,20}\\.\\d{1,19}$',
    });
    expect(parameter('listEvents', 'limit').schema).toMatchObject({ maximum: 1000, default: 100 });
  });
});

describe('examples', () => {
  test('every example validates against its schema', () => {
    let checked = 0;
    for (const { operation: op } of operations) {
      for (const param of op.parameters ?? []) {
        if (param.example === undefined) continue;
        expect(
          validateJsonSchema(param.schema, param.example, schemas),
          `${op.operationId}:${param.name}`,
        ).toEqual([]);
        checked += 1;
      }
      const media = [
        ...Object.values(op.requestBody?.content ?? {}),
        ...Object.values(op.responses).flatMap((response) => Object.values(response.content ?? {})),
      ];
      for (const { schema, example, examples } of media) {
        const values = [
          ...(example === undefined ? [] : [example]),
          ...Object.values(examples ?? {}).map((e) => e.value),
        ];
        for (const value of values) {
          if (schema.type === 'string') continue; // text bodies (metrics, the page)
          expect(validateJsonSchema(schema, value, schemas), op.operationId).toEqual([]);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  test('the request examples are accepted by the zod schemas the API validates with', () => {
    expect(createCheckoutBodySchema.safeParse(EXAMPLE_CHECKOUT).success).toBe(true);
    const batch = operation('createCheckoutBatch').requestBody?.content['application/json']?.example;
    expect(checkoutBatchRequestSchema.safeParse(batch).success).toBe(true);
  });
});
