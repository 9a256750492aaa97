import { Prisma, type CheckoutIntent } from '@vexora-checkout/db';
import { describe, expect, test } from 'vitest';
import { toIntentResource } from '../checkouts/to-intent-resource.js';
import { ApiProblem, PROBLEM_STATUS, type ProblemCode } from '../problems/api-problem.js';
import { EXAMPLE_BATCH_RESPONSE, EXAMPLE_EVENTS, EXAMPLE_LIST } from './api-examples.js';
import {
  checkoutBatchResponseSchema,
  checkoutIntentSchema,
  checkoutListSchema,
  eventPageSchema,
  problemSchema,
} from './api-response-schemas.js';
import { buildOpenApiDocument } from './build-openapi-document.js';
import { validateJsonSchema } from './validate-json-schema.js';

const { components } = buildOpenApiDocument({ version: '0.0.0' });
/** Checks a body with the zod schema and with the document's JSON Schema generated from it. */
function expectValid(
  schema: { safeParse(value: unknown): { success: boolean } },
  name: string,
  value: unknown,
) {
  expect(schema.safeParse(value)).toMatchObject({ success: true });
  expect(validateJsonSchema({ $ref: `#/components/schemas/${name}` }, value, components.schemas)).toEqual([]);
}

const at = new Date('2025-06-12T07:30:15.123Z');
/** A checkout_intent row as Prisma returns it (Decimal amounts, Date timestamps). */
function row(overrides: Partial<CheckoutIntent> = {}): CheckoutIntent {
  return {
    id: '0f8e3c1a-4b7d-4c1e-9a51-2d6f0b9e7c42',
    seq: 42n,
    clientId: 'shop-erp',
    accountId: 'sandbox-usd',
    merchantNo: 'SANDBOX0001',
    merchantReference: null,
    state: 'PENDING',
    tradeNo: '202506121430150000004200',
    submissionGeneration: 0,
    amount: new Prisma.Decimal('12.5'),
    currency: 'USD',
    paidAmount: null,
    channelCode: 'KHQR',
    wayCode: 'KHQR',
    payerFirstName: 'Sok',
    payerLastName: 'Dara',
    payerMobile: '12345678',
    payerEmail: 'sok@example.com',
    returnUrl: null,
    remark: null,
    metadata: null,
    platformTradeNo: null,
    paymentLink: null,
    payInfo: null,
    gatewayStatus: null,
    lastErrorCode: null,
    lastErrorMessage: null,
    attemptCount: 0,
    version: 0,
    stateChangedAt: at,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe('the CheckoutIntent schema', () => {
  test('accepts the resource toIntentResource makes of a new USD intent', () => {
    const resource = toIntentResource(row());
    expect(resource.amount).toBe('12.50');
    expectValid(checkoutIntentSchema, 'CheckoutIntent', resource);
  });

  test('accepts a paid KHR intent with every gateway field set', () => {
    const resource = toIntentResource(
      row({
        state: 'PAID',
        currency: 'KHR',
        amount: new Prisma.Decimal('40000'),
        paidAmount: new Prisma.Decimal('40000.00'),
        merchantReference: 'order-1002',
        paymentLink: 'https://pay.example/c/1',
        payInfo: '000201010212…',
        platformTradeNo: 'VX1',
        stateChangedAt: new Date(at.getTime() + 90_000),
        updatedAt: new Date(at.getTime() + 90_000),
      }),
    );
    expect(resource).toMatchObject({ amount: '40000', paidAmount: '40000' });
    expectValid(checkoutIntentSchema, 'CheckoutIntent', resource);
  });

  test.each([
    ['an amount as a number', { amount: 12.5 }],
    ['an amount with one decimal', { amount: '12.5' }],
    ['an unknown state', { state: 'DONE' }],
    ['an extra field', { payerEmail: 'x@example.com' }],
    ['a local timestamp', { createdAt: '2025-06-12 14:30:15' }],
  ])('rejects %s', (_name, change) => {
    const resource = { ...toIntentResource(row()), ...change };
    expect(checkoutIntentSchema.safeParse(resource).success).toBe(false);
    expect(
      validateJsonSchema({ $ref: '#/components/schemas/CheckoutIntent' }, resource, components.schemas),
    ).not.toEqual([]);
  });
});

describe('the Problem schema', () => {
  test.each(Object.keys(PROBLEM_STATUS) as ProblemCode[])('accepts the body of %s', (code) => {
    const problem = new ApiProblem(code, 'detail', {
      errors: code === 'validation_failed' ? [{ path: 'amount', message: 'is required' }] : undefined,
      extensions:
        code === 'merchant_reference_conflict'
          ? { existing: { id: row().id, href: `/v1/checkouts/${row().id}` } }
          : {},
    });
    expectValid(problemSchema, 'Problem', problem.toBody('/v1/checkouts'));
    expectValid(problemSchema, 'Problem', problem.toBody());
  });

  test('rejects a body without code', () => {
    const { code: _code, ...body } = new ApiProblem('not_found', 'x').toBody();
    expect(problemSchema.safeParse(body).success).toBe(false);
  });
});

describe('page and batch schemas', () => {
  test('accept the list, the events page and the batch response', () => {
    expectValid(checkoutListSchema, 'CheckoutList', {
      data: [toIntentResource(row())],
      nextCursor: null,
    });
    expectValid(checkoutListSchema, 'CheckoutList', EXAMPLE_LIST);
    expectValid(eventPageSchema, 'EventPage', EXAMPLE_EVENTS);
    expectValid(eventPageSchema, 'EventPage', { data: [], nextCursor: '0.0' });
    expectValid(checkoutBatchResponseSchema, 'CheckoutBatchResponse', EXAMPLE_BATCH_RESPONSE);
  });

  test('a batch result must match its outcome', () => {
    const [first] = EXAMPLE_BATCH_RESPONSE.results;
    const wrong = { ...EXAMPLE_BATCH_RESPONSE, results: [{ ...first, outcome: 'invalid' }] };
    expect(checkoutBatchResponseSchema.safeParse(wrong).success).toBe(false);
    expect(
      validateJsonSchema({ $ref: '#/components/schemas/CheckoutBatchResponse' }, wrong, components.schemas),
    ).not.toEqual([]);
  });
});
