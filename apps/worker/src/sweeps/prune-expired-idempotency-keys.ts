import type { PrismaClient } from '@vexora-checkout/db';

/**
 * Deletes idempotency keys past their `expires_at` (the api replays a key until then, at least
 * 24 h; it also deletes an expired row lazily when the same key comes back, but most keys never
 * do). `chunkSize` rows per statement through the `expires_at` index, each its own short
 * transaction; rows another sweeper holds are skipped, so two workers can prune at once. At most
 * `maxChunks` statements per sweep, so a large backlog is worked off over several sweeps.
 * Returns how many rows it deleted.
 */
export async function pruneExpiredIdempotencyKeys(
  deps: { prisma: PrismaClient; now?: () => Date },
  options: { chunkSize: number; maxChunks: number },
): Promise<number> {
  const now = deps.now?.() ?? new Date();
  let deleted = 0;
  for (let chunk = 0; chunk < options.maxChunks; chunk += 1) {
    const count = await deps.prisma.$executeRaw`
      DELETE FROM idempotency_key
      WHERE (client_id, key) IN (
        SELECT client_id, key FROM idempotency_key
        WHERE expires_at < ${now}
        ORDER BY expires_at
        LIMIT ${options.chunkSize}
        FOR UPDATE SKIP LOCKED
      )`;
    deleted += count;
    if (count < options.chunkSize) break;
  }
  return deleted;
}
