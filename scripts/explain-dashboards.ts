// Prints the query plans of the dashboard views and queries (docs/data-model.md) at a realistic
// size: creates a scratch database on the development server, migrates it, fills it with
// generated intents (10 million by default), runs EXPLAIN (ANALYZE, BUFFERS) on each query, and
// drops the database.
//
//   npx tsx scripts/explain-dashboards.ts [--intents 10000000] [--keep]
//
// DATABASE_URL names the server (its database part is ignored); default the development one.
// The data: intents over the last 90 days on two merchant accounts (USD, KHR), mostly PAID, with
// every other state present; reconciliation exceptions, 10 % of them open; notifications, 0.1 %
// of them unprocessed.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runMigrations } from './run-migrations.js';

const { values } = parseArgs({
  options: {
    intents: { type: 'string', default: '10000000' },
    keep: { type: 'boolean', default: false },
  },
});
const intents = Number(values.intents);
if (!Number.isInteger(intents) || intents < 1_000) throw new Error('--intents must be an integer >= 1000');

const serverUrl = new URL(
  process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:54329/vexora_checkout',
);
const name = `explain_dashboards_${Date.now()}`;
const adminUrl = new URL(serverUrl);
adminUrl.pathname = '/postgres';
const databaseUrl = new URL(serverUrl);
databaseUrl.pathname = `/${name}`;

const QUERIES: { title: string; sql: string }[] = [
  {
    title: 'Daily totals for one Phnom Penh day (intent_daily_totals)',
    sql: `SELECT * FROM intent_daily_totals(
            (date_trunc('day', now() AT TIME ZONE 'Asia/Phnom_Penh') - interval '1 day') AT TIME ZONE 'Asia/Phnom_Penh',
            date_trunc('day', now() AT TIME ZONE 'Asia/Phnom_Penh') AT TIME ZONE 'Asia/Phnom_Penh')`,
  },
  {
    title: 'Paid vs requested per account and currency, last 7 days (intent_daily_totals)',
    sql: `SELECT account_id, currency, sum(requested_amount) AS requested, sum(paid_amount) AS paid,
                 sum(intents) FILTER (WHERE state = 'PAID') AS paid_intents, sum(intents) AS intents
          FROM intent_daily_totals(now() - interval '7 days', now())
          GROUP BY account_id, currency`,
  },
  {
    title: 'Open exceptions by kind (open_reconciliation_exceptions)',
    sql: `SELECT kind, count(*), max(age) FROM open_reconciliation_exceptions GROUP BY kind`,
  },
  {
    title: 'Oldest 50 open exceptions (open_reconciliation_exceptions)',
    sql: `SELECT * FROM open_reconciliation_exceptions ORDER BY created_at LIMIT 50`,
  },
  {
    title: 'Stuck intents per state (stuck_intents_by_state)',
    sql: `SELECT * FROM stuck_intents_by_state`,
  },
  {
    title: 'Partial payments in the last 7 days (intent_partial_payments)',
    sql: `SELECT currency, count(*), sum(outstanding_amount) FROM intent_partial_payments
          WHERE paid_at >= now() - interval '7 days' GROUP BY currency`,
  },
  {
    title: 'Unprocessed notifications (unprocessed_notifications)',
    sql: `SELECT count(*), max(age) FROM unprocessed_notifications`,
  },
  {
    title: 'Matching a notification by platform trade number (reconcile job)',
    sql: `SELECT id FROM checkout_intent WHERE platform_trade_no = 'P000000004242' LIMIT 1`,
  },
];

async function withClient<T>(url: URL, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const seconds = (since: number) => `${((Date.now() - since) / 1_000).toFixed(1)} s`;

async function fill(client: pg.Client): Promise<void> {
  await client.query(`SET synchronous_commit = off; SET maintenance_work_mem = '512MB'`);
  let started = Date.now();
  const chunk = 1_000_000;
  for (let from = 1; from <= intents; from += chunk) {
    const to = Math.min(intents, from + chunk - 1);
    // State by the row number's residue: 80 % PAID, then every other state; amounts and days
    // spread the same way. created_at covers the last 90 days, newest last (as the api inserts).
    await client.query(
      `INSERT INTO checkout_intent (
         id, seq, client_id, account_id, merchant_no, merchant_reference, state, trade_no,
         amount, paid_amount, currency, channel_code, way_code, payer_first_name, payer_last_name,
         payer_mobile, payer_email, platform_trade_no, gateway_status, state_changed_at, created_at, updated_at)
       SELECT gen_random_uuid(), g, 'client-' || (g % 5), a.account_id, a.merchant_no, 'ref-' || g, s.state,
              'T' || lpad(g::text, 14, '0') || '00',
              a.amount, CASE s.state WHEN 'PAID' THEN a.amount WHEN 'PARTIALLY_PAID' THEN a.amount / 2 END,
              a.currency::currency, 'KHQR', 'KHQR', 'Sok', 'Dara', '12345678', 'sok@example.com',
              CASE WHEN s.state NOT IN ('PENDING', 'REJECTED') THEN 'P' || lpad(g::text, 12, '0') END,
              CASE s.state WHEN 'PAID' THEN '0000' WHEN 'PARTIALLY_PAID' THEN '0001' WHEN 'FAILED' THEN '00029' END,
              t.created_at + s.after, t.created_at, t.created_at + s.after
       FROM generate_series($1::bigint, $2::bigint) AS g
       CROSS JOIN LATERAL (
         SELECT now() - interval '90 days' + (g::float8 / $3) * interval '90 days' AS created_at
       ) t
       CROSS JOIN LATERAL (
         SELECT CASE WHEN g % 2 = 0 THEN 'sandbox-usd' ELSE 'sandbox-khr' END AS account_id,
                CASE WHEN g % 2 = 0 THEN 'SANDBOX0001' ELSE 'SANDBOX0002' END AS merchant_no,
                CASE WHEN g % 2 = 0 THEN 'USD' ELSE 'KHR' END AS currency,
                CASE WHEN g % 2 = 0 THEN (1 + g % 500)::numeric + 0.50 ELSE (4000 * (1 + g % 250))::numeric END AS amount
       ) a
       CROSS JOIN LATERAL (
         SELECT (CASE
                   WHEN g % 100 < 80 THEN 'PAID'
                   WHEN g % 100 < 84 THEN 'PARTIALLY_PAID'
                   WHEN g % 100 < 89 THEN 'FAILED'
                   WHEN g % 100 < 94 THEN 'EXPIRED'
                   WHEN g % 100 < 96 THEN 'AWAITING_PAYMENT'
                   WHEN g % 100 < 97 THEN 'REJECTED'
                   WHEN g % 1000 < 975 THEN 'PENDING'
                   WHEN g % 1000 < 985 THEN 'UNKNOWN'
                   WHEN g % 1000 < 995 THEN 'SUBMITTING'
                   ELSE 'SUBMIT_FAILED'
                 END)::intent_state AS state,
                ((g % 600) * interval '1 minute') AS after
       ) s`,
      [from, to, intents],
    );
    process.stdout.write(`  intents ${to.toLocaleString('en')} (${seconds(started)})\n`);
  }
  await client.query(`SELECT setval(pg_get_serial_sequence('checkout_intent', 'seq'), $1)`, [intents]);

  started = Date.now();
  const exceptions = Math.max(100, Math.floor(intents / 500));
  await client.query(
    `INSERT INTO reconciliation_exception (kind, intent_id, trade_no, account_id, gateway_status, dedupe_key,
                                           created_at, resolved_at, resolution)
     SELECT (ARRAY['amount_mismatch','unconfirmed_claim','late_payment_after_expired','unknown_trade_no',
                   'invalid_signature'])[1 + g % 5],
            ci.id, ci.trade_no, ci.account_id, '0000', 'seed:' || g,
            ci.created_at + interval '1 hour',
            CASE WHEN g % 10 <> 0 THEN ci.created_at + interval '1 day' END,
            CASE WHEN g % 10 <> 0 THEN 'false_alarm' END
     FROM generate_series(1, $1::int) AS g
     JOIN checkout_intent ci ON ci.seq = (g::bigint * 487) % $2 + 1`,
    [exceptions, intents],
  );
  const notifications = Math.floor(intents / 10);
  await client.query(
    `INSERT INTO gateway_notification (received_at, raw_body, trade_no, platform_trade_no, status, amount,
                                       signature, dedupe_key, processed_at, outcome, attempts)
     SELECT now() - (g::float8 / $1) * interval '90 days', '{}', 'T' || lpad(g::text, 14, '0') || '00',
            'P' || lpad(g::text, 12, '0'), '0000', 1.50, 'absent', md5(g::text) || md5(g::text),
            CASE WHEN g % 1000 <> 0 THEN now() END, CASE WHEN g % 1000 <> 0 THEN 'applied' END, 1
     FROM generate_series(1, $1::int) AS g`,
    [notifications],
  );
  process.stdout.write(
    `  ${exceptions.toLocaleString('en')} exceptions, ${notifications.toLocaleString('en')} notifications (${seconds(started)})\n`,
  );
  started = Date.now();
  await client.query('VACUUM ANALYZE checkout_intent');
  await client.query('VACUUM ANALYZE reconciliation_exception');
  await client.query('VACUUM ANALYZE gateway_notification');
  process.stdout.write(`  vacuum analyze (${seconds(started)})\n`);
}

async function main(): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  try {
    process.stdout.write(`database ${name}: migrating, then ${intents.toLocaleString('en')} intents\n`);
    await runMigrations(databaseUrl.toString());
    await withClient(databaseUrl, async (client) => {
      await fill(client);
      const size = await client.query<{ table: string; index: string }>(
        `SELECT pg_size_pretty(pg_table_size('checkout_intent')) AS table,
                pg_size_pretty(pg_indexes_size('checkout_intent')) AS index`,
      );
      process.stdout.write(`checkout_intent: table ${size.rows[0]?.table}, indexes ${size.rows[0]?.index}\n`);
      for (const query of QUERIES) {
        // Twice: the first run warms the cache, the second is the one shown.
        await client.query(`EXPLAIN (ANALYZE) ${query.sql}`);
        const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`);
        process.stdout.write(`\n### ${query.title}\n\n${query.sql.replace(/\n\s+/g, '\n  ')}\n\n`);
        process.stdout.write(`${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}\n`);
      }
    });
  } finally {
    if (values.keep) process.stdout.write(`\nkept ${databaseUrl.toString()}\n`);
    else await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

await main();
