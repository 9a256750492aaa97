// Parameters that look like SQL injection or prototype pollution are inert: they are refused as
// invalid (a problem+json) or match nothing, create nothing, pollute no prototype, and the api
// keeps answering normally afterwards.
import { expect, test } from '@vexora-checkout/testing';
import { checkoutListSchema, problemSchema } from '../src/openapi/api-response-schemas.js';
import { startTestApi, validCheckout, type TestApi } from './start-test-api.js';

const SQL = [
  "' OR 1=1--",
  "'; DROP TABLE checkout_intent;--",
  '1 UNION SELECT * FROM api_key',
  "\\' OR ''='",
];

/** A filter that is junk must be refused or match nothing; a junk limit may also be read as a number. */
function expectProblemOrEmptyPage(response: Awaited<ReturnType<TestApi['request']>>, what: string) {
  if (response.status === 200) {
    const page = checkoutListSchema.parse(response.body);
    if (!what.startsWith('?limit=')) expect(page.data, what).toEqual([]);
  } else {
    expect(response.status, what).toBeGreaterThanOrEqual(400);
    expect(response.status, what).toBeLessThan(500);
    expect(response.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
    expect(problemSchema.parse(response.body).status, what).toBe(response.status);
  }
}

test('SQL-looking and junk query parameters and ids are refused or match nothing', async ({
  databaseUrl,
}) => {
  const api = await startTestApi(databaseUrl);
  try {
    const { key, clientId } = await api.newClient();
    const created = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'hostile-reference',
      body: validCheckout({ merchantReference: 'order-1' }),
    });
    expect(created.status).toBe(202);

    const lists = [
      ...SQL.flatMap((text) =>
        ['state', 'merchantReference', 'tradeNo', 'cursor', 'limit', 'createdFrom', 'createdTo'].map(
          (name) => `?${name}=${encodeURIComponent(text)}`,
        ),
      ),
      '?limit=-1',
      '?limit=1e9',
      '?limit=0x10',
      '?limit[]=1',
      '?state[]=PAID&state[]=x',
      '?state=PAID,PAID%27--',
      '?cursor=eyJjcmVhdGVkQXQiOiInIE9SIDE9MS0tIiwic2VxIjoiMSBPUiAxPTEifQ',
      '?createdFrom=2025-13-45T99:99:99Z',
      '?__proto__[polluted]=yes',
      '?constructor[prototype][polluted]=yes',
      `?merchantReference=${'x'.repeat(5_000)}`,
    ];
    for (const query of lists) {
      expectProblemOrEmptyPage(await api.request(`/v1/checkouts${query}`, { key }), query);
    }
    for (const query of ["?after=' OR 1=1--", '?limit=-5', '?__proto__[polluted]=yes']) {
      const events = await api.request(`/v1/events${query}`, { key });
      expect(events.status, query).toBeLessThan(500);
      if (events.status >= 400) expect(problemSchema.parse(events.body).status).toBe(events.status);
    }
    for (const id of ["' OR 1=1--", '1 OR 1=1', '../../openapi.json', '%00', '__proto__', 'constructor']) {
      const response = await api.request(`/v1/checkouts/${encodeURIComponent(id)}`, { key });
      expect([400, 404], id).toContain(response.status);
      expect(problemSchema.parse(response.body).status).toBe(response.status);
    }
    // The one real intent is still the only one, and found by its real reference only.
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(1);
    const found = await api.request('/v1/checkouts?merchantReference=order-1', { key });
    expect(found.body.data.map((intent: { id: string }) => intent.id)).toEqual([created.body.id]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  } finally {
    await api.close();
  }
});

test('__proto__ and constructor.prototype keys in JSON bodies are refused and pollute nothing', async ({
  databaseUrl,
}) => {
  const api = await startTestApi(databaseUrl);
  try {
    const { key, clientId } = await api.newClient();
    const valid = JSON.stringify(validCheckout());
    const bodies = [
      `{"__proto__":{"polluted":"yes"},${valid.slice(1)}`,
      `{"constructor":{"prototype":{"polluted":"yes"}},${valid.slice(1)}`,
      valid.replace('"payer":{', '"payer":{"__proto__":{"polluted":"yes"},'),
      valid.replace('"payer":{', '"payer":{"constructor":{"prototype":{"polluted":"yes"}},'),
      `{"items":[{"__proto__":{"polluted":"yes"},"idempotencyKey":"p-1","checkout":${valid}}]}`,
      `{"__proto__":{"items":[{"idempotencyKey":"p-2","checkout":${valid}}]}}`,
    ];
    for (const [index, body] of bodies.entries()) {
      const path = body.includes('"items"') ? '/v1/checkouts/batch' : '/v1/checkouts';
      const response = await api.request(path, { key, idempotencyKey: `proto-${index}`, body });
      if (path.endsWith('batch') && response.status === 200) {
        // The envelope was fine; the polluted item itself must be the invalid one.
        expect(response.body.summary, body).toMatchObject({ created: 0 });
      } else {
        expect(response.status, body).toBe(400);
        expect(problemSchema.parse(response.body).code).toBe('validation_failed');
      }
    }
    // Metadata is free-form, so such keys are kept there as data, never as a prototype.
    const metadata = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'proto-metadata',
      body: valid.replace(
        /}$/,
        ',"metadata":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{}}}}',
      ),
    });
    expect(metadata.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(
      metadata.status === 202 ? 1 : 0,
    );
    // Still answering normally.
    const normal = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'after',
      body: validCheckout(),
    });
    expect(normal.status).toBe(202);
  } finally {
    await api.close();
  }
});
