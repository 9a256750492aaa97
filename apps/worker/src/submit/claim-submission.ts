import type { SubmitSql } from './submit-store.js';

/** What the submit path needs of a claimed intent: the request's fields and the guard's keys. */
export interface ClaimedIntent {
  id: string;
  accountId: string;
  tradeNo: string;
  submissionGeneration: number;
  /** numeric(20,2) as text, e.g. "12.50" or "4000.00": never a float. */
  amount: string;
  currency: 'KHR' | 'USD';
  payerFirstName: string;
  payerLastName: string;
  payerMobile: string;
  payerEmail: string;
  channelCode: string | null;
  wayCode: string | null;
  returnUrl: string | null;
  remark: string | null;
}

export interface ClaimRequest {
  intentId: string;
  generation: number;
  now: Date;
  /** How long a SUBMITTING lasts before a job may take it over (a worker died mid-call). */
  leaseMs: number;
}

export type ClaimResult =
  | { kind: 'claimed'; intent: ClaimedIntent; wasUnknown: boolean }
  /** SUBMITTING for this generation inside the lease: come back after `retryAfterMs`. */
  | { kind: 'wait'; retryAfterMs: number }
  /** Not submittable for this generation (or missing): a duplicate or stale job. */
  | { kind: 'skipped'; state: string };

interface ClaimRow {
  ord: number;
  state: string | null;
  generation: number | null;
  state_changed_at: Date | null;
  from_state: string | null;
  id: string | null;
  account_id: string;
  trade_no: string;
  submission_generation: number;
  amount: string;
  currency: 'KHR' | 'USD';
  payer_first_name: string;
  payer_last_name: string;
  payer_mobile: string;
  payer_email: string;
  channel_code: string | null;
  way_code: string | null;
  return_url: string | null;
  remark: string | null;
}

// One statement (one implicit transaction) for one or more claims, given as a JSON array in $1
// (distinct intents; see create-coalescer.ts). Per intent: read its state (`current`), move it
// to SUBMITTING when the guard holds (PENDING or UNKNOWN, or a SUBMITTING older than the lease,
// and only for the job's generation), write the status_history row of the move, and return the
// state before plus, when claimed, what the request needs. The UPDATE also requires the version
// it read: if another process changed the row since (the UPDATE then sees the newer row), the
// claim does not apply and the job sees the state it read, as transitionIntent's version check
// does. So from_state is always the state the UPDATE replaced, without locking the row first.
const CLAIM = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS v(ord int, id uuid, generation int, now timestamptz, lease_ms int)
), current AS (
  SELECT id, state, submission_generation, state_changed_at, version
  FROM checkout_intent WHERE id IN (SELECT id FROM input)
), claimed AS (
  UPDATE checkout_intent i
  SET state = 'SUBMITTING', attempt_count = i.attempt_count + 1, version = i.version + 1,
      state_changed_at = v.now, updated_at = v.now
  FROM current c JOIN input v ON v.id = c.id
  WHERE i.id = c.id AND i.version = c.version AND c.submission_generation = v.generation
    AND (c.state IN ('PENDING', 'UNKNOWN')
         OR (c.state = 'SUBMITTING' AND c.state_changed_at < v.now - v.lease_ms * interval '1 millisecond'))
  RETURNING i.id, i.client_id, c.state AS from_state, v.now, i.account_id, i.trade_no,
    i.submission_generation, i.amount::text AS amount, i.currency::text AS currency,
    i.payer_first_name, i.payer_last_name, i.payer_mobile, i.payer_email, i.channel_code,
    i.way_code, i.return_url, i.remark
), history AS (
  INSERT INTO status_history (intent_id, client_id, from_state, to_state, actor, reason, created_at)
  SELECT id, client_id, from_state, 'SUBMITTING', 'worker',
    CASE from_state WHEN 'SUBMITTING' THEN 'submit.taking_over_stalled'
                    WHEN 'UNKNOWN' THEN 'submit.resolving_unknown'
                    ELSE 'submit.started' END,
    now
  FROM claimed
)
SELECT v.ord, c.state::text AS state, c.submission_generation AS generation, c.state_changed_at,
  k.from_state::text AS from_state, k.id::text AS id, k.account_id, k.trade_no,
  k.submission_generation, k.amount, k.currency, k.payer_first_name, k.payer_last_name,
  k.payer_mobile, k.payer_email, k.channel_code, k.way_code, k.return_url, k.remark
FROM input v LEFT JOIN current c ON c.id = v.id LEFT JOIN claimed k ON k.id = v.id
ORDER BY v.ord`;

/**
 * The guarded move to SUBMITTING that starts every submit run, for one or more distinct intents
 * in one statement (it used to be a transaction of seven statements per intent). The same guard,
 * columns and history as `transitionIntent` writes. An abandoned SUBMITTING (past the lease) may
 * have reached Vexora: it is resolved like UNKNOWN. Results are in the order of `requests`.
 */
export async function claimSubmissions(
  sql: SubmitSql,
  requests: readonly ClaimRequest[],
): Promise<ClaimResult[]> {
  const input = requests.map((request, ord) => ({
    ord,
    id: request.intentId,
    generation: request.generation,
    now: request.now.toISOString(),
    lease_ms: request.leaseMs,
  }));
  const rows = await sql<ClaimRow>(CLAIM, [JSON.stringify(input)]);
  const byOrd = new Map(rows.map((row) => [row.ord, row]));
  return requests.map((request, ord) => toResult(request, byOrd.get(ord)));
}

function toResult(request: ClaimRequest, row: ClaimRow | undefined): ClaimResult {
  if (!row || row.state === null) return { kind: 'skipped', state: 'MISSING' };
  if (row.id !== null && row.from_state !== null) {
    return {
      kind: 'claimed',
      wasUnknown: row.from_state === 'UNKNOWN' || row.from_state === 'SUBMITTING',
      intent: {
        id: row.id,
        accountId: row.account_id,
        tradeNo: row.trade_no,
        submissionGeneration: row.submission_generation,
        amount: row.amount,
        currency: row.currency,
        payerFirstName: row.payer_first_name,
        payerLastName: row.payer_last_name,
        payerMobile: row.payer_mobile,
        payerEmail: row.payer_email,
        channelCode: row.channel_code,
        wayCode: row.way_code,
        returnUrl: row.return_url,
        remark: row.remark,
      },
    };
  }
  if (row.state === 'SUBMITTING' && row.generation === request.generation && row.state_changed_at) {
    // Inside the lease: another worker may be mid-call, or died mid-call (a stalled job is back
    // early). Come back when the lease ends rather than give the intent up.
    const leftMs = request.leaseMs - (request.now.getTime() - row.state_changed_at.getTime());
    return { kind: 'wait', retryAfterMs: Math.max(leftMs, 0) + 100 };
  }
  return { kind: 'skipped', state: row.state };
}
