import type pg from 'pg';

/** Outbox rows not yet published: the relay's backlog (read through the unpublished index). */
export async function countUnpublishedOutbox(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ count: string }>(
    `SELECT count(*) AS count FROM outbox_event WHERE published_at IS NULL`,
  );
  return Number(result.rows[0]?.count ?? 0);
}
