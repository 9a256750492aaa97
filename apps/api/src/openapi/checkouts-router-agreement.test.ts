import { parse } from 'node:querystring';
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import type pg from 'pg';
import { createLogger, startHttpServer, type HttpServerHandle } from '@vexora-checkout/runtime';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCheckoutsRouter, MAX_BATCH_ITEMS } from '../checkouts/checkouts-router.js';
import { createErrorHandler } from '../problems/handle-errors.js';
import { EXAMPLE_CHECKOUT } from './api-examples.js';
import {
  checkoutBatchRequestSchema,
  getCheckoutQuerySchema,
  idempotencyKeySchema,
} from './api-request-schemas.js';
import { buildOpenApiDocument } from './build-openapi-document.js';
import { validateJsonSchema } from './validate-json-schema.js';

// The document describes two schemas the router keeps to itself (the Idempotency-Key rule and
// GET /v1/checkouts/:id's query) through mirrors in api-request-schemas.ts. Here the real router
// judges the same inputs as the mirrors. It runs without a database: a request that passes
// validation reaches the fake Prisma below and ends as a 500 (create) or a 404 (read of an id
// that is not a UUID, which never queries); one that fails validation is a 400.

const prisma = {
  $transaction: () => Promise.reject(new Error('validation passed: the database was reached')),
  checkoutIntent: { findFirst: () => Promise.resolve(null) },
} as unknown as PrismaClient;
const pool = {
  connect: () => Promise.reject(new Error('validation passed: the database was reached')),
} as unknown as pg.Pool;

let server: HttpServerHandle;
let url: string;

beforeAll(async () => {
  const app = express();
  app.set('query parser', 'simple'); // as create-app.ts
  app.use(express.json({ limit: 2_000_000 })); // API_BODY_LIMIT_BYTES's default
  app.use((_request, response, next) => {
    response.locals.principal = { keyId: 'key', clientId: 'client', accountIds: ['sandbox-usd'] };
    next();
  });
  app.use(
    '/v1/checkouts',
    createCheckoutsRouter({
      prisma,
      create: {
        prisma,
        pool,
        accounts: DEFAULT_SANDBOX_ACCOUNTS,
        tradeNoPrefix: '',
        tradeNoTimeZone: 'Asia/Phnom_Penh',
        idempotencyTtlMs: 86_400_000,
        inFlightWaitMs: 10,
      },
    }),
  );
  app.use(createErrorHandler(createLogger({ service: 'api', level: 'silent' })));
  server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const KEYS = [
  'a',
  'order-1001/attempt_1:~!',
  '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~',
  'x'.repeat(255),
  'x'.repeat(256),
  'has space',
  'tab\there',
  'caf\u00e9',
];

describe('the Idempotency-Key mirror', () => {
  test.each(KEYS.map((key) => [key.length > 40 ? `${key.slice(0, 8)}… (${key.length})` : key, key]))(
    'agrees with the router on the header %j',
    async (_label, key) => {
      const response = await post('/v1/checkouts', EXAMPLE_CHECKOUT, { 'idempotency-key': key });
      const routerAccepts = response.status !== 400;
      if (routerAccepts) expect(response.body.code).toBe('internal_error'); // reached the database
      expect(idempotencyKeySchema.safeParse(key).success).toBe(routerAccepts);
    },
  );

  test('agrees with the router when the header is missing', async () => {
    const response = await post('/v1/checkouts', EXAMPLE_CHECKOUT);
    expect(response.status).toBe(400);
    expect(response.body.errors).toContainEqual({ path: 'header:Idempotency-Key', message: 'is required' });
    expect(idempotencyKeySchema.safeParse(undefined).success).toBe(false);
  });

  test.each(KEYS.map((key) => [key.length > 40 ? `${key.slice(0, 8)}… (${key.length})` : key, key]))(
    'agrees with the router on a batch item key %j',
    async (_label, key) => {
      const batch = { items: [{ idempotencyKey: key, checkout: EXAMPLE_CHECKOUT }] };
      const response = await post('/v1/checkouts/batch', batch);
      const routerAccepts = response.status === 500;
      if (!routerAccepts) expect(response.body.results[0]).toMatchObject({ outcome: 'invalid' });
      expect(checkoutBatchRequestSchema.safeParse(batch).success).toBe(routerAccepts);
    },
  );
});

describe('the GET /v1/checkouts/{id} query mirror', () => {
  test.each([
    '',
    'waitFor=PAID',
    'waitFor=AWAITING_PAYMENT&timeout=0',
    'waitFor=paid',
    'waitFor=NOPE',
    'waitFor=PAID&waitFor=FAILED',
    'timeout=30',
    'timeout=1.5',
    'timeout=31',
    'timeout=-1',
    'timeout=abc',
    'timeout=',
    'other=1',
  ])('agrees with the router on ?%s', async (query) => {
    const response = await fetch(`${url}/v1/checkouts/not-a-uuid?${query}`);
    expect([400, 404]).toContain(response.status);
    expect(getCheckoutQuerySchema.safeParse(parse(query)).success).toBe(response.status === 404);
  });
});

describe('the batch request schema', () => {
  const item = { idempotencyKey: 'k-1', checkout: EXAMPLE_CHECKOUT };
  const { components } = buildOpenApiDocument({ version: '0.0.0' });
  const documentAccepts = (body: unknown) =>
    validateJsonSchema({ $ref: '#/components/schemas/CheckoutBatchRequest' }, body, components.schemas)
      .length === 0;

  test.each([
    ['no items', {}],
    ['empty items', { items: [] }],
    ['items that are not an array', { items: item }],
    ['another top-level field', { items: [item], dryRun: true }],
    [
      `more than ${MAX_BATCH_ITEMS} items`,
      { items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => item) },
    ],
  ])('is rejected with 400 by both when the envelope has %s', async (_name, body) => {
    expect((await post('/v1/checkouts/batch', body)).status).toBe(400);
    expect(checkoutBatchRequestSchema.safeParse(body).success).toBe(false);
    expect(documentAccepts(body)).toBe(false);
  });

  test('an invalid item is a result of its own, and the document rejects it', async () => {
    const body = { items: [{ idempotencyKey: 'k-1', checkout: { ...EXAMPLE_CHECKOUT, amount: 12.5 } }] };
    const response = await post('/v1/checkouts/batch', body);
    expect(response.status).toBe(200);
    expect(response.body.results[0]).toMatchObject({
      outcome: 'invalid',
      status: 400,
      idempotencyKey: 'k-1',
    });
    expect(documentAccepts(body)).toBe(false);
  });

  test('a valid batch passes both (and the router goes on to the database)', async () => {
    const body = { items: [item, { ...item, idempotencyKey: 'k-2' }] };
    expect((await post('/v1/checkouts/batch', body)).status).toBe(500);
    expect(checkoutBatchRequestSchema.safeParse(body).success).toBe(true);
    expect(documentAccepts(body)).toBe(true);
  });
});
