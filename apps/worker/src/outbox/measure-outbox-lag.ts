import type pg from 'pg';

/**
 * The outbox lag: how long the oldest unpublished row has waited, in milliseconds (0 when
 * nothing waits). It includes rows no route publishes, so those raise the lag instead of hiding.
 * `created_at` is written by the api's clock and compared with the database's; a negative
 * difference (clock skew) reads as 0.
 */
export async function measureOutboxLag(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ lag_ms: number | null }>(
    `SELECT (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS lag_ms
     FROM outbox_event WHERE published_at IS NULL`,
  );
  return Math.max(0, Math.round(result.rows[0]?.lag_ms ?? 0));
}

/** Unpublished rows whose event type the relay does not route, counted by type. */
export async function findUnroutedEvents(
  pool: pg.Pool,
  routedEventTypes: readonly string[],
): Promise<Map<string, number>> {
  const result = await pool.query<{ event_type: string; count: number }>(
    `SELECT event_type, count(*)::int AS count FROM outbox_event
     WHERE published_at IS NULL AND NOT (event_type = ANY($1::text[]))
     GROUP BY event_type ORDER BY event_type`,
    [routedEventTypes],
  );
  return new Map(result.rows.map((row) => [row.event_type, row.count]));
}
