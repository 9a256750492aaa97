import type { AttemptColumns } from './record-attempt.js';
import type { SubmitSql } from './submit-store.js';

export type FinishState = 'AWAITING_PAYMENT' | 'REJECTED' | 'PENDING' | 'UNKNOWN' | 'SUBMIT_FAILED';

/** Columns a finish may set besides the state; a key left out keeps the column as it is. */
export interface FinishData {
  platformTradeNo?: string | null;
  paymentLink?: string | null;
  payInfo?: string | null;
  gatewayStatus?: string | null;
  lastErrorCode?: string | null;
  lastErrorMessage?: string | null;
}

export interface FinishRequest {
  intent: { id: string; submissionGeneration: number };
  to: FinishState;
  reason: string;
  data: FinishData;
  /** The exchange that decided it, written with it (absent when nothing was sent). */
  attempt?: AttemptColumns | undefined;
  now: Date;
}

// One statement (one implicit transaction) for one or more finishes of distinct intents, given
// as a JSON array in $1. Per intent: the guarded move from SUBMITTING (this generation only: a
// run that lost the intent to a takeover changes nothing), its status_history row, and the
// submission_attempt row of the exchange, written whether or not the guard held, as every
// exchange with Vexora is. A data column is set only when the request names it (`set_<column>`),
// so "leave as is" and "set to null" stay apart.
const FINISH = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(
    ord int, id uuid, generation int, to_state intent_state, reason text, now timestamptz,
    set_platform_trade_no boolean, platform_trade_no text, set_payment_link boolean, payment_link text,
    set_pay_info boolean, pay_info text, set_gateway_status boolean, gateway_status text,
    set_last_error_code boolean, last_error_code text,
    set_last_error_message boolean, last_error_message text,
    attempt jsonb)
), attempt AS (
  INSERT INTO submission_attempt (intent_id, generation, trade_no, kind, outcome, reason,
    http_status, business_code, gateway_status, message, latency_ms, request_body, response_body, error)
  SELECT a.intent_id, a.generation, a.trade_no, a.kind, a.outcome, a.reason, a.http_status,
    a.business_code, a.gateway_status, a.message, a.latency_ms, a.request_body, a.response_body, a.error
  FROM input v
  CROSS JOIN LATERAL jsonb_to_record(v.attempt) AS a(intent_id uuid, generation int, trade_no text,
    kind text, outcome text, reason text, http_status int, business_code text, gateway_status text,
    message text, latency_ms int, request_body text, response_body text, error text)
  WHERE v.attempt IS NOT NULL
  ORDER BY v.ord
), moved AS (
  UPDATE checkout_intent i
  SET state = v.to_state, version = i.version + 1, state_changed_at = v.now, updated_at = v.now,
    platform_trade_no = CASE WHEN v.set_platform_trade_no THEN v.platform_trade_no ELSE i.platform_trade_no END,
    payment_link = CASE WHEN v.set_payment_link THEN v.payment_link ELSE i.payment_link END,
    pay_info = CASE WHEN v.set_pay_info THEN v.pay_info ELSE i.pay_info END,
    gateway_status = CASE WHEN v.set_gateway_status THEN v.gateway_status ELSE i.gateway_status END,
    last_error_code = CASE WHEN v.set_last_error_code THEN v.last_error_code ELSE i.last_error_code END,
    last_error_message =
      CASE WHEN v.set_last_error_message THEN v.last_error_message ELSE i.last_error_message END
  FROM input v
  WHERE i.id = v.id AND i.state = 'SUBMITTING' AND i.submission_generation = v.generation
  RETURNING i.id, i.client_id, v.to_state, v.reason, v.now, v.ord
)
INSERT INTO status_history (intent_id, client_id, from_state, to_state, actor, reason, created_at)
SELECT id, client_id, 'SUBMITTING', to_state, 'worker', reason, now FROM moved ORDER BY ord`;

const attemptJson = (attempt: AttemptColumns) => ({
  intent_id: attempt.intentId,
  generation: attempt.generation,
  trade_no: attempt.tradeNo,
  kind: attempt.kind,
  outcome: attempt.outcome,
  reason: attempt.reason,
  http_status: attempt.httpStatus,
  business_code: attempt.businessCode,
  gateway_status: attempt.gatewayStatus,
  message: attempt.message,
  latency_ms: attempt.latencyMs,
  request_body: attempt.requestBody,
  response_body: attempt.responseBody,
  error: attempt.error,
});

/**
 * Ends submit runs of distinct intents in one statement (see FINISH): all or nothing, as one
 * statement is one transaction.
 */
export async function finishSubmissions(sql: SubmitSql, requests: readonly FinishRequest[]): Promise<void> {
  const input = requests.map((request, ord) => {
    const { data } = request;
    return {
      ord,
      id: request.intent.id,
      generation: request.intent.submissionGeneration,
      to_state: request.to,
      reason: request.reason,
      now: request.now.toISOString(),
      set_platform_trade_no: data.platformTradeNo !== undefined,
      platform_trade_no: data.platformTradeNo ?? null,
      set_payment_link: data.paymentLink !== undefined,
      payment_link: data.paymentLink ?? null,
      set_pay_info: data.payInfo !== undefined,
      pay_info: data.payInfo ?? null,
      set_gateway_status: data.gatewayStatus !== undefined,
      gateway_status: data.gatewayStatus ?? null,
      set_last_error_code: data.lastErrorCode !== undefined,
      last_error_code: data.lastErrorCode ?? null,
      set_last_error_message: data.lastErrorMessage !== undefined,
      last_error_message: data.lastErrorMessage ?? null,
      attempt: request.attempt ? attemptJson(request.attempt) : null,
    };
  });
  await sql(FINISH, [JSON.stringify(input)]);
}

const RECORD_ATTEMPT = `
INSERT INTO submission_attempt (intent_id, generation, trade_no, kind, outcome, reason,
  http_status, business_code, gateway_status, message, latency_ms, request_body, response_body, error)
SELECT a.intent_id, a.generation, a.trade_no, a.kind, a.outcome, a.reason, a.http_status,
  a.business_code, a.gateway_status, a.message, a.latency_ms, a.request_body, a.response_body, a.error
FROM jsonb_to_record($1::jsonb) AS a(intent_id uuid, generation int, trade_no text,
  kind text, outcome text, reason text, http_status int, business_code text, gateway_status text,
  message text, latency_ms int, request_body text, response_body text, error text)`;

/** Writes the submission_attempt row of an exchange that does not end the run by itself. */
export async function recordAttemptRow(sql: SubmitSql, attempt: AttemptColumns): Promise<void> {
  await sql(RECORD_ATTEMPT, [JSON.stringify(attemptJson(attempt))]);
}
