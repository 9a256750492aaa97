import type { PrismaClient } from '@vexora-checkout/db';

// One intent's story, read by key from the tables (docs/data-model.md, "One intent's story").
// Payer data (name, mobile, email) and the raw request/response bodies are left out: the page
// is for reconciling money, and none of it is needed for that.

export interface IntentSummary {
  id: string;
  client_id: string;
  account_id: string;
  merchant_no: string;
  merchant_reference: string | null;
  state: string;
  state_changed_at: Date;
  trade_no: string;
  submission_generation: number;
  amount: string;
  currency: string;
  paid_amount: string | null;
  channel_code: string | null;
  platform_trade_no: string | null;
  payment_link: string | null;
  gateway_status: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  attempt_count: number;
  created_at: Date;
  updated_at: Date;
}

export interface TimelineEntry {
  at: Date;
  source: 'status' | 'attempt' | 'notification' | 'exception' | 'superseded';
  summary: string;
  details?: unknown;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function readIntentTimeline(prisma: PrismaClient, id: string) {
  if (!UUID_PATTERN.test(id)) return undefined;
  const [intent] = await prisma.$queryRaw<IntentSummary[]>`
    SELECT id::text, client_id, account_id, merchant_no, merchant_reference, state::text,
           state_changed_at, trade_no, submission_generation, amount::text, currency::text,
           paid_amount::text, channel_code, platform_trade_no, payment_link, gateway_status,
           last_error_code, last_error_message, attempt_count, created_at, updated_at
    FROM checkout_intent WHERE id = ${id}::uuid`;
  if (!intent) return undefined;
  const [history, attempts, notifications, exceptions, superseded] = await Promise.all([
    prisma.$queryRaw<
      {
        created_at: Date;
        from_state: string | null;
        to_state: string;
        actor: string;
        reason: string;
        details: unknown;
      }[]
    >`SELECT created_at, from_state::text, to_state::text, actor, reason, details
      FROM status_history WHERE intent_id = ${id}::uuid ORDER BY id`,
    prisma.$queryRaw<
      {
        created_at: Date;
        generation: number;
        kind: string;
        trade_no: string;
        outcome: string;
        reason: string | null;
        http_status: number | null;
        business_code: string | null;
        gateway_status: string | null;
        message: string | null;
        latency_ms: number;
        error: string | null;
      }[]
    >`SELECT created_at, generation, kind, trade_no, outcome, reason, http_status, business_code,
             gateway_status, message, latency_ms, error
      FROM submission_attempt WHERE intent_id = ${id}::uuid ORDER BY id`,
    prisma.$queryRaw<
      {
        id: string;
        received_at: Date;
        trade_no: string | null;
        status: string | null;
        amount: string | null;
        signature: string;
        processed_at: Date | null;
        outcome: string | null;
        attempts: number;
      }[]
    >`SELECT id::text, received_at, trade_no, status, amount::text, signature::text, processed_at,
             outcome, attempts
      FROM gateway_notification WHERE intent_id = ${id}::uuid ORDER BY id`,
    prisma.$queryRaw<
      {
        id: string;
        kind: string;
        created_at: Date;
        trade_no: string | null;
        expected_amount: string | null;
        reported_amount: string | null;
        gateway_status: string | null;
        evidence: unknown;
        resolution: string | null;
        resolution_note: string | null;
        resolved_by: string | null;
        resolved_at: Date | null;
      }[]
    >`SELECT id::text, kind, created_at, trade_no, expected_amount::text, reported_amount::text,
             gateway_status, evidence, resolution, resolution_note, resolved_by, resolved_at
      FROM reconciliation_exception WHERE intent_id = ${id}::uuid ORDER BY id`,
    prisma.$queryRaw<
      {
        trade_no: string;
        generation: number;
        platform_trade_no: string | null;
        gateway_status: string | null;
        reason: string;
        superseded_at: Date;
      }[]
    >`SELECT trade_no, generation, platform_trade_no, gateway_status, reason, superseded_at
      FROM superseded_trade_no WHERE intent_id = ${id}::uuid ORDER BY generation`,
  ]);

  const timeline: TimelineEntry[] = [
    ...history.map((row) => ({
      at: row.created_at,
      source: 'status' as const,
      summary: `${row.from_state ?? 'created'} → ${row.to_state} (${row.actor}: ${row.reason})`,
      details: row.details ?? undefined,
    })),
    ...attempts.map((row) => ({
      at: row.created_at,
      source: 'attempt' as const,
      summary: `${row.kind} ${row.trade_no} (g${row.generation}): ${row.outcome}${row.reason ? ` (${row.reason})` : ''}${row.business_code ? `, code ${row.business_code}` : ''}${row.gateway_status ? `, status ${row.gateway_status}` : ''}, ${row.latency_ms} ms`,
    })),
    ...notifications.map((row) => ({
      at: row.received_at,
      source: 'notification' as const,
      summary: `#${row.id} ${row.trade_no ?? '(no tradeNo)'} status ${row.status ?? '?'} amount ${row.amount ?? '?'}, signature ${row.signature}, ${row.outcome ?? 'not processed yet'}`,
    })),
    ...exceptions.map((row) => ({
      at: row.created_at,
      source: 'exception' as const,
      summary: `#${row.id} ${row.kind}${row.resolved_at ? ` (resolved: ${row.resolution} by ${row.resolved_by})` : ' (open)'}`,
    })),
    ...superseded.map((row) => ({
      at: row.superseded_at,
      source: 'superseded' as const,
      summary: `tradeNo ${row.trade_no} (g${row.generation}) superseded: ${row.reason}`,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

  return { intent, history, attempts, notifications, exceptions, superseded, timeline };
}

export interface SearchHit {
  id: string;
  client_id: string;
  merchant_reference: string | null;
  trade_no: string;
  state: string;
  amount: string;
  currency: string;
  created_at: Date;
  matched: string;
}

/**
 * Intents whose id, live or superseded tradeNo, Vexora number or merchant reference is `query`.
 * A merchant reference is unique per client only, so it is looked up once per client, each
 * through the (client_id, merchant_reference) index; the clients themselves are found by a skip
 * scan of the (client_id, created_at, seq) index (one index probe per client, not a table scan).
 */
export async function searchIntents(prisma: PrismaClient, query: string): Promise<SearchHit[]> {
  if (UUID_PATTERN.test(query)) {
    return prisma.$queryRaw<SearchHit[]>`
      SELECT id::text, client_id, merchant_reference, trade_no, state::text, amount::text,
             currency::text, created_at, 'id' AS matched
      FROM checkout_intent WHERE id = ${query}::uuid`;
  }
  return prisma.$queryRaw<SearchHit[]>`
    WITH RECURSIVE clients AS (
      (SELECT client_id FROM checkout_intent ORDER BY client_id LIMIT 1)
      UNION ALL
      SELECT (SELECT ci.client_id FROM checkout_intent ci WHERE ci.client_id > c.client_id
              ORDER BY ci.client_id LIMIT 1)
      FROM clients c WHERE c.client_id IS NOT NULL
    ),
    hits AS (
      SELECT id, 'tradeNo' AS matched FROM checkout_intent WHERE trade_no = ${query}
      UNION ALL
      SELECT intent_id, 'superseded tradeNo' FROM superseded_trade_no WHERE trade_no = ${query}
      UNION ALL
      (SELECT id, 'Vexora number' FROM checkout_intent WHERE platform_trade_no = ${query} LIMIT 50)
      UNION ALL
      SELECT ci.id, 'merchant reference'
      FROM clients k
      JOIN checkout_intent ci ON ci.client_id = k.client_id AND ci.merchant_reference = ${query}
    )
    SELECT ci.id::text, ci.client_id, ci.merchant_reference, ci.trade_no, ci.state::text,
           ci.amount::text, ci.currency::text, ci.created_at, string_agg(DISTINCT h.matched, ', ') AS matched
    FROM hits h JOIN checkout_intent ci ON ci.id = h.id
    GROUP BY ci.id
    ORDER BY ci.created_at DESC
    LIMIT 100`;
}
