import type pg from 'pg';

/** The channel the worker's outbox relay listens on (its OUTBOX_CHANNEL). */
export const OUTBOX_CHANNEL = 'outbox_event';

export interface OutboxWakeUp {
  /** Called after a commit that wrote outbox rows. */
  wake(): void;
  /** Sends a wake-up still waiting for its turn now (on shutdown); later calls do nothing. */
  flush(): Promise<void>;
}

/**
 * Wakes the worker's outbox relay with `pg_notify` after commits, at most once per `intervalMs`
 * per process. Every NOTIFY is a transaction of its own that PostgreSQL flushes to the WAL and
 * serialises on a database-wide lock, so one per create would double the commits of the create
 * path; the relay publishes every pending row when it wakes, so one wake-up per interval serves
 * all the creates of that interval.
 *
 * The guarantee: a wake() is followed by a NOTIFY that starts after it, within `intervalMs`
 * (plus the time to get a connection). A lost wake-up (database briefly unreachable) costs only
 * the relay's polling interval.
 */
export function createOutboxWakeUp(pool: pg.Pool, options: { intervalMs?: number } = {}): OutboxWakeUp {
  const intervalMs = options.intervalMs ?? 20;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const send = async (): Promise<void> => {
    timer = undefined;
    lastSentAt = Date.now();
    try {
      await pool.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
    } catch {
      // The relay polls: a lost wake-up only delays publishing until its next poll.
    }
  };

  return {
    wake() {
      if (stopped || timer) return; // a NOTIFY is already due, and it starts after this commit
      const wait = Math.max(0, lastSentAt + intervalMs - Date.now());
      timer = setTimeout(() => void send(), wait);
      timer.unref();
    },
    async flush() {
      stopped = true;
      if (!timer) return;
      clearTimeout(timer);
      await send();
    },
  };
}
