// Support of the dashboard tests (dashboard*.int.test.ts): the real api (createApp) with its
// dashboard on a free port, a cookie-keeping HTTP client that signs in like a browser form, and
// a seed of intents with their state changes, as the worker would have written them.
import type { PrismaClient } from '@vexora-checkout/db';
import { createDashboard } from '../src/dashboard/create-dashboard.js';
import { parseDashboardSettings } from '../src/dashboard/dashboard-settings.js';
import { hashOperatorPassword } from '../src/dashboard/operator-password.js';
import { startTestApi } from './start-test-api.js';

export const OPERATOR = { name: 'ops@merchant', password: 'correct horse battery staple' };

export interface DashboardApi {
  url: string;
  prisma: PrismaClient;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

let operatorsEntry: Promise<string> | undefined;

/** The api with its dashboard (one operator, OPERATOR) or, with `enabled: false`, without. */
export async function startDashboardApi(options: {
  databaseUrl: string;
  redisUrl: string;
  bullmqPrefix?: string;
  queueNames?: readonly string[];
  enabled?: boolean;
}): Promise<DashboardApi> {
  operatorsEntry ??= hashOperatorPassword(OPERATOR.password).then((hash) => `${OPERATOR.name}:${hash}`);
  const parsed = parseDashboardSettings({
    DASHBOARD_OPERATORS: await operatorsEntry,
    DASHBOARD_SESSION_SECRET: 'a test secret of at least thirty-two characters',
    ...(options.bullmqPrefix ? { BULLMQ_PREFIX: options.bullmqPrefix } : {}),
  });
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  const api = await startTestApi(options.databaseUrl, {
    ...(options.enabled !== false && {
      dashboard: ({ prisma, logger }) =>
        createDashboard({
          prisma,
          logger,
          settings: parsed.settings,
          redisUrl: options.redisUrl,
          ...(options.queueNames ? { queueNames: options.queueNames } : {}),
        }),
    }),
  });
  return { url: api.url, prisma: api.prisma, logs: api.logs, close: () => api.close() };
}

export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** A client that keeps the dashboard's cookies, follows no redirect, and posts forms. */
export function createDashboardClient(baseUrl: string) {
  const cookies = new Map<string, string>();
  const remember = (headers: Headers) => {
    for (const line of headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  };
  const request = async (path: string, init: RequestInit = {}): Promise<PageResponse> => {
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string> | undefined),
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
    });
    remember(response.headers);
    return {
      status: response.status,
      headers: response.headers,
      text: await response.text(),
      location: response.headers.get('location'),
    };
  };
  const client = {
    cookies,
    get: (path: string) => request(path),
    post: (path: string, form: Record<string, string>) =>
      request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
    /** The CSRF token of the last page's forms. */
    csrfOf: (page: PageResponse) => /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '',
    async login(name = OPERATOR.name, password = OPERATOR.password): Promise<PageResponse> {
      const form = await client.get('/dashboard/login');
      return client.post('/dashboard/login', {
        _csrf: client.csrfOf(form),
        next: '/dashboard',
        name,
        password,
      });
    },
  };
  return client;
}

/**
 * `count` intents created over the last `minutes` minutes (the newest 15 s ago), half USD, half
 * KHR, with the status_history rows the api and the worker write: created, submitting, linked
 * 0.2-4.2 s after creation, then paid (most), partially paid (1 in 20), failed (1 in 20) or still
 * awaiting payment (1 in 20) a few seconds later; a checkout call per intent and a notification
 * per settled one. Plus `exceptions` open amount mismatches on paid ones, whose evidence holds
 * markup (the page must escape it).
 */
export async function seedActivity(
  prisma: PrismaClient,
  options: { count: number; minutes: number; exceptions?: number; clientId?: string },
): Promise<void> {
  const run = `${process.pid}${Date.now()}`;
  const clientId = options.clientId ?? 'dashboard-test';
  await prisma.$executeRaw`
    WITH rows AS (
      SELECT g,
             date_trunc('milliseconds', now() - interval '15 seconds' - make_interval(secs => ${options.minutes} * 60.0 * (g - 1) / ${options.count})) AS created_at,
             (CASE WHEN g % 20 = 0 THEN 'FAILED' WHEN g % 20 = 1 THEN 'PARTIALLY_PAID'
                   WHEN g % 20 = 2 THEN 'AWAITING_PAYMENT' ELSE 'PAID' END)::intent_state AS final_state,
             (CASE WHEN g % 2 = 0 THEN 'USD' ELSE 'KHR' END)::currency AS currency,
             make_interval(secs => (200 + (g * 7919) % 4000) / 1000.0) AS link_after,
             make_interval(secs => 2 + g % 5) AS settle_after,
             'S' || ${run} || lpad(g::text, 6, '0') AS trade_no
      FROM generate_series(1, ${options.count}::int) AS g
    ),
    intents AS (
      INSERT INTO checkout_intent (client_id, account_id, merchant_no, merchant_reference, state,
        state_changed_at, trade_no, amount, currency, paid_amount, channel_code, way_code,
        platform_trade_no, gateway_status, payer_first_name, payer_last_name, payer_mobile,
        payer_email, attempt_count, created_at, updated_at)
      SELECT ${clientId}, CASE WHEN currency = 'USD' THEN 'sandbox-usd' ELSE 'sandbox-khr' END,
             CASE WHEN currency = 'USD' THEN 'SANDBOX0001' ELSE 'SANDBOX0002' END,
             'order-' || ${run} || '-' || g, final_state,
             created_at + link_after + CASE WHEN final_state = 'AWAITING_PAYMENT' THEN interval '0' ELSE settle_after END,
             trade_no,
             CASE WHEN currency = 'USD' THEN ((g * 37) % 9000 + 100) / 100.0 ELSE ((g * 37) % 400 + 10) * 1000 END,
             currency,
             CASE final_state
               WHEN 'PAID' THEN CASE WHEN currency = 'USD' THEN ((g * 37) % 9000 + 100) / 100.0 ELSE ((g * 37) % 400 + 10) * 1000 END
               WHEN 'PARTIALLY_PAID' THEN CASE WHEN currency = 'USD' THEN 1.00 ELSE 1000 END
             END,
             'KHQR', 'KHQR', 'P' || ${run} || lpad(g::text, 6, '0'),
             CASE final_state WHEN 'PAID' THEN '0000' WHEN 'PARTIALLY_PAID' THEN '0001' WHEN 'FAILED' THEN '00029' ELSE '0015' END,
             'Sok', 'Dara', '12345678', 'sok@example.com', 1, created_at, created_at
      FROM rows
      RETURNING id, client_id, created_at, trade_no, state
    ),
    changes AS (
      SELECT i.id, i.client_id, NULL::intent_state AS from_state, 'PENDING'::intent_state AS to_state,
             'api' AS actor, 'checkout.created' AS reason, i.created_at AS at
      FROM intents i
      UNION ALL
      SELECT i.id, i.client_id, 'PENDING', 'SUBMITTING', 'worker', 'submit.started', i.created_at + interval '50 milliseconds'
      FROM intents i
      UNION ALL
      SELECT i.id, i.client_id, 'SUBMITTING', 'AWAITING_PAYMENT', 'worker', 'gateway.accepted', i.created_at + r.link_after
      FROM intents i JOIN rows r ON r.trade_no = i.trade_no
      UNION ALL
      SELECT i.id, i.client_id, 'AWAITING_PAYMENT', i.state, 'reconcile',
             CASE i.state WHEN 'PAID' THEN 'gateway.paid' WHEN 'PARTIALLY_PAID' THEN 'gateway.partially_paid' ELSE 'gateway.failed' END,
             i.created_at + r.link_after + r.settle_after
      FROM intents i JOIN rows r ON r.trade_no = i.trade_no
      WHERE i.state <> 'AWAITING_PAYMENT'
    )
    INSERT INTO status_history (intent_id, client_id, from_state, to_state, actor, reason, created_at)
    SELECT id, client_id, from_state, to_state, actor, reason, at FROM changes`;
  // One accepted checkout call per intent, and one valid notification per settled intent.
  await prisma.$executeRaw`
    INSERT INTO submission_attempt (intent_id, generation, trade_no, kind, outcome, http_status,
      business_code, gateway_status, message, latency_ms, request_body, response_body, created_at)
    SELECT ci.id, 0, ci.trade_no, 'checkout', 'accepted', 200, '0000', '0015', 'success',
           20 + (ci.seq % 180)::int, '{"redacted":true}', '{"code":"0000"}',
           ci.created_at + interval '100 milliseconds'
    FROM checkout_intent ci WHERE ci.trade_no LIKE ${`S${run}%`}`;
  await prisma.$executeRaw`
    INSERT INTO gateway_notification (received_at, raw_body, content_type, source_ip, trade_no,
      platform_trade_no, status, amount, signature, account_id, dedupe_key, intent_id,
      processed_at, outcome, attempts)
    SELECT ci.state_changed_at - interval '200 milliseconds', '{"redacted":true}', 'application/json',
           '127.0.0.1', ci.trade_no, ci.platform_trade_no, ci.gateway_status,
           coalesce(ci.paid_amount, ci.amount), 'valid', ci.account_id,
           encode(sha256(convert_to(ci.trade_no || ci.gateway_status, 'UTF8')), 'hex'), ci.id,
           ci.state_changed_at, 'applied', 1
    FROM checkout_intent ci
    WHERE ci.trade_no LIKE ${`S${run}%`} AND ci.state IN ('PAID', 'PARTIALLY_PAID', 'FAILED')`;
  if (options.exceptions) {
    await prisma.$executeRaw`
      INSERT INTO reconciliation_exception (kind, intent_id, trade_no, account_id, expected_amount,
        reported_amount, currency, gateway_status, evidence, dedupe_key, created_at)
      SELECT 'amount_mismatch', ci.id, ci.trade_no, ci.account_id, ci.amount, ci.amount + 1, ci.currency, '0000',
             jsonb_build_object('claim', jsonb_build_object('tradeNo', ci.trade_no, 'status', '0000',
               'amount', (ci.amount + 1)::text, 'remark', '<script>alert(1)</script>'),
               'query', jsonb_build_object('status', '0000', 'amount', (ci.amount + 1)::text),
               'intent', jsonb_build_object('state', ci.state, 'tradeNo', ci.trade_no)),
             'seed:' || ${run} || ':' || ci.id, ci.state_changed_at
      FROM checkout_intent ci
      WHERE ci.client_id = ${clientId} AND ci.state = 'PAID' AND ci.trade_no LIKE ${`S${run}%`}
      ORDER BY ci.created_at
      LIMIT ${options.exceptions}`;
  }
}
