import type pg from 'pg';
import { storeNotifications, type NotificationRow } from './store-notifications.js';

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the row, not the database. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

export interface NotificationWriter {
  /**
   * Resolves with the row's id once it is committed; rejects if it could not be stored. Aborting
   * `signal` (the caller gave up and answered 503) withdraws a row still waiting for a statement,
   * so a database that hangs cannot make waiting rows pile up beyond what the timeout admits.
   */
  store(row: NotificationRow, signal?: AbortSignal): Promise<string>;
}

interface Pending {
  row: NotificationRow;
  resolve: (id: string) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
}

/**
 * Stores deliveries in batches: rows arriving while earlier statements are running wait for a
 * free connection and go together in one INSERT (one round trip and one commit for many rows,
 * which is what lets a two-core machine store thousands a second). At low rates a batch is one
 * row and nothing waits. `maxConcurrent` is the number of statements in flight: few, so that
 * batches form (WEBHOOK_INSERT_CONCURRENCY).
 */
export function createNotificationWriter(
  pool: pg.Pool,
  options: { maxConcurrent: number; maxBatch?: number },
): NotificationWriter {
  const maxBatch = options.maxBatch ?? 250;
  let waiting: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    // Rows whose caller gave up are not stored: their sender was told to retry.
    waiting = waiting.filter((pending) => !pending.signal?.aborted);
    while (waiting.length > 0 && inFlight < options.maxConcurrent) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(maxBatch);
      inFlight += 1;
      void send(batch).finally(() => {
        inFlight -= 1;
        flush();
      });
    }
  };

  const send = async (batch: Pending[]): Promise<void> => {
    try {
      const ids = await storeNotifications(
        pool,
        batch.map((pending) => pending.row),
      );
      batch.forEach((pending, index) => pending.resolve(ids[index] ?? ''));
    } catch (error) {
      if (batch.length > 1 && isDataError(error)) {
        // One row the database refuses must not fail the others with it: store them one by one.
        for (const pending of batch) await send([pending]);
        return;
      }
      for (const pending of batch) pending.reject(error);
    }
  };

  return {
    store: (row, signal) =>
      new Promise<string>((resolve, reject) => {
        const pending: Pending = { row, resolve, reject, signal };
        waiting.push(pending);
        signal?.addEventListener(
          'abort',
          () => {
            const index = waiting.indexOf(pending);
            if (index === -1) return; // already sent: its statement decides
            waiting.splice(index, 1);
            reject(signal.reason as Error);
          },
          { once: true },
        );
        // Gather what arrives in this turn of the event loop before sending.
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }),
  };
}
