// Header values and long-poll parameters that look like SQL, prototype keys or markup are inert:
// an Idempotency-Key is only ever a key (its own, per client), an X-Request-Id that is not a plain
// token is replaced rather than echoed, odd content types are refused with a problem, and junk
// `waitFor`/`timeout` values are refused (or read as the number they spell), never a 500.
import { expect, test } from '@vexora-checkout/testing';
import { problemSchema } from '../src/openapi/api-response-schemas.js';
import { startTestApi, validCheckout } from './start-test-api.js';

test('SQL-looking and prototype-named Idempotency-Keys are plain keys: each creates once and replays its own intent', async ({
  databaseUrl,
}) => {
  const api = await startTestApi(databaseUrl);
  try {
    const { key, clientId } = await api.newClient();
    const hostile = ["'OR'1'='1'--", '__proto__', 'constructor', 'prototype', '${7*7}', '%00', "');--"];
    const ids = new Map<string, string>();
    for (const idempotencyKey of hostile) {
      const created = await api.request('/v1/checkouts', { key, idempotencyKey, body: validCheckout() });
      expect(created.status, idempotencyKey).toBe(202);
      ids.set(idempotencyKey, created.body.id as string);
    }
    expect(new Set(ids.values()).size).toBe(hostile.length);
    for (const idempotencyKey of hostile) {
      const replay = await api.request('/v1/checkouts', { key, idempotencyKey, body: validCheckout() });
      expect([replay.status, replay.body.id], idempotencyKey).toEqual([202, ids.get(idempotencyKey)]);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
    }
    // Keys the header grammar refuses: spaces, too long, control or non-ASCII bytes.
    for (const idempotencyKey of ['1; DROP TABLE idempotency_key', 'x'.repeat(256), 'caf\u00e9', '\t']) {
      const refused = await api.request('/v1/checkouts', { key, idempotencyKey, body: validCheckout() });
      expect(refused.status, idempotencyKey).toBe(400);
      expect(problemSchema.parse(refused.body).code).toBe('validation_failed');
    }
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(hostile.length);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  } finally {
    await api.close();
  }
});

test('an X-Request-Id that is not a plain token is replaced, never echoed', async ({ databaseUrl }) => {
  const api = await startTestApi(databaseUrl);
  try {
    const { key } = await api.newClient();
    const kept = await api.request('/v1/checkouts', {
      key,
      headers: { 'x-request-id': 'order-1001.retry_2' },
    });
    expect(kept.headers.get('x-request-id')).toBe('order-1001.retry_2');
    for (const value of [
      '<script>alert(1)</script>',
      "' OR 1=1--",
      '../../etc/passwd',
      'a'.repeat(129),
      'a b',
    ]) {
      const answer = await api.request('/v1/checkouts', { key, headers: { 'x-request-id': value } });
      expect(answer.status, value).toBe(200);
      expect(answer.headers.get('x-request-id'), value).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      // The log knows the request by the new id (the header itself is logged as JSON-escaped data).
      const id = answer.headers.get('x-request-id');
      expect(
        api.logs.some((line) => (line.req as { id?: string } | undefined)?.id === id),
        value,
      ).toBe(true);
    }
  } finally {
    await api.close();
  }
});

test('odd content types and charsets are refused with a problem, and nothing is created', async ({
  databaseUrl,
}) => {
  const api = await startTestApi(databaseUrl);
  try {
    const { key, clientId } = await api.newClient();
    const body = JSON.stringify(validCheckout());
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-7',
      'application/json; charset=ebcdic',
      'application/xml',
    ]) {
      const answer = await api.request('/v1/checkouts', {
        key,
        idempotencyKey: `type-${contentType.length}-${contentType.slice(-4)}`,
        body,
        headers: { 'content-type': contentType },
      });
      expect([400, 415], contentType).toContain(answer.status);
      expect(answer.headers.get('content-type'), contentType).toMatch(/^application\/problem\+json/);
      expect(problemSchema.parse(answer.body).status).toBe(answer.status);
    }
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(0);
  } finally {
    await api.close();
  }
});

test('junk waitFor and timeout values on a long-poll are refused with a problem or read as a number, never a 500', async ({
  databaseUrl,
}) => {
  const api = await startTestApi(databaseUrl);
  try {
    const { key } = await api.newClient();
    const created = await api.request('/v1/checkouts', {
      key,
      idempotencyKey: 'poll',
      body: validCheckout(),
    });
    expect(created.status).toBe(202);
    const path = `/v1/checkouts/${created.body.id as string}`;
    const refused = [
      "?waitFor=' OR 1=1--",
      '?waitFor=__proto__',
      '?waitFor=paid',
      '?waitFor[]=PAID',
      '?waitFor=PAID&timeout=NaN',
      '?waitFor=PAID&timeout=Infinity',
      '?waitFor=PAID&timeout=-1',
      '?waitFor=PAID&timeout=31',
      '?waitFor=PAID&timeout=1e9',
      '?waitFor=PAID&timeout=1;SELECT pg_sleep(60)',
      '?waitFor=PAID&timeout[]=1',
      '?__proto__[waitFor]=PAID',
    ];
    for (const query of refused) {
      const answer = await api.request(`${path}${query.replaceAll(' ', '%20')}`, { key });
      expect(answer.status, query).toBe(400);
      expect(problemSchema.parse(answer.body).code, query).toBe('validation_failed');
    }
    // Numbers in other spellings are numbers; the intent (PENDING) is answered as it is.
    for (const query of [
      '?waitFor=PAID&timeout=0',
      '?waitFor=PAID&timeout=0x0',
      '?waitFor=PENDING&timeout=1e1',
    ]) {
      const answer = await api.request(`${path}${query}`, { key });
      expect([answer.status, answer.body.id], query).toEqual([200, created.body.id]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  } finally {
    await api.close();
  }
});
