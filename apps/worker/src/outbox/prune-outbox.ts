import type pg from 'pg';

export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_PRUNE_CHUNK_SIZE = 10_000;

export interface PruneOutboxOptions {
  pool: pg.Pool;
  /** Published rows older than this (by `published_at`, on the database's clock) are deleted. */
  retentionMs?: number;
  /** Rows per DELETE statement: each is its own short transaction. */
  chunkSize?: number;
  /** Checked between chunks, so a stop does not wait for a long prune. */
  shouldStop?: () => boolean;
}

/**
 * Deletes published outbox rows older than the retention period, `chunkSize` rows per
 * statement, until none is left. Each statement is its own transaction, so no lock is held for
 * long and vacuum can follow; rows another pruner has locked are skipped, so several relays can
 * prune at once. Unpublished rows are never touched. Returns how many rows it deleted.
 */
export async function pruneOutbox(options: PruneOutboxOptions): Promise<number> {
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const chunkSize = options.chunkSize ?? DEFAULT_PRUNE_CHUNK_SIZE;
  let deleted = 0;
  for (;;) {
    // Oldest first through the index (published_at, id); `= ANY(ARRAY(…))` keeps the delete
    // itself a primary-key lookup.
    const result = await options.pool.query(
      `DELETE FROM outbox_event WHERE id = ANY(ARRAY(
         SELECT id FROM outbox_event
         WHERE published_at < now() - $1::double precision * interval '1 millisecond'
         ORDER BY published_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ))`,
      [retentionMs, chunkSize],
    );
    const count = result.rowCount ?? 0;
    deleted += count;
    if (count < chunkSize || options.shouldStop?.() === true) return deleted;
  }
}
