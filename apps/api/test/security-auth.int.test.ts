// The api's authentication and tenant isolation, against the real app and database: every /v1
// route refuses a request without a usable key (absent, malformed, unknown, revoked) with the
// same 401 problem and does nothing; and a client never reaches another client's intent, whether
// by id, by list filters, through the events feed, by merchantReference or by Idempotency-Key.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from '@vexora-checkout/testing';
import { generateApiKey } from '../src/auth/api-key-format.js';
import { createApiKeyAuthenticator } from '../src/auth/authenticate-api-key.js';
import { revokeApiKey } from '../src/auth/manage-api-keys.js';
import { problemSchema } from '../src/openapi/api-response-schemas.js';
import { startTestApi, validCheckout, type TestApi } from './start-test-api.js';

let api: TestApi;

test.beforeAll(async ({ databaseUrl }) => {
  api = await startTestApi(databaseUrl);
});
afterAll(async () => {
  await api.close();
});

/** Every /v1 operation, as a request without credentials. */
const ROUTES: { path: string; body?: unknown }[] = [
  { path: '/v1/checkouts', body: validCheckout() },
  { path: '/v1/checkouts/batch', body: { items: [{ idempotencyKey: 'b-1', checkout: validCheckout() }] } },
  { path: '/v1/checkouts' },
  { path: `/v1/checkouts/${randomUUID()}` },
  { path: `/v1/checkouts/${randomUUID()}?waitFor=AWAITING_PAYMENT&timeout=5` },
  { path: '/v1/events' },
];

function expectUnauthenticated(answer: Awaited<ReturnType<TestApi['request']>>, what: string) {
  expect(answer.status, what).toBe(401);
  expect(answer.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
  expect(problemSchema.parse(answer.body).code, what).toBe('unauthenticated');
}

describe('authentication', () => {
  test('no key, a malformed key, an unknown key and a revoked key get 401 on every route and change nothing', async () => {
    const revoked = await api.newClient();
    // The key works before it is revoked (the test api caches no lookups).
    expect((await api.request('/v1/checkouts', { key: revoked.key })).status).toBe(200);
    expect(await revokeApiKey(api.prisma, (await keyIdOf(revoked.clientId)) ?? '')).toBe(1);
    const unknown = generateApiKey();
    const valid = (await api.newClient()).key;

    const credentials: [string, Record<string, string>][] = [
      ['no header', {}],
      ['empty header', { authorization: '' }],
      ['no scheme', { authorization: valid }],
      ['Basic scheme', { authorization: `Basic ${Buffer.from(`${valid}:`).toString('base64')}` }],
      ['Bearer without a key', { authorization: 'Bearer ' }],
      ['Bearer with two tokens', { authorization: `Bearer ${valid} ${valid}` }],
      ['truncated key', { authorization: `Bearer ${valid.slice(0, -1)}` }],
      ['key with an extra character', { authorization: `Bearer ${valid}A` }],
      ['wrong prefix', { authorization: `Bearer vxs_${valid.slice(4)}` }],
      ['SQL-looking key', { authorization: "Bearer ' OR 1=1--" }],
      ['key in the query string only', {}],
      ['unknown well-formed key', { authorization: `Bearer ${unknown}` }],
      ['revoked key', { authorization: `Bearer ${revoked.key}` }],
    ];
    const intentsBefore = await api.prisma.checkoutIntent.count();
    for (const [what, headers] of credentials) {
      for (const route of ROUTES) {
        const path = what.includes('query string') ? `${route.path}?key=${valid}` : route.path;
        const answer = await api.request(path, {
          headers: { ...headers, 'idempotency-key': `auth-${randomUUID()}` },
          ...(route.body === undefined ? {} : { body: route.body }),
        });
        expectUnauthenticated(answer, `${what}: ${route.body ? 'POST' : 'GET'} ${route.path}`);
        // The answer never echoes what was sent as a key.
        expect(JSON.stringify(answer.body), what).not.toContain(valid.slice(4));
      }
    }
    expect(await api.prisma.checkoutIntent.count()).toBe(intentsBefore);
    expect(await api.prisma.idempotencyKey.count({ where: { clientId: revoked.clientId } })).toBe(0);
  });
});

test('a flood of distinct made-up keys cannot push a valid key out of the lookup cache', async () => {
  const { key, clientId } = await api.newClient();
  let clock = 0;
  const authenticate = createApiKeyAuthenticator(api.prisma, {
    ttlMs: 60_000,
    now: () => clock,
    maxUnknownKeys: 20,
  });
  const principal = await authenticate(key);
  expect(principal?.clientId).toBe(clientId);
  for (let index = 0; index < 100; index += 1) expect(await authenticate(generateApiKey())).toBeNull();
  // Revoked in the database: an authenticator that had dropped the valid key would look it up
  // again and answer null; one that kept it answers from its cache until the TTL.
  expect(await revokeApiKey(api.prisma, (await keyIdOf(clientId)) ?? '')).toBe(1);
  expect(await authenticate(key)).toEqual(principal);
  clock += 60_001;
  expect(await authenticate(key)).toBeNull();
});

async function keyIdOf(clientId: string): Promise<string | undefined> {
  return (await api.prisma.apiKey.findFirst({ where: { clientId } }))?.id;
}

describe("another client's intents", () => {
  test('are not found by id, by list filters, by long-poll or in the events feed', async () => {
    const owner = await api.newClient();
    const other = await api.newClient();
    const created = await api.request('/v1/checkouts', {
      key: owner.key,
      idempotencyKey: 'isolation-1',
      body: validCheckout({ merchantReference: 'isolation-order-1' }),
    });
    expect(created.status).toBe(202);
    const { id, tradeNo } = created.body as { id: string; tradeNo: string };

    // By id: the very answer an id that exists nowhere gets, except for the id itself.
    const absent = randomUUID();
    const byId = await api.request(`/v1/checkouts/${id}`, { key: other.key });
    const nowhere = await api.request(`/v1/checkouts/${absent}`, { key: other.key });
    expect(byId.status).toBe(404);
    expect(byId.body).toEqual(
      JSON.parse(JSON.stringify(nowhere.body).replaceAll(absent, id)) as Record<string, unknown>,
    );
    const waited = await api.request(`/v1/checkouts/${id}?waitFor=AWAITING_PAYMENT&timeout=1`, {
      key: other.key,
    });
    expect(waited.status).toBe(404);

    // By every list filter that could single it out, and in the unfiltered list.
    for (const query of [
      '',
      `?merchantReference=isolation-order-1`,
      `?tradeNo=${tradeNo}`,
      '?state=PENDING',
      '?limit=200',
    ]) {
      const page = await api.request(`/v1/checkouts${query}`, { key: other.key });
      expect(page.status, query).toBe(200);
      expect(JSON.stringify(page.body), query).not.toContain(id);
    }
    // The owner sees it, so the filters above would have found it.
    const own = await api.request(`/v1/checkouts?tradeNo=${tradeNo}`, { key: owner.key });
    expect(own.body.data.map((intent: { id: string }) => intent.id)).toEqual([id]);

    // The events feed: the owner has the intent's PENDING event, the other client nothing of it.
    const ownerEvents = await api.request('/v1/events', { key: owner.key });
    expect(JSON.stringify(ownerEvents.body)).toContain(id);
    const otherEvents = await api.request('/v1/events?limit=1000', { key: other.key });
    expect(otherEvents.status).toBe(200);
    expect(JSON.stringify(otherEvents.body)).not.toContain(id);
  });

  test('neither its merchantReference nor its Idempotency-Key reveals or replays it', async () => {
    const owner = await api.newClient();
    const other = await api.newClient();
    const body = validCheckout({ merchantReference: 'shared-reference' });
    const first = await api.request('/v1/checkouts', { key: owner.key, idempotencyKey: 'shared-key', body });
    expect(first.status).toBe(202);

    // The same key and body from another client is a new intent of its own, not a replay...
    const second = await api.request('/v1/checkouts', { key: other.key, idempotencyKey: 'shared-key', body });
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.id).not.toBe(first.body.id);
    // ...and the same reference is free for it: references are unique per client, no 409 leaks one.
    const batch = await api.request('/v1/checkouts/batch', {
      key: other.key,
      body: {
        items: [
          {
            idempotencyKey: 'shared-key-2',
            checkout: validCheckout({ merchantReference: 'isolation-batch-ref' }),
          },
        ],
      },
    });
    expect(batch.status).toBe(200);
    const again = await api.request('/v1/checkouts', {
      key: owner.key,
      idempotencyKey: 'owner-batch-ref',
      body: validCheckout({ merchantReference: 'isolation-batch-ref' }),
    });
    expect(again.status).toBe(202);
    expect(await api.prisma.checkoutIntent.count({ where: { merchantReference: 'shared-reference' } })).toBe(
      2,
    );
  });
});
