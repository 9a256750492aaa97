import { afterAll, describe, expect, test } from '@vexora-checkout/testing';
import { startTestApi, validCheckout, type TestApi } from '../../test/start-test-api.js';

let api: TestApi;
test.beforeAll(async ({ databaseUrl }) => {
  api = await startTestApi(databaseUrl);
});
afterAll(async () => {
  await api.close();
});

const payer = validCheckout().payer;
const long = (length: number) => 'x'.repeat(length);

// Every field rule, with the precise problem it must produce.
const cases: [string, unknown, { path: string; message: string | RegExp }][] = [
  [
    'amount as a number',
    validCheckout({ amount: 12.5 }),
    { path: 'amount', message: 'must be a decimal string such as "12.50"' },
  ],
  ['amount missing', { currency: 'USD', payer }, { path: 'amount', message: 'is required' }],
  [
    'amount with three decimals',
    validCheckout({ amount: '1.005' }),
    { path: 'amount', message: /at most 2 decimal places for USD/ },
  ],
  [
    'riel with decimals',
    validCheckout({ currency: 'KHR', amount: '100.5' }),
    { path: 'amount', message: /whole number of riel/ },
  ],
  [
    'zero amount',
    validCheckout({ amount: '0.00' }),
    { path: 'amount', message: 'must be greater than zero' },
  ],
  ['negative amount', validCheckout({ amount: '-1' }), { path: 'amount', message: /plain decimal number/ }],
  [
    'amount above the bound',
    validCheckout({ amount: '100000.01' }),
    { path: 'amount', message: /must not exceed 100000.00 USD/ },
  ],
  [
    'unknown currency',
    validCheckout({ currency: 'EUR' }),
    { path: 'currency', message: 'must be "KHR" or "USD"' },
  ],
  ['payer missing', { amount: '1.00', currency: 'USD' }, { path: 'payer', message: 'is required' }],
  [
    'empty first name',
    validCheckout({ payer: { ...payer, firstName: ' ' } }),
    { path: 'payer.firstName', message: 'is required' },
  ],
  [
    'long last name',
    validCheckout({ payer: { ...payer, lastName: long(101) } }),
    { path: 'payer.lastName', message: 'must be at most 100 characters' },
  ],
  [
    'foreign mobile',
    validCheckout({ payer: { ...payer, mobile: '+66 81 234 5678' } }),
    { path: 'payer.mobile', message: /Cambodian number/ },
  ],
  [
    'short mobile',
    validCheckout({ payer: { ...payer, mobile: '012 345' } }),
    { path: 'payer.mobile', message: /8 or 9 digits/ },
  ],
  [
    'bad email',
    validCheckout({ payer: { ...payer, email: 'sok@' } }),
    { path: 'payer.email', message: 'must be an email address' },
  ],
  [
    'unknown payer field',
    validCheckout({ payer: { ...payer, age: 30 } }),
    { path: 'payer', message: 'unknown field: age' },
  ],
  [
    'non-http returnUrl',
    validCheckout({ returnUrl: 'javascript:alert(1)' }),
    { path: 'returnUrl', message: 'must be an http(s) URL' },
  ],
  [
    'long remark',
    validCheckout({ remark: long(257) }),
    { path: 'remark', message: 'must be at most 256 characters' },
  ],
  [
    'NUL in remark (PostgreSQL text cannot hold it)',
    validCheckout({ remark: 'gift\u0000wrap' }),
    { path: 'remark', message: 'must not contain NUL characters or unpaired surrogates' },
  ],
  [
    'lone surrogate in metadata (jsonb cannot hold it)',
    validCheckout({ metadata: { note: 'x\uD800' } }),
    { path: 'metadata.note', message: 'must not contain NUL characters or unpaired surrogates' },
  ],
  [
    'long merchantReference',
    validCheckout({ merchantReference: long(129) }),
    { path: 'merchantReference', message: 'must be at most 128 characters' },
  ],
  [
    'huge metadata',
    validCheckout({ metadata: { blob: long(9_000) } }),
    { path: 'metadata', message: 'must be at most 8 KiB as JSON' },
  ],
  [
    'caller-chosen notifyUrl',
    validCheckout({ notifyUrl: 'https://evil.example/notify' }),
    { path: '(body)', message: 'unknown field: notifyUrl' },
  ],
  [
    'long channelCode',
    validCheckout({ channelCode: long(33) }),
    { path: 'channelCode', message: 'must be 1-32 characters' },
  ],
  [
    'empty merchantReference',
    validCheckout({ merchantReference: ' ' }),
    { path: 'merchantReference', message: 'must not be empty' },
  ],
];

describe('bad input gets a precise problem and writes nothing', () => {
  test.each(cases)('%s', async (_name, body, expected) => {
    const { key, clientId } = await api.newClient();
    const response = await api.request('/v1/checkouts', { key, idempotencyKey: 'validation', body });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'urn:vexora-checkout:problem:validation_failed',
      code: 'validation_failed',
      status: 400,
    });
    expect(response.body.errors).toContainEqual({
      path: expected.path,
      message:
        typeof expected.message === 'string' ? expected.message : expect.stringMatching(expected.message),
    });
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(0);
    expect(await api.prisma.idempotencyKey.count({ where: { clientId } })).toBe(0);
  });

  test('a missing or bad Idempotency-Key', async () => {
    const { key } = await api.newClient();
    const missing = await api.request('/v1/checkouts', { key, body: validCheckout() });
    expect(missing.body.errors).toEqual([{ path: 'header:Idempotency-Key', message: 'is required' }]);
    const spaced = await api.request('/v1/checkouts', { key, idempotencyKey: 'a b', body: validCheckout() });
    expect(spaced.body.errors).toEqual([
      { path: 'header:Idempotency-Key', message: 'must be printable ASCII without spaces' },
    ]);
    const tooLong = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: long(256),
      body: validCheckout(),
    });
    expect(tooLong.body.errors).toEqual([
      { path: 'header:Idempotency-Key', message: 'must be at most 255 characters' },
    ]);
  });

  test('a body that is not JSON, not an object, too large, or of another type', async () => {
    const { key } = await api.newClient();
    const malformed = await api.request('/v1/checkouts', { key, idempotencyKey: 'm', body: '{"amount": ' });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'malformed_body' } });
    const array = await api.request('/v1/checkouts', { key, idempotencyKey: 'm', body: '[1]' });
    expect(array).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [{ path: '(body)', message: 'must be an object' }] },
    });
    const form = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'm',
      body: 'amount=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
    const huge = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'm',
      body: { ...validCheckout(), remark: long(2_100_000) },
    });
    expect(huge).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
  });
});

describe('operations endpoints', () => {
  test('liveness, readiness, metrics and request ids', async () => {
    expect((await api.request('/healthz')).body).toEqual({ service: 'api', status: 'ok' });
    expect((await api.request('/readyz')).body).toEqual({
      service: 'api',
      status: 'ok',
      checks: { database: 'ok' },
    });
    const { key } = await api.newClient();
    const created = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'metrics-1',
      body: validCheckout(),
      headers: { 'x-request-id': 'req-123' },
    });
    expect(created.headers.get('x-request-id')).toBe('req-123');
    const metrics = await api.request('/metrics');
    expect(metrics.body).toMatch(/checkout_intents_total\{outcome="created"\} \d+/);
    expect(metrics.body).toMatch(
      /http_request_duration_seconds_bucket\{.*route="\/v1\/checkouts\/".*status="202"/,
    );
    const line = api.logs.find((entry) => (entry.req as { id?: string } | undefined)?.id === 'req-123');
    expect(line).toBeDefined();
    // Keys and payer data never reach the log.
    const text = JSON.stringify(api.logs);
    expect(text).not.toContain(key);
    expect(text).not.toContain('sok@example.com');
    expect(text).not.toContain('12345678');
  });
});
