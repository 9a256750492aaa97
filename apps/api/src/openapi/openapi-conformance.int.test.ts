import { afterAll, describe, expect, test, waitUntil } from '@vexora-checkout/testing';
import { startTestApi, validCheckout, type TestApi } from '../../test/start-test-api.js';
import { buildOpenApiDocument } from './build-openapi-document.js';
import type { Header, HttpMethod, Reference } from './openapi-document.js';
import { validateJsonSchema } from './validate-json-schema.js';

// The real API, on a real database, answering real requests: each answer must be one the
// document describes (status, media type, body schema, problem code, headers). Unit tests
// compare the document with the code; this compares it with what the code does.

const document = buildOpenApiDocument();
let api: TestApi;

test.beforeAll(async ({ databaseUrl }) => {
  api = await startTestApi(databaseUrl);
});
afterAll(async () => {
  await api.close();
});

type Answer = Awaited<ReturnType<TestApi['request']>>;

function resolveHeader(header: Header | Reference): Header | undefined {
  return '$ref' in header
    ? document.components.headers[header.$ref.replace('#/components/headers/', '')]
    : header;
}

/** Fails unless the document describes this answer of `method template`. */
function expectDocumented(method: HttpMethod, template: string, answer: Answer): void {
  const operation = document.paths[template]?.[method];
  const where = `${method.toUpperCase()} ${template} → ${answer.status}`;
  expect(operation, where).toBeDefined();
  const response = operation?.responses[String(answer.status)];
  expect(response, `${where} is not documented`).toBeDefined();
  if (!response) return;

  const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0] ?? '';
  const media = response.content?.[mediaType];
  expect(media, `${where}: ${mediaType} is not documented`).toBeDefined();
  if (media && media.schema.type !== 'string') {
    expect(validateJsonSchema(media.schema, answer.body, document.components.schemas), where).toEqual([]);
  }
  if (mediaType === 'application/problem+json') {
    expect(Object.keys(media?.examples ?? {}), `${where}: code`).toContain(
      (answer.body as { code: string }).code,
    );
  }
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (resolveHeader(header)?.required) expect(answer.headers.get(name), `${where}: ${name}`).not.toBeNull();
  }
  for (const name of ['Location', 'Idempotent-Replayed']) {
    if (answer.headers.get(name) !== null) expect(response.headers, `${where}: ${name}`).toHaveProperty(name);
  }
}

describe('every answer of the real API is documented', () => {
  test('POST /v1/checkouts: created, replayed, refused, invalid, rejected before parsing', async () => {
    const { key } = await api.newClient();
    const body = validCheckout({ merchantReference: 'conformance-1' });
    const create = (idempotencyKey: string | undefined, payload: unknown, headers?: Record<string, string>) =>
      api.request('/v1/checkouts', { key, idempotencyKey, body: payload, ...(headers ? { headers } : {}) });

    const created = await create('c-1', body);
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(`/v1/checkouts/${created.body.id}`);
    expectDocumented('post', '/v1/checkouts', created);

    const replayed = await create('c-1', body);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expectDocumented('post', '/v1/checkouts', replayed);

    const reused = await create('c-1', { ...body, remark: 'other' });
    expect(reused.body.code).toBe('idempotency_key_reused');
    expectDocumented('post', '/v1/checkouts', reused);

    const conflict = await create('c-2', body);
    expect(conflict.body.code).toBe('merchant_reference_conflict');
    expectDocumented('post', '/v1/checkouts', conflict);
    const conflictReplayed = await create('c-2', body);
    expect(conflictReplayed.headers.get('idempotent-replayed')).toBe('true');
    expectDocumented('post', '/v1/checkouts', conflictReplayed);

    const answers = [
      await create(undefined, body),
      await create('c-3', { ...body, amount: 12.5 }),
      await create('c-4', '{"amount":', { 'content-type': 'application/json' }),
      await create('c-5', 'amount=1', { 'content-type': 'text/plain' }),
      await create('c-6', { ...body, metadata: { blob: 'x'.repeat(2_100_000) } }),
      await api.request('/v1/checkouts', { idempotencyKey: 'c-7', body }),
    ];
    expect(answers.map((answer) => answer.body.code)).toEqual([
      'validation_failed',
      'validation_failed',
      'malformed_body',
      'unsupported_media_type',
      'payload_too_large',
      'unauthenticated',
    ]);
    for (const answer of answers) expectDocumented('post', '/v1/checkouts', answer);
  });

  test('POST /v1/checkouts: no account for the currency', async () => {
    const { key } = await api.newClient(['sandbox-usd']);
    const answer = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'khr-1',
      body: validCheckout({ amount: '40000', currency: 'KHR' }),
    });
    expect(answer.body.code).toBe('no_account_for_currency');
    expectDocumented('post', '/v1/checkouts', answer);
  });

  test('POST /v1/checkouts/batch: every outcome, and an invalid envelope', async () => {
    const { key } = await api.newClient();
    await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'b-0',
      body: validCheckout({ merchantReference: 'batch-0' }),
    });
    const answer = await api.request('/v1/checkouts/batch', {
      key,
      body: {
        items: [
          { idempotencyKey: 'b-1', checkout: validCheckout({ merchantReference: 'batch-1' }) },
          { idempotencyKey: 'b-0', checkout: validCheckout({ merchantReference: 'batch-0' }) },
          { idempotencyKey: 'b-2', checkout: validCheckout({ merchantReference: 'batch-0' }) },
          { idempotencyKey: 'b-3', checkout: validCheckout({ amount: '1.005' }) },
          { checkout: validCheckout() },
          { idempotencyKey: 'b-1', checkout: validCheckout({ merchantReference: 'batch-1' }) },
        ],
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((result: { outcome: string }) => result.outcome)).toEqual([
      'created',
      'replayed',
      'refused',
      'invalid',
      'invalid',
      'replayed',
    ]);
    expectDocumented('post', '/v1/checkouts/batch', answer);

    const envelope = await api.request('/v1/checkouts/batch', { key, body: { items: [] } });
    expect(envelope.status).toBe(400);
    expectDocumented('post', '/v1/checkouts/batch', envelope);
  });

  test('GET /v1/checkouts and /v1/checkouts/{id}', async () => {
    const { key } = await api.newClient();
    const ids: string[] = [];
    for (const reference of ['read-1', 'read-2']) {
      const created = await api.request('/v1/checkouts', {
        key,
        idempotencyKey: reference,
        body: validCheckout({ merchantReference: reference }),
      });
      ids.push(created.body.id as string);
    }
    const firstPage = await api.request('/v1/checkouts?limit=1&state=PENDING,PAID', { key });
    expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    const lastPage = await api.request(`/v1/checkouts?limit=1&cursor=${firstPage.body.nextCursor}`, { key });
    expect(lastPage.body.nextCursor).toBeNull();
    for (const answer of [
      firstPage,
      lastPage,
      await api.request('/v1/checkouts?limit=0', { key }),
      await api.request('/v1/checkouts?cursor=nope', { key }),
      await api.request('/v1/checkouts', {}),
    ]) {
      expectDocumented('get', '/v1/checkouts', answer);
    }

    const one = await api.request(`/v1/checkouts/${ids[0]}`, { key });
    expect(one.status).toBe(200);
    for (const answer of [
      one,
      await api.request(`/v1/checkouts/${ids[0]}?waitFor=PAID&timeout=0`, { key }),
      await api.request(`/v1/checkouts/${ids[0]}?waitFor=NOPE`, { key }),
      await api.request('/v1/checkouts/6a0d2f3e-8c1b-4e5a-b7d9-1f2e3c4d5a6b', { key }),
    ]) {
      expectDocumented('get', '/v1/checkouts/{id}', answer);
    }
  });

  test('GET /v1/events', async () => {
    const { key } = await api.newClient();
    await api.request('/v1/checkouts', { key, idempotencyKey: 'e-1', body: validCheckout() });
    // The feed serves a change once no older transaction in the cluster is still running.
    const page = await waitUntil(
      () => api.request('/v1/events', { key }),
      (response) => response.body.data.length > 0,
      { what: 'the creation event' },
    );
    expect(page.body.data.length).toBeGreaterThan(0);
    for (const answer of [
      page,
      await api.request(`/v1/events?after=${page.body.nextCursor}`, { key }),
      await api.request('/v1/events?after=x', { key }),
    ]) {
      expectDocumented('get', '/v1/events', answer);
    }
  });

  test('probes and metrics', async () => {
    expectDocumented('get', '/healthz', await api.request('/healthz'));
    expectDocumented('get', '/readyz', await api.request('/readyz'));
    expectDocumented('get', '/health', await api.request('/health'));
    expectDocumented('get', '/metrics', await api.request('/metrics'));
  });
});
