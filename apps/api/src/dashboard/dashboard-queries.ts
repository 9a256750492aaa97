import type { PrismaClient } from '@vexora-checkout/db';

// Every read of the dashboard goes through the views and functions of docs/data-model.md (the
// ones external dashboards use), except the one intent's timeline, which reads its rows by key.
// Counts come back as int (never near 2^31 per minute or page), money as text: no float here.

export interface MinuteActivity {
  minute: Date;
  created: number;
  linked: number;
  paid: number;
  partially_paid: number;
  failed: number;
  rejected: number;
  submit_failed: number;
  expired: number;
}

export interface MinuteTimeToLink {
  minute: Date;
  linked: number;
  p50_ms: number;
  p99_ms: number;
}

export interface CurrencyTotals {
  currency: string;
  intents: string;
  requested: string;
  paid: string;
}

export interface Backlog {
  open_exceptions: number;
  stuck_intents: number;
  unprocessed_notifications: number;
}

export async function readOverview(prisma: PrismaClient, hours: number) {
  // One transaction (REPEATABLE READ): every figure of the page is of the same instant and now().
  return prisma.$transaction(
    async (tx) => {
      const activity = await tx.$queryRaw<MinuteActivity[]>`
        SELECT minute, created::int, linked::int, paid::int, partially_paid::int, failed::int,
               rejected::int, submit_failed::int, expired::int
        FROM intent_activity_per_minute(now() - make_interval(hours => ${hours}::int), now())
        ORDER BY minute`;
      const timeToLink = await tx.$queryRaw<MinuteTimeToLink[]>`
        SELECT minute, linked::int, p50_ms::int, p99_ms::int
        FROM time_to_link_per_minute(now() - make_interval(hours => ${hours}::int), now())
        ORDER BY minute`;
      const currencies = await tx.$queryRaw<CurrencyTotals[]>`
        SELECT currency::text, sum(intents)::text AS intents,
               sum(requested_amount)::text AS requested, sum(paid_amount)::text AS paid
        FROM intent_daily_totals(now() - make_interval(hours => ${hours}::int), now(), 'UTC')
        GROUP BY currency ORDER BY currency`;
      const [backlog] = await tx.$queryRaw<Backlog[]>`
        SELECT (SELECT count(*) FROM open_reconciliation_exceptions)::int AS open_exceptions,
               (SELECT coalesce(sum(intents), 0) FROM stuck_intents_by_state)::int AS stuck_intents,
               (SELECT count(*) FROM unprocessed_notifications)::int AS unprocessed_notifications`;
      return { activity, timeToLink, currencies, backlog: backlog! };
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

export interface OpenException {
  id: string;
  kind: string;
  created_at: Date;
  intent_id: string | null;
  client_id: string | null;
  merchant_reference: string | null;
  intent_state: string | null;
  trade_no: string | null;
  account_id: string | null;
  currency: string | null;
  expected_amount: string | null;
  reported_amount: string | null;
  gateway_status: string | null;
  notification_id: string | null;
  evidence: unknown;
}

export const readOpenExceptions = (prisma: PrismaClient, limit = 200): Promise<OpenException[]> =>
  prisma.$queryRaw<OpenException[]>`
    SELECT id::text, kind, created_at, intent_id::text, client_id, merchant_reference,
           intent_state::text, trade_no, account_id, currency::text, expected_amount::text,
           reported_amount::text, gateway_status, notification_id::text, evidence
    FROM open_reconciliation_exceptions
    ORDER BY created_at, id
    LIMIT ${limit}`;

export interface ResolvedException {
  id: string;
  kind: string;
  intent_id: string | null;
  resolution: string;
  resolution_note: string | null;
  resolved_by: string;
  resolved_at: Date;
}

export const readRecentlyResolved = (prisma: PrismaClient, limit = 20): Promise<ResolvedException[]> =>
  prisma.$queryRaw<ResolvedException[]>`
    SELECT id::text, kind, intent_id::text, resolution, resolution_note, resolved_by, resolved_at
    FROM reconciliation_exception
    WHERE resolved_at IS NOT NULL
    ORDER BY resolved_at DESC, id DESC
    LIMIT ${limit}`;

export interface StuckByState {
  state: string;
  threshold: string;
  intents: number;
  oldest_since: Date;
}

export interface StuckIntent {
  intent_id: string;
  client_id: string;
  account_id: string;
  merchant_reference: string | null;
  trade_no: string;
  state: string;
  state_changed_at: Date;
  threshold: string;
  attempt_count: number;
  last_error_code: string | null;
  created_at: Date;
}

export async function readStuckIntents(prisma: PrismaClient, limit = 200) {
  const byState = await prisma.$queryRaw<StuckByState[]>`
    SELECT state::text, threshold::text, intents::int, oldest_since
    FROM stuck_intents_by_state ORDER BY state`;
  const intents = await prisma.$queryRaw<StuckIntent[]>`
    SELECT intent_id::text, client_id, account_id, merchant_reference, trade_no, state::text,
           state_changed_at, threshold::text, attempt_count, last_error_code, created_at
    FROM stuck_intents ORDER BY state_changed_at LIMIT ${limit}`;
  return { byState, intents };
}
