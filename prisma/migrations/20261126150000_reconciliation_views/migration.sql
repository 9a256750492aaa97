-- Reconciliation dashboards: indexes, views and one function (docs/data-model.md describes them).
--
-- The two indexes are declared in schema.prisma (@@index), so Prisma's drift check expects them.
-- Views and functions are invisible to Prisma (no `views` preview feature): the drift check
-- ignores them, and they change only through migrations like this one.
--
-- On a large existing table, create the indexes by hand first, without blocking writes
-- (CREATE INDEX CONCURRENTLY ... with the same names): IF NOT EXISTS then skips them here.

-- CreateIndex
CREATE INDEX IF NOT EXISTS "checkout_intent_created_idx" ON "checkout_intent"("created_at");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "checkout_intent_platform_trade_no_idx" ON "checkout_intent"("platform_trade_no");

-- Daily totals of intents created in [p_from, p_to), by local day (Asia/Phnom_Penh unless
-- p_zone says otherwise; 'UTC' gives UTC days), merchant account, currency, channel and
-- current state: how many, the amount requested, the amount Vexora reports paid. A SQL
-- function rather than a view so the time range reaches the created_at index (a filter on a
-- computed day column could not use it); being a plain STABLE SQL function, PostgreSQL inlines it
-- into the caller's query.
CREATE FUNCTION intent_daily_totals(
  p_from timestamptz,
  p_to timestamptz,
  p_zone text DEFAULT 'Asia/Phnom_Penh'
)
RETURNS TABLE (
  day date,
  account_id varchar(32),
  currency currency,
  channel_code varchar(32),
  state intent_state,
  intents bigint,
  requested_amount numeric(20, 2),
  paid_amount numeric(20, 2)
)
LANGUAGE sql
STABLE
AS $$
  SELECT (ci.created_at AT TIME ZONE p_zone)::date,
         ci.account_id,
         ci.currency,
         ci.channel_code,
         ci.state,
         count(*),
         sum(ci.amount),
         coalesce(sum(ci.paid_amount), 0)
  FROM checkout_intent ci
  WHERE ci.created_at >= p_from AND ci.created_at < p_to
  GROUP BY 1, 2, 3, 4, 5
$$;

-- The same for the last 31 Phnom Penh days (today included), for dashboards that want a view.
CREATE VIEW intent_daily_totals_recent AS
SELECT *
FROM intent_daily_totals(
  (date_trunc('day', now() AT TIME ZONE 'Asia/Phnom_Penh') - interval '30 days') AT TIME ZONE 'Asia/Phnom_Penh',
  'infinity'::timestamptz
);

-- Partial payments: what was requested, what was paid, what is outstanding.
CREATE VIEW intent_partial_payments AS
SELECT ci.id AS intent_id,
       ci.client_id,
       ci.account_id,
       ci.merchant_reference,
       ci.trade_no,
       ci.platform_trade_no,
       ci.currency,
       ci.amount AS requested_amount,
       ci.paid_amount,
       ci.amount - ci.paid_amount AS outstanding_amount,
       ci.state_changed_at AS paid_at,
       ci.created_at
FROM checkout_intent ci
WHERE ci.state = 'PARTIALLY_PAID';

-- Exceptions an operator has not resolved yet, with the intent they concern.
CREATE VIEW open_reconciliation_exceptions AS
SELECT e.id,
       e.kind,
       e.created_at,
       now() - e.created_at AS age,
       e.intent_id,
       ci.client_id,
       ci.merchant_reference,
       ci.state AS intent_state,
       e.trade_no,
       e.account_id,
       e.currency,
       e.expected_amount,
       e.reported_amount,
       e.gateway_status,
       e.notification_id,
       e.evidence
FROM reconciliation_exception e
LEFT JOIN checkout_intent ci ON ci.id = e.intent_id
WHERE e.resolved_at IS NULL;

-- Intents in a non-final state for longer than the state should last. The thresholds are well
-- past what the worker and the sweeps need in normal operation (defaults: the submit lease 60 s,
-- the sweeps' 2 min graces, the 24 h payment window); SUBMIT_FAILED always needs an operator.
-- One index range of (state, state_changed_at) per state.
CREATE VIEW stuck_intents AS
SELECT ci.id AS intent_id,
       ci.client_id,
       ci.account_id,
       ci.merchant_reference,
       ci.trade_no,
       ci.state,
       ci.state_changed_at,
       now() - ci.state_changed_at AS age,
       t.threshold,
       ci.attempt_count,
       ci.last_error_code,
       ci.created_at
FROM (
  VALUES ('PENDING'::intent_state, interval '5 minutes'),
         ('SUBMITTING'::intent_state, interval '5 minutes'),
         ('UNKNOWN'::intent_state, interval '15 minutes'),
         ('AWAITING_PAYMENT'::intent_state, interval '25 hours'),
         ('SUBMIT_FAILED'::intent_state, interval '0 seconds')
) AS t(state, threshold)
CROSS JOIN LATERAL (
  SELECT c.*
  FROM checkout_intent c
  WHERE c.state = t.state AND c.state_changed_at < now() - t.threshold
) ci;

CREATE VIEW stuck_intents_by_state AS
SELECT state, threshold, count(*) AS intents, min(state_changed_at) AS oldest_since, max(age) AS oldest_age
FROM stuck_intents
GROUP BY state, threshold;

-- Notifications stored but not reconciled yet (the straggler sweep enqueues them again).
CREATE VIEW unprocessed_notifications AS
SELECT n.id,
       n.received_at,
       now() - n.received_at AS age,
       n.trade_no,
       n.status,
       n.signature,
       n.attempts
FROM gateway_notification n
WHERE n.processed_at IS NULL;
