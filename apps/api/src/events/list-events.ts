import type { CheckoutEventResource, IntentStateName } from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import { z } from 'zod';

/** Where a page starts: after this (transaction, history id) pair. */
export interface EventCursor {
  txId: bigint;
  id: bigint;
}

const START: EventCursor = { txId: 0n, id: 0n };

/** `<tx_id>.<id>`, both decimal: opaque to clients, ordered like the feed. */
export const formatEventCursor = (cursor: EventCursor): string => `${cursor.txId}.${cursor.id}`;

export const listEventsQuerySchema = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,20}\.\d{1,19}$/, 'must be a cursor returned by this endpoint')
    .transform((value): EventCursor => {
      const [txId, id] = value.split('.');
      return { txId: BigInt(txId!), id: BigInt(id!) };
    })
    .optional(),
  limit: z.coerce.number().int().min(1, 'must be 1-1000').max(1000, 'must be 1-1000').default(100),
});

/** The events feed's item: the shape the client package parses too. */
export type IntentEvent = CheckoutEventResource;

/**
 * Every state change of the client's intents, from `after`, in (writing transaction, history id)
 * order. One cursor follows all intents, and never skips a row:
 *
 * - Rows become visible when their transaction commits, not in id order: a reader could see id 12
 *   while the transaction holding id 11 still runs. So only rows of transactions older than every
 *   running one are served (`tx_id < pg_snapshot_xmin`): every transaction below that bound has
 *   ended, so all of its rows are visible already.
 * - Transaction ids are taken in an order of their own, too: a transaction that started earlier
 *   (a smaller tx_id) may insert its history row later (a larger id). Paging by id alone could
 *   then serve id 12 of an older transaction and skip id 11 of a younger one that commits later.
 *   Paging by (tx_id, id) cannot: a row that becomes visible later belongs to a transaction at or
 *   above the bound, so it sorts after everything already served.
 */
export async function listEvents(
  prisma: PrismaClient,
  clientId: string,
  after: EventCursor = START,
  limit: number,
): Promise<{ events: IntentEvent[]; nextCursor: string }> {
  const rows = await prisma.$queryRaw<
    {
      id: bigint;
      tx_id: string;
      intent_id: string;
      trade_no: string;
      merchant_reference: string | null;
      from_state: IntentStateName | null;
      to_state: IntentStateName;
      reason: string;
      created_at: Date;
    }[]
  >`
    SELECT h.id, h.tx_id::text AS tx_id, h.intent_id::text, i.trade_no, i.merchant_reference, h.from_state::text AS from_state,
           h.to_state::text AS to_state, h.reason, h.created_at
    FROM status_history h JOIN checkout_intent i ON i.id = h.intent_id
    WHERE h.client_id = ${clientId}
      AND (h.tx_id, h.id) > (${after.txId.toString()}::xid8, ${after.id})
      AND h.tx_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY h.tx_id, h.id
    LIMIT ${limit}`;
  const events = rows.map((row) => ({
    cursor: formatEventCursor({ txId: BigInt(row.tx_id), id: row.id }),
    intentId: row.intent_id,
    tradeNo: row.trade_no,
    merchantReference: row.merchant_reference,
    fromState: row.from_state,
    toState: row.to_state,
    reason: row.reason,
    occurredAt: row.created_at.toISOString(),
  }));
  return { events, nextCursor: events.at(-1)?.cursor ?? formatEventCursor(after) };
}
