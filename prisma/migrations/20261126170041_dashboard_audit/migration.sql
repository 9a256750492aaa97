-- The operator dashboard (/dashboard on the api): its audit table, and the per-minute views it
-- charts, which any other dashboard may read too (docs/data-model.md describes them).
--
-- On a large status_history, create the BRIN index by hand first (CREATE INDEX CONCURRENTLY
-- status_history_created_brin_idx ...): IF NOT EXISTS then skips it here.

-- CreateTable
CREATE TABLE "operator_audit_log" (
    "id" BIGSERIAL NOT NULL,
    "operator" VARCHAR(100) NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "target" VARCHAR(200) NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "source_ip" VARCHAR(64),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "operator_audit_log_at_idx" ON "operator_audit_log"("at");

-- CreateIndex
CREATE INDEX "operator_audit_log_target_idx" ON "operator_audit_log"("target", "id");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "status_history_created_brin_idx" ON "status_history" USING BRIN ("created_at");

-- The audit log is append-only: an operator's action, once recorded, is never rewritten.
CREATE FUNCTION operator_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION 'operator_audit_log is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER operator_audit_log_append_only
BEFORE UPDATE OR DELETE OR TRUNCATE ON operator_audit_log
FOR EACH STATEMENT EXECUTE FUNCTION operator_audit_log_append_only();

-- State changes per minute of status_history.created_at in [p_from, p_to): every minute of the
-- range is present (zeros included), so charts need no gap filling. `created` counts creations,
-- `linked` entries into AWAITING_PAYMENT, the others entries into the state of that name.
-- A plain STABLE SQL function, inlined into the caller's query: the range reaches the BRIN index.
CREATE FUNCTION intent_activity_per_minute(p_from timestamptz, p_to timestamptz)
RETURNS TABLE (
  minute timestamptz,
  created bigint,
  linked bigint,
  paid bigint,
  partially_paid bigint,
  failed bigint,
  rejected bigint,
  submit_failed bigint,
  expired bigint
)
LANGUAGE sql
STABLE
AS $$
  WITH counts AS (
    SELECT date_trunc('minute', sh.created_at) AS minute,
           count(*) FILTER (WHERE sh.from_state IS NULL) AS created,
           count(*) FILTER (WHERE sh.to_state = 'AWAITING_PAYMENT') AS linked,
           count(*) FILTER (WHERE sh.to_state = 'PAID') AS paid,
           count(*) FILTER (WHERE sh.to_state = 'PARTIALLY_PAID') AS partially_paid,
           count(*) FILTER (WHERE sh.to_state = 'FAILED') AS failed,
           count(*) FILTER (WHERE sh.to_state = 'REJECTED') AS rejected,
           count(*) FILTER (WHERE sh.to_state = 'SUBMIT_FAILED') AS submit_failed,
           count(*) FILTER (WHERE sh.to_state = 'EXPIRED') AS expired
    FROM status_history sh
    WHERE sh.created_at >= p_from AND sh.created_at < p_to
    GROUP BY 1
  )
  SELECT m.minute,
         coalesce(c.created, 0),
         coalesce(c.linked, 0),
         coalesce(c.paid, 0),
         coalesce(c.partially_paid, 0),
         coalesce(c.failed, 0),
         coalesce(c.rejected, 0),
         coalesce(c.submit_failed, 0),
         coalesce(c.expired, 0)
  FROM generate_series(date_trunc('minute', p_from), p_to - interval '1 microsecond', interval '1 minute') AS m(minute)
  LEFT JOIN counts c ON c.minute = m.minute
$$;

-- Time from an intent's creation to its AWAITING_PAYMENT row (the payment link), per minute in
-- which the link arrived, in [p_from, p_to): how many, p50, p90, p99 and max in milliseconds.
-- Only minutes with at least one link are returned (a percentile of nothing is not zero).
CREATE FUNCTION time_to_link_per_minute(p_from timestamptz, p_to timestamptz)
RETURNS TABLE (
  minute timestamptz,
  linked bigint,
  p50_ms bigint,
  p90_ms bigint,
  p99_ms bigint,
  max_ms bigint
)
LANGUAGE sql
STABLE
AS $$
  SELECT date_trunc('minute', sh.created_at),
         count(*),
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l.ms))::bigint,
         round(percentile_cont(0.9) WITHIN GROUP (ORDER BY l.ms))::bigint,
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY l.ms))::bigint,
         round(max(l.ms))::bigint
  FROM status_history sh
  JOIN checkout_intent ci ON ci.id = sh.intent_id
  CROSS JOIN LATERAL (SELECT extract(epoch FROM sh.created_at - ci.created_at) * 1000 AS ms) l
  WHERE sh.to_state = 'AWAITING_PAYMENT' AND sh.created_at >= p_from AND sh.created_at < p_to
  GROUP BY 1
$$;

-- The last 24 hours of both, for dashboards that want a view.
CREATE VIEW intent_activity_per_minute_recent AS
SELECT * FROM intent_activity_per_minute(now() - interval '24 hours', now());

CREATE VIEW time_to_link_per_minute_recent AS
SELECT * FROM time_to_link_per_minute(now() - interval '24 hours', now());
