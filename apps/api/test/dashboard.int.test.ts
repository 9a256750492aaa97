// The operator dashboard through HTTP, against the real api (createApp), PostgreSQL and Redis:
// nothing without a session, sign-in and its throttle, CSRF on every form, the audited resolve,
// the overview's figures against SQL counts of the tables, and the headers of every page.
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { afterAll, describe, expect, test } from '@vexora-checkout/testing';
import { createApiKey } from '../src/auth/manage-api-keys.js';
import {
  createDashboardClient,
  OPERATOR,
  seedActivity,
  startDashboardApi,
  type DashboardApi,
  type PageResponse,
} from './dashboard-harness.js';
import { cspDirectives } from './csp-directives.js';

function expectPageHeaders(page: PageResponse, what: string, options: { bullBoard?: boolean } = {}) {
  expect(page.headers.get('content-type'), what).toMatch(/^text\/html/);
  const policy = cspDirectives(page.headers.get('content-security-policy'));
  expect(policy.get('default-src'), what).toEqual(["'none'"]);
  expect(policy.get('script-src'), what).toEqual(["'self'"]);
  expect(policy.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(policy.get('base-uri'), what).toEqual(options.bullBoard ? ["'self'"] : ["'none'"]);
  if (!options.bullBoard) expect(policy.get('style-src'), what).toEqual(["'self'"]);
  expect([...policy.values()].flat(), what).not.toContain("'unsafe-eval'");
  expect(policy.get('script-src'), what).not.toContain("'unsafe-inline'");
  expect(page.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(page.headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(page.headers.get('x-powered-by'), what).toBeNull();
}

/** The number shown in an element with this data attribute, e.g. data-total="created". */
function shown(page: PageResponse, attribute: string): number {
  const match = new RegExp(`${attribute}>([\\d,]+)<`).exec(page.text);
  if (!match) throw new Error(`no ${attribute} on the page`);
  return Number(match[1]!.replace(/,/g, ''));
}

let api: DashboardApi;
let intentId: string;

test.beforeAll(async ({ databaseUrl, redisUrl }) => {
  api = await startDashboardApi({ databaseUrl, redisUrl, bullmqPrefix: `dash${process.pid}` });
  await seedActivity(api.prisma, { count: 240, minutes: 50, exceptions: 3 });
  const [row] = await api.prisma.$queryRaw<{ id: string }[]>`
    SELECT intent_id::text AS id FROM reconciliation_exception ORDER BY id LIMIT 1`;
  intentId = row!.id;
});
afterAll(async () => {
  await api?.close();
});

describe('without a session', () => {
  test('every page and Bull Board redirect to the sign-in page or answer 401, with no data', async () => {
    const client = createDashboardClient(api.url);
    const tradeNos = await api.prisma.$queryRaw<
      { trade_no: string }[]
    >`SELECT trade_no FROM checkout_intent LIMIT 5`;
    for (const path of [
      '/dashboard',
      '/dashboard/?hours=24',
      '/dashboard/exceptions',
      '/dashboard/stuck',
      `/dashboard/intents/${intentId}`,
      `/dashboard/search?q=${tradeNos[0]!.trade_no}`,
      '/dashboard/queues',
      '/dashboard/queues/',
      '/dashboard/nope',
    ]) {
      const page = await client.get(path);
      expect(page.status, path).toBe(303);
      expect(page.location, path).toBe(`/dashboard/login?next=${encodeURIComponent(path)}`);
      for (const { trade_no } of tradeNos) expect(page.text, path).not.toContain(trade_no);
      expect(page.text, path).not.toContain(intentId);
    }
    const queuesApi = await client.get('/dashboard/queues/api/queues');
    expect(queuesApi.status).toBe(401);
    expect(queuesApi.text).not.toContain('checkout-submit');

    const [open] = await api.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM reconciliation_exception WHERE resolved_at IS NULL LIMIT 1`;
    const post = await client.post(`/dashboard/exceptions/${open!.id}/resolve`, {
      _csrf: 'guess',
      resolution: 'accepted',
    });
    expect(post.status).toBe(401);
    const [after] = await api.prisma.$queryRaw<{ resolved_at: Date | null }[]>`
      SELECT resolved_at FROM reconciliation_exception WHERE id = ${open!.id}::bigint`;
    expect(after!.resolved_at).toBeNull();
  });

  test('a forged or tampered session cookie is refused', async () => {
    const client = createDashboardClient(api.url);
    expect((await client.login()).status).toBe(303);
    const cookie = client.cookies.get('vxd_session')!;
    const [body, mac] = cookie.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, operator: 'mallory' })).toString('base64url');
    client.cookies.set('vxd_session', `${forged}.${mac}`);
    expect((await client.get('/dashboard')).status).toBe(303);
    client.cookies.set('vxd_session', `${body}.${'A'.repeat(mac!.length)}`);
    expect((await client.get('/dashboard')).status).toBe(303);
  });
});

describe('sign-in', () => {
  test('a wrong password is refused and never logged; the right one opens a strict HttpOnly session', async () => {
    const client = createDashboardClient(api.url);
    const wrong = await client.login(OPERATOR.name, 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Wrong name or password');
    expect(client.cookies.has('vxd_session')).toBe(false);
    expect((await client.get('/dashboard')).status).toBe(303);
    const unknown = await client.login('nobody', OPERATOR.password);
    expect(unknown.status).toBe(401);

    const right = await client.login();
    expect(right.status).toBe(303);
    expect(right.location).toBe('/dashboard');
    const cookie = right.headers.getSetCookie().find((line) => line.startsWith('vxd_session='))!;
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\/dashboard/);
    expect(cookie).toMatch(/; Max-Age=\d+/);
    expect(cookie).not.toMatch(/; Secure/i); // plain http here; https requests get Secure
    expect((await client.get('/dashboard')).status).toBe(200);

    const logged = JSON.stringify(api.logs);
    // The session cookie is a bearer credential: never in a log line (request or response headers).
    const session = client.cookies.get('vxd_session')!;
    expect(logged).not.toContain(session.split('.')[1]);
    expect(logged).not.toContain('not the password at all');
    expect(logged).not.toContain(OPERATOR.password);
    expect(logged).toContain('dashboard sign-in refused');
  });

  test('a sign-in without the form token is refused, even with the right password', async () => {
    const client = createDashboardClient(api.url);
    await client.get('/dashboard/login'); // the cookie half, but no token in the form
    const page = await client.post('/dashboard/login', { name: OPERATOR.name, password: OPERATOR.password });
    expect(page.status).toBe(403);
    expect(client.cookies.has('vxd_session')).toBe(false);
  });

  test('repeated failures for one name are throttled: the next try is refused before its password is checked', async () => {
    const client = createDashboardClient(api.url);
    const name = 'target@merchant';
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await client.login(name, `guess ${attempt}`)).status).toBe(401);
    }
    const throttled = await client.login(name, 'guess 6');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('wrong passwords sent all at once for one name: five are checked, the others are throttled', async () => {
    const client = createDashboardClient(api.url);
    const form = await client.get('/dashboard/login');
    const csrf = client.csrfOf(form);
    const name = 'parallel@merchant';
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, attempt) =>
        client.post('/dashboard/login', {
          _csrf: csrf,
          next: '/dashboard',
          name,
          password: `guess ${attempt}`,
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  });

  test('next= only leads inside the dashboard', async () => {
    const client = createDashboardClient(api.url);
    const form = await client.get('/dashboard/login');
    const page = await client.post('/dashboard/login', {
      _csrf: client.csrfOf(form),
      next: '//evil.example/dashboard',
      name: OPERATOR.name,
      password: OPERATOR.password,
    });
    expect(page.status).toBe(303);
    expect(page.location).toBe('/dashboard');
  });
});

describe('signed in', () => {
  test('the overview shows the figures SQL counts in the tables', async () => {
    const client = createDashboardClient(api.url);
    await client.login();
    const page = await client.get('/dashboard?hours=1');
    expect(page.status).toBe(200);
    const [counts] = await api.prisma.$queryRaw<
      { created: number; linked: number; paid: number; partially_paid: number; failed: number }[]
    >`SELECT (SELECT count(*) FROM checkout_intent WHERE created_at >= now() - interval '1 hour')::int AS created,
             count(*) FILTER (WHERE to_state = 'AWAITING_PAYMENT')::int AS linked,
             count(*) FILTER (WHERE to_state = 'PAID')::int AS paid,
             count(*) FILTER (WHERE to_state = 'PARTIALLY_PAID')::int AS partially_paid,
             count(*) FILTER (WHERE to_state = 'FAILED')::int AS failed
      FROM status_history WHERE created_at >= now() - interval '1 hour'`;
    expect(counts!.created).toBe(240);
    expect(shown(page, 'data-total="created"')).toBe(counts!.created);
    expect(shown(page, 'data-total="linked"')).toBe(counts!.linked);
    expect(shown(page, 'data-total="paid"')).toBe(counts!.paid);
    expect(shown(page, 'data-total="partially_paid"')).toBe(counts!.partially_paid);
    expect(shown(page, 'data-total="failed"')).toBe(counts!.failed);

    const [open] = await api.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM reconciliation_exception WHERE resolved_at IS NULL`;
    expect(shown(page, 'data-backlog="open_exceptions"')).toBe(open!.n);

    const amounts = await api.prisma.$queryRaw<{ currency: string; requested: string; paid: string }[]>`
      SELECT currency::text, sum(amount)::text AS requested, coalesce(sum(paid_amount), 0)::text AS paid
      FROM checkout_intent WHERE created_at >= now() - interval '1 hour' GROUP BY currency`;
    expect(amounts).toHaveLength(2);
    for (const row of amounts) {
      const cells = new RegExp(
        `data-currency="${row.currency}">.*?data-field="requested">([^<]+)<.*?data-field="paid">([^<]+)<`,
        's',
      ).exec(page.text);
      expect(cells?.slice(1).map((cell) => cell.replace(/,/g, ''))).toEqual([row.requested, row.paid]);
    }
    // The charts' data: one point per minute of the hour.
    const data = JSON.parse(
      /<script type="application\/json" id="overview-data">(.*?)<\/script>/s.exec(page.text)![1]!,
    );
    expect(data.labels.length).toBeGreaterThanOrEqual(60);
    expect(data.created.reduce((sum: number, value: number) => sum + value, 0)).toBe(counts!.created);
    expect(data.p99.some((value: number | null) => value !== null && value >= 200)).toBe(true);
  });

  test('resolving needs the CSRF token, writes the resolution and an audit row, and refuses a second time', async () => {
    const client = createDashboardClient(api.url);
    await client.login();
    const [open] = await api.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM reconciliation_exception WHERE resolved_at IS NULL ORDER BY id LIMIT 1`;
    const id = open!.id;
    const list = await client.get('/dashboard/exceptions');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`data-exception-id="${id}"`);
    // Evidence is shown, escaped: markup in a claim is text.
    expect(list.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list.text).not.toContain('<script>alert(1)</script>');

    const audits = () =>
      api.prisma.$queryRaw<
        { operator: string; action: string; target: string; details: any; source_ip: string }[]
      >`
        SELECT operator, action, target, details, source_ip FROM operator_audit_log
        WHERE target = ${`reconciliation_exception:${id}`}`;
    const path = `/dashboard/exceptions/${id}/resolve`;
    for (const token of [undefined, 'forged', `${client.csrfOf(list)}x`]) {
      const refused = await client.post(path, {
        ...(token === undefined ? {} : { _csrf: token }),
        resolution: 'refunded',
        note: 'x',
      });
      expect(refused.status).toBe(403);
    }
    expect(await audits()).toEqual([]);

    const invalid = await client.post(path, { _csrf: client.csrfOf(list), resolution: 'deleted' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('must be one of');

    const done = await client.post(path, {
      _csrf: client.csrfOf(list),
      resolution: 'refunded',
      note: 'Refunded through Vexora ops, ticket <42>',
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/dashboard/exceptions?resolved=${id}`);
    const [row] = await api.prisma.$queryRaw<
      { resolution: string; resolution_note: string; resolved_by: string; resolved_at: Date | null }[]
    >`SELECT resolution, resolution_note, resolved_by, resolved_at FROM reconciliation_exception WHERE id = ${id}::bigint`;
    expect(row).toMatchObject({
      resolution: 'refunded',
      resolution_note: 'Refunded through Vexora ops, ticket <42>',
      resolved_by: OPERATOR.name,
    });
    expect(row!.resolved_at).toBeInstanceOf(Date);
    expect(await audits()).toEqual([
      {
        operator: OPERATOR.name,
        action: 'exception.resolve',
        target: `reconciliation_exception:${id}`,
        details: expect.objectContaining({
          resolution: 'refunded',
          note: 'Refunded through Vexora ops, ticket <42>',
        }),
        source_ip: expect.stringMatching(/127\.0\.0\.1/),
      },
    ]);
    const after = await client.get(done.location!);
    expect(after.text).toContain(`Exception #${id} resolved`);
    expect(after.text).not.toContain(`data-exception-id="${id}"`);
    expect(after.text).toContain('ticket &lt;42&gt;');

    const again = await client.post(path, { _csrf: client.csrfOf(after), resolution: 'accepted' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('already resolved');
    expect(await audits()).toHaveLength(1);
    const missing = await client.post('/dashboard/exceptions/999999999/resolve', {
      _csrf: client.csrfOf(after),
      resolution: 'accepted',
    });
    expect(missing.status).toBe(404);

    // The audit log is append-only, whoever asks.
    await expect(
      api.prisma.$executeRaw`UPDATE operator_audit_log SET operator = 'someone else'`,
    ).rejects.toThrow(/append-only/);
    await expect(api.prisma.$executeRaw`DELETE FROM operator_audit_log`).rejects.toThrow(/append-only/);
  });

  test('two operators resolving one exception at once: one wins, the other is told, one audit row', async () => {
    const [first, second] = [createDashboardClient(api.url), createDashboardClient(api.url)];
    await first.login();
    await second.login();
    const [open] = await api.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM reconciliation_exception WHERE resolved_at IS NULL ORDER BY id LIMIT 1`;
    const [pageA, pageB] = await Promise.all([
      first.get('/dashboard/exceptions'),
      second.get('/dashboard/exceptions'),
    ]);
    const path = `/dashboard/exceptions/${open!.id}/resolve`;
    const answers = await Promise.all([
      first.post(path, { _csrf: first.csrfOf(pageA), resolution: 'accepted' }),
      second.post(path, { _csrf: second.csrfOf(pageB), resolution: 'written_off' }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 409]);
    const [audit] = await api.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM operator_audit_log WHERE target = ${`reconciliation_exception:${open!.id}`}`;
    expect(audit!.n).toBe(1);
  });

  test('unreadable requests get a 4xx page, not a 500: an exception number beyond bigint, a form with too many fields', async () => {
    const client = createDashboardClient(api.url);
    await client.login();
    const csrf = client.csrfOf(await client.get('/dashboard/exceptions'));
    const beyond = await client.post('/dashboard/exceptions/9999999999999999999/resolve', {
      _csrf: csrf,
      resolution: 'accepted',
    });
    expect(beyond.status).toBe(404);
    expect(beyond.text).toContain('No exception #9999999999999999999.');

    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`f${index}`, 'x']));
    const crowded = await client.post('/dashboard/login', fields);
    expect(crowded.status).toBe(413);
    expect(crowded.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  test('the stuck, timeline and search pages show their rows', async () => {
    const client = createDashboardClient(api.url);
    await client.login();
    const stuck = await client.get('/dashboard/stuck');
    expect(stuck.status).toBe(200);
    expect(stuck.text).toContain('stuck_intents_by_state');

    const timeline = await client.get(`/dashboard/intents/${intentId}`);
    expect(timeline.status).toBe(200);
    for (const text of [
      'AWAITING_PAYMENT',
      'gateway.accepted',
      'gateway.paid',
      'amount_mismatch',
      '&lt;script&gt;',
    ]) {
      expect(timeline.text).toContain(text);
    }
    expect(timeline.text).not.toContain('sok@example.com'); // payer data stays out
    expect((await client.get('/dashboard/intents/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await client.get('/dashboard/intents/not-a-uuid')).status).toBe(404);

    const [intent] = await api.prisma.$queryRaw<{ trade_no: string; merchant_reference: string }[]>`
      SELECT trade_no, merchant_reference FROM checkout_intent WHERE id = ${intentId}::uuid`;
    for (const query of [intentId, intent!.trade_no, intent!.merchant_reference]) {
      const found = await client.get(`/dashboard/search?q=${encodeURIComponent(query)}`);
      expect(found.status, query).toBe(303);
      expect(found.location, query).toBe(`/dashboard/intents/${intentId}`);
    }
    const none = await client.get(`/dashboard/search?q=${encodeURIComponent('<b>nothing</b>')}`);
    expect(none.status).toBe(200);
    expect(none.text).toContain('&lt;b&gt;nothing&lt;/b&gt;');
  });

  test('every HTML page sends the security headers; sign-out needs the CSRF token and clears the session cookie (the cookie itself stays valid until it expires: sessions are stateless)', async () => {
    const client = createDashboardClient(api.url);
    const login = await client.get('/dashboard/login');
    expectPageHeaders(login, '/dashboard/login');
    await client.login();
    for (const path of [
      '/dashboard',
      '/dashboard/exceptions',
      '/dashboard/stuck',
      `/dashboard/intents/${intentId}`,
      '/dashboard/search?q=nothing',
      '/dashboard/nope',
    ]) {
      expectPageHeaders(await client.get(path), path);
    }
    expectPageHeaders(await client.get('/dashboard/queues'), '/dashboard/queues', { bullBoard: true });

    const page = await client.get('/dashboard');
    expect((await client.post('/dashboard/logout', {})).status).toBe(403);
    const out = await client.post('/dashboard/logout', { _csrf: client.csrfOf(page) });
    expect(out.status).toBe(303);
    expect((await client.get('/dashboard')).status).toBe(303);
  });

  test('Bull Board shows the worker queues under the prefix, read-only', async () => {
    const client = createDashboardClient(api.url);
    await client.login();
    const board = await client.get('/dashboard/queues');
    expect(board.status).toBe(200);
    expect(board.text).toContain('<base href="/dashboard/queues/"');
    const queues = await client.get('/dashboard/queues/api/queues');
    expect(queues.status).toBe(200);
    const names = (JSON.parse(queues.text) as { queues: { name: string; readOnlyMode: boolean }[] }).queues;
    expect(names.map((queue) => queue.name).sort()).toEqual([
      'checkout-submit',
      'notification-reconcile',
      'sweeps',
    ]);
    expect(names.every((queue) => queue.readOnlyMode)).toBe(true);
    const write = await client.post('/dashboard/queues/api/queues/sweeps/clean/failed', {});
    expect(write.status).toBe(405);
  });
});

test('without operators, /dashboard answers 404 with a page saying how to enable it', async ({
  databaseUrl,
  redisUrl,
}) => {
  const off = await startDashboardApi({ databaseUrl, redisUrl, enabled: false });
  try {
    const client = createDashboardClient(off.url);
    for (const path of ['/dashboard', '/dashboard/login', '/dashboard/queues']) {
      const page = await client.get(path);
      expect(page.status, path).toBe(404);
      expect(page.text).toContain('DASHBOARD_OPERATORS');
      expectPageHeaders(page, path);
    }
  } finally {
    await off.close();
  }
});

test('with Redis unreachable, Bull Board fails on its own page and checkouts are still created', async ({
  databaseUrl,
}) => {
  const deadRedis = 'redis://127.0.0.1:1'; // nothing listens on port 1
  const lonely = await startDashboardApi({ databaseUrl, redisUrl: deadRedis });
  try {
    const client = createDashboardClient(lonely.url);
    await client.login();
    const queues = await client.get('/dashboard/queues/api/queues');
    expect(queues.status).toBe(503);
    const page = await client.get('/dashboard/queues');
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('Redis does not answer');
    expect((await client.get('/dashboard')).status).toBe(200);

    const ids = DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id);
    const { key } = await createApiKey(lonely.prisma, {
      name: 'redis-down',
      clientId: 'redis-down',
      accountIds: ids,
      knownAccountIds: ids,
    });
    const created = await fetch(`${lonely.url}/v1/checkouts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'idempotency-key': 'redis-down-1',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        amount: '12.50',
        currency: 'USD',
        payer: { firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 'sok@example.com' },
      }),
    });
    expect(created.status).toBe(202);
  } finally {
    await lonely.close();
  }
});
