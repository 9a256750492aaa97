import type pg from 'pg';

/** One delivery as the gateway_notification row stores it. */
export interface NotificationRow {
  rawBody: string;
  contentType: string | null;
  headers: Record<string, string>;
  sourceIp: string | null;
  tradeNo: string | null;
  platformTradeNo: string | null;
  status: string | null;
  /** Canonical money text ("12.50"), or null. */
  amount: string | null;
  signature: 'valid' | 'invalid' | 'absent';
  /** Accounts whose secret verified the sign, in configuration order (valid only). */
  accountIds: readonly string[];
  dedupeKey: string;
}

// Many deliveries, one statement, one round trip, one commit: the rows travel as parallel arrays
// (one parameter per column whatever the batch size, so the statement is prepared once per
// connection). Ids are drawn in input order in a materialised CTE, which is how each caller gets
// its own row's id back.
//
// account_id: when several accounts share the secret that verified the sign (candidates, a
// comma-separated list), the one whose checkout owns the tradeNo (live or superseded) is chosen,
// else the first configured. Rows with a single candidate skip the lookup.
const INSERT_NOTIFICATIONS = {
  name: 'webhook_insert_notifications',
  text: `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::text[],
                                $7::text[], $8::numeric[], $9::signature_result[], $10::text[], $11::text[],
                                $12::text[])
             WITH ORDINALITY AS t(raw_body, content_type, headers, source_ip, trade_no, platform_trade_no,
                                  status, amount, signature, account_id, dedupe_key, candidates, n)
         ), numbered AS MATERIALIZED (
           SELECT input.*, nextval('gateway_notification_id_seq') AS id FROM input ORDER BY n
         ), stored AS (
           INSERT INTO gateway_notification
             (id, raw_body, content_type, headers, source_ip, trade_no, platform_trade_no, status, amount,
              signature, account_id, dedupe_key)
           SELECT id, raw_body, content_type, headers, source_ip, trade_no, platform_trade_no, status, amount,
                  signature,
                  COALESCE(
                    (SELECT owner.account_id FROM (
                       SELECT i.account_id FROM checkout_intent i
                        WHERE i.trade_no = numbered.trade_no
                          AND i.account_id = ANY(string_to_array(numbered.candidates, ','))
                       UNION ALL
                       SELECT i.account_id FROM superseded_trade_no s
                         JOIN checkout_intent i ON i.id = s.intent_id
                        WHERE s.trade_no = numbered.trade_no
                          AND i.account_id = ANY(string_to_array(numbered.candidates, ','))
                     ) AS owner
                     WHERE numbered.candidates IS NOT NULL LIMIT 1),
                    account_id),
                  dedupe_key
             FROM numbered
         )
         SELECT id FROM numbered ORDER BY n`,
} as const;

/**
 * INSERTs deliveries in one statement and resolves with their ids (bigints, as decimal text), in
 * the order given, once committed (a single statement outside a transaction block commits on its
 * own). All or nothing: if the statement fails, no row of the batch exists.
 */
export async function storeNotifications(pool: pg.Pool, rows: readonly NotificationRow[]): Promise<string[]> {
  const column = <T>(pick: (row: NotificationRow) => T): T[] => rows.map(pick);
  const result = await pool.query<{ id: string }>({
    ...INSERT_NOTIFICATIONS,
    values: [
      column((row) => row.rawBody),
      column((row) => row.contentType),
      column((row) => JSON.stringify(row.headers)),
      column((row) => row.sourceIp),
      column((row) => row.tradeNo),
      column((row) => row.platformTradeNo),
      column((row) => row.status),
      column((row) => row.amount),
      column((row) => row.signature),
      column((row) => row.accountIds[0] ?? null),
      column((row) => row.dedupeKey),
      column((row) => (row.accountIds.length > 1 ? row.accountIds.join(',') : null)),
    ],
  });
  if (result.rows.length !== rows.length) {
    throw new Error(`stored ${result.rows.length} notifications of ${rows.length}`);
  }
  return result.rows.map((row) => String(row.id));
}
