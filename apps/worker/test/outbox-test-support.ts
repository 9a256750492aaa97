// Helpers of the outbox integration tests.
import { Queue } from 'bullmq';
import type pg from 'pg';
import { startTcpProxy, type BullmqKit, type TcpProxy } from '@vexora-checkout/testing';
import { CHECKOUT_SUBMIT_QUEUE } from '../src/outbox/outbox-routes.js';
import type { OutboxLogger } from '../src/outbox/run-outbox-relay.js';

export interface InsertedEvent {
  id: string;
  intentId: string;
  generation: number;
}

export interface InsertEventsOptions {
  eventType?: string;
  generation?: number;
  /** Sends `pg_notify('outbox_event', '')` in the same transaction, as the api does. */
  notify?: boolean;
  /** Inserts the rows already published this long ago. */
  publishedAgoMs?: number;
}

/** Inserts `count` minimal intents, each with one outbox row, in one transaction. */
export async function insertOutboxEvents(
  pool: pg.Pool,
  count: number,
  options: InsertEventsOptions = {},
): Promise<InsertedEvent[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await client.query<InsertedEvent>(
      `WITH intents AS (
         INSERT INTO checkout_intent (client_id, account_id, merchant_no, trade_no, amount, currency,
           payer_first_name, payer_last_name, payer_mobile, payer_email)
         SELECT 'outbox-test', 'sandbox-usd', 'SANDBOX0001', 'T' || gen_random_uuid(), 1.00, 'USD',
           'Sok', 'Dara', '12345678', 'sok@example.com'
         FROM generate_series(1, $1::int)
         RETURNING id
       )
       INSERT INTO outbox_event (event_type, intent_id, generation, published_at)
       SELECT $2, id, $3, CASE WHEN $4::float8 IS NULL THEN NULL
                               ELSE now() - $4::float8 * interval '1 millisecond' END
       FROM intents
       RETURNING id::text AS id, intent_id::text AS "intentId", generation`,
      [
        count,
        options.eventType ?? 'checkout.submit',
        options.generation ?? 0,
        options.publishedAgoMs ?? null,
      ],
    );
    if (options.notify) await client.query(`SELECT pg_notify('outbox_event', '')`);
    await client.query('COMMIT');
    return result.rows.sort((a, b) => Number(a.id) - Number(b.id));
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

export async function countOutbox(pool: pg.Pool): Promise<{ published: number; unpublished: number }> {
  const result = await pool.query<{ published: number; unpublished: number }>(
    `SELECT count(published_at)::int AS published, (count(*) - count(published_at))::int AS unpublished
     FROM outbox_event`,
  );
  return result.rows[0] ?? { published: 0, unpublished: 0 };
}

/** Every job in the queue, whatever its state. */
export async function countJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts();
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

/** A logger that keeps what it is told, for assertions. */
export function createRecordingLogger(): OutboxLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg: string): void => {
      entries.push({ level, obj, msg });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface CuttableQueue {
  /** The submit queue, connected to Redis through `proxy`. */
  queue: Queue;
  /** The same queue on a direct connection, to count jobs while the proxy is cut. */
  observer: Queue;
  proxy: TcpProxy;
  close(): Promise<void>;
}

/** A submit queue whose Redis connection the test can cut and restore. */
export async function startCuttableQueue(redisUrl: string, bullmq: BullmqKit): Promise<CuttableQueue> {
  const redis = new URL(redisUrl);
  const proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port) });
  // The harness's options: maxRetriesPerRequest null and an offline queue, so while Redis is
  // away a command waits instead of failing, the hardest case for the relay.
  const queue = new Queue(CHECKOUT_SUBMIT_QUEUE, {
    connection: { host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: null },
    prefix: bullmq.prefix,
  });
  queue.on('error', () => undefined); // connection errors while cut off are expected
  const observer = bullmq.createQueue(CHECKOUT_SUBMIT_QUEUE);
  return {
    queue,
    observer,
    proxy,
    close: async () => {
      await queue.close();
      await observer.close();
      await proxy.cut();
    },
  };
}
