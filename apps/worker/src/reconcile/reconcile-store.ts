import type { Prisma, PrismaClient } from '@vexora-checkout/db';
import type pg from 'pg';
import type { AttemptColumns } from '../submit/record-attempt.js';
import { createCoalescer, type Coalescer } from '../submit/create-coalescer.js';
import { submitStoreFor, type SubmitSql } from '../submit/submit-store.js';

/**
 * A stored notification with the intent whose LIVE tradeNo it names (null fields when none),
 * as the reconcile job's fast path reads it. Amounts are numeric(20,2) text.
 */
export interface LoadedNotification {
  id: string;
  processed: boolean;
  signature: Prisma.GatewayNotificationGetPayload<object>['signature'];
  accountId: string | null;
  tradeNo: string | null;
  platformTradeNo: string | null;
  status: string | null;
  amount: string | null;
  receivedAt: Date;
  intentId: string | null;
  intentAccountId: string | null;
  intentState: string | null;
  generation: number | null;
}

/**
 * A proven final status to apply to an AWAITING_PAYMENT intent, in the one case the state
 * machine (applyGatewayStatus) settles without any judgement left: the claim names the intent's
 * live tradeNo and the status is a payment of exactly its amount (PAID), a part of it
 * (PARTIALLY_PAID), or a failure of an order the payer had a link for (FAILED).
 */
export interface FastApply {
  notificationId: string;
  intentId: string;
  tradeNo: string;
  to: 'PAID' | 'PARTIALLY_PAID' | 'FAILED';
  /** The reported amount, canonical text (two decimals); null only for FAILED. */
  reported: string | null;
  gatewayStatus: string;
  /** Vexora's order number, set only when the intent has none yet; null: keep. */
  platformTradeNo: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  reason: string;
  details: Record<string, unknown>;
  now: Date;
  /** The Query API exchange that proved it (null for a trusted signature), written in any case. */
  attempt: AttemptColumns | null;
}

/** The database side of the reconcile job's fast path. */
export interface ReconcileStore {
  load(notificationId: string): Promise<LoadedNotification | null>;
  /** True when the change was applied and the notification finished with it, false when the guard failed. */
  apply(request: FastApply): Promise<boolean>;
  /** Writes the audit row of a query that proved nothing, and counts the try on the notification. */
  recordInconclusive(notificationId: string, attempt: AttemptColumns): Promise<void>;
  /** Writes the audit row of a query whose answer the general path goes on with. */
  recordAttempt(attempt: AttemptColumns): Promise<void>;
}

// The rows of the notifications in $1 (a JSON array of ids), each with the intent that uses its
// tradeNo as the live one (checkout_intent.trade_no is unique).
const LOAD = `
SELECT n.id::text AS id, n.processed_at IS NOT NULL AS processed, n.signature::text AS signature,
  n.account_id AS "accountId", n.trade_no AS "tradeNo", n.platform_trade_no AS "platformTradeNo",
  n.status, n.amount::text AS amount, n.received_at AS "receivedAt",
  i.id::text AS "intentId", i.account_id AS "intentAccountId", i.state::text AS "intentState",
  i.submission_generation AS generation
FROM gateway_notification n
LEFT JOIN checkout_intent i ON i.trade_no = n.trade_no
WHERE n.id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)`;

const ATTEMPT_COLUMNS = `"intentId" uuid, generation int, "tradeNo" text, kind text, outcome text,
  reason text, "httpStatus" int, "businessCode" text, "gatewayStatus" text, message text,
  "latencyMs" int, "requestBody" text, "responseBody" text, error text`;
const ATTEMPT_INSERT = `INSERT INTO submission_attempt (intent_id, generation, trade_no, kind, outcome,
  reason, http_status, business_code, gateway_status, message, latency_ms, request_body, response_body, error)`;
const ATTEMPT_VALUES = `a."intentId", a.generation, a."tradeNo", a.kind, a.outcome, a.reason, a."httpStatus",
  a."businessCode", a."gatewayStatus", a.message, a."latencyMs", a."requestBody", a."responseBody", a.error`;

// One statement (one transaction) for the fast-path changes in $1 (a JSON array, distinct
// intents). Per entry: the query's submission_attempt row, whatever happens next; the
// notification row locked and still unprocessed; the intent moved from AWAITING_PAYMENT under the
// same guard as applyGatewayStatus (live tradeNo, exact amount for PAID, 0 < part < amount for
// PARTIALLY_PAID, a payment link or KHQR for FAILED; no other delivery of the same claim
// applied); its status_history row; the notification
// marked processed with outcome `applied`. The intent is moved only with its notification locked
// and unprocessed, and the notification is finished only with its intent moved: an entry whose
// guard fails changes nothing but the audit row, and its caller takes the general path.
const APPLY = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(
    ord int, notification_id bigint, intent_id uuid, trade_no text, to_state intent_state,
    reported numeric, gateway_status text, platform_trade_no text, last_error_code text,
    last_error_message text, reason text, details jsonb, now timestamptz, attempt jsonb)
), attempt AS (
  ${ATTEMPT_INSERT}
  SELECT ${ATTEMPT_VALUES}
  FROM input v CROSS JOIN LATERAL jsonb_to_record(v.attempt) AS a(${ATTEMPT_COLUMNS})
  WHERE v.attempt IS NOT NULL
  ORDER BY v.ord
), locked AS (
  SELECT n.id FROM gateway_notification n JOIN input v ON n.id = v.notification_id
  WHERE n.processed_at IS NULL
    -- The same claim applied by another delivery: a duplicate, for the general path to record.
    AND NOT EXISTS (SELECT 1 FROM gateway_notification d
      WHERE d.dedupe_key = n.dedupe_key AND d.id <> n.id AND d.outcome = 'applied')
  ORDER BY n.id
  FOR UPDATE OF n
), moved AS (
  UPDATE checkout_intent i
  SET state = v.to_state, version = i.version + 1, state_changed_at = v.now, updated_at = v.now,
    gateway_status = v.gateway_status,
    platform_trade_no = COALESCE(i.platform_trade_no, v.platform_trade_no),
    paid_amount = CASE v.to_state WHEN 'PAID' THEN i.amount WHEN 'PARTIALLY_PAID' THEN v.reported
      ELSE i.paid_amount END,
    last_error_code = CASE WHEN v.to_state = 'FAILED' THEN v.last_error_code ELSE i.last_error_code END,
    last_error_message =
      CASE WHEN v.to_state = 'FAILED' THEN v.last_error_message ELSE i.last_error_message END
  FROM input v JOIN locked l ON l.id = v.notification_id
  WHERE i.id = v.intent_id AND i.state = 'AWAITING_PAYMENT' AND i.trade_no = v.trade_no
    AND CASE v.to_state
      WHEN 'PAID' THEN i.amount = v.reported
      WHEN 'PARTIALLY_PAID' THEN v.reported > 0 AND v.reported < i.amount
      WHEN 'FAILED' THEN i.payment_link IS NOT NULL OR i.pay_info IS NOT NULL
      ELSE false END
  RETURNING i.id, i.client_id, v.notification_id, v.to_state, v.reason, v.details, v.now, v.ord
), history AS (
  INSERT INTO status_history (intent_id, client_id, from_state, to_state, actor, reason, details, created_at)
  SELECT id, client_id, 'AWAITING_PAYMENT', to_state, 'reconcile', reason, details, now
  FROM moved ORDER BY ord
)
UPDATE gateway_notification n
SET processed_at = m.now, outcome = 'applied', intent_id = m.id, attempts = n.attempts + 1
FROM moved m
WHERE n.id = m.notification_id
RETURNING n.id::text AS id`;

const RECORD_ATTEMPT = `
${ATTEMPT_INSERT}
SELECT ${ATTEMPT_VALUES} FROM jsonb_to_record($1::jsonb) AS a(${ATTEMPT_COLUMNS})`;

const RECORD_INCONCLUSIVE = `
WITH attempt AS (
  ${ATTEMPT_INSERT}
  SELECT ${ATTEMPT_VALUES} FROM jsonb_to_record($2::jsonb) AS a(${ATTEMPT_COLUMNS})
)
UPDATE gateway_notification SET attempts = attempts + 1 WHERE id = $1::bigint`;

/** Loads and applies of concurrent jobs share statements, as the submit path's claims do. */
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 64;

const stores = new WeakMap<object, ReconcileStore>();

/**
 * The fast path's store, one per database handle (its coalescers are shared by every job of the
 * process). Its statements go through the submit path's runner: named prepared statements on
 * the node-postgres pool when there is one, else Prisma's raw queries on the same SQL.
 */
export function reconcileStoreFor(deps: {
  prisma: PrismaClient;
  pool?: pg.Pool | undefined;
}): ReconcileStore {
  const handle: object = deps.pool ?? deps.prisma;
  let store = stores.get(handle);
  if (!store) {
    store = createReconcileStore(submitStoreFor(deps).sql);
    stores.set(handle, store);
  }
  return store;
}

export function createReconcileStore(
  sql: SubmitSql,
  limits: { maxBatch: number; maxInFlight: number } = { maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT },
): ReconcileStore {
  const loadAll = async (ids: readonly string[]) => {
    const rows = await sql<LoadedNotification>(LOAD, [JSON.stringify(ids)]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  };
  const loads: Coalescer<string, LoadedNotification | null> = createCoalescer({
    runBatch: loadAll,
    runOne: async (id) => (await loadAll([id]))[0] ?? null,
    keyOf: (id) => id,
    ...limits,
  });
  const applyAll = async (requests: readonly FastApply[]) => {
    const input = requests.map((request, ord) => ({
      ord,
      notification_id: request.notificationId,
      intent_id: request.intentId,
      trade_no: request.tradeNo,
      to_state: request.to,
      reported: request.reported,
      gateway_status: request.gatewayStatus,
      platform_trade_no: request.platformTradeNo,
      last_error_code: request.lastErrorCode,
      last_error_message: request.lastErrorMessage,
      reason: request.reason,
      details: request.details,
      now: request.now.toISOString(),
      attempt: request.attempt,
    }));
    const done = new Set((await sql<{ id: string }>(APPLY, [JSON.stringify(input)])).map((row) => row.id));
    return requests.map((request) => done.has(request.notificationId));
  };
  const applies: Coalescer<FastApply, boolean> = createCoalescer({
    runBatch: applyAll,
    runOne: async (request) => (await applyAll([request]))[0] ?? false,
    // Two changes of one intent never share a statement: the second sees the first's result.
    keyOf: (request) => request.intentId,
    ...limits,
  });
  return {
    load: (id) => loads.run(id),
    apply: (request) => applies.run(request),
    recordInconclusive: async (id, attempt) => {
      await sql(RECORD_INCONCLUSIVE, [id, JSON.stringify(attempt)]);
    },
    recordAttempt: async (attempt) => {
      await sql(RECORD_ATTEMPT, [JSON.stringify(attempt)]);
    },
  };
}
