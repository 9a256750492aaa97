import type { IntentStateName } from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import { z } from 'zod';

export const listEventsQuerySchema = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,19}$/, 'must be a cursor returned by this endpoint')
    .optional(),
  limit: z.coerce.number().int().min(1, 'must be 1-1000').max(1000, 'must be 1-1000').default(100),
});

export interface IntentEvent {
  /** Opaque, increasing: pass the last one as `after` to continue. */
  cursor: string;
  intentId: string;
  tradeNo: string;
  merchantReference: string | null;
  fromState: IntentStateName | null;
  toState: IntentStateName;
  reason: string;
  occurredAt: string;
}

/**
 * Every state change of the client's intents in the order of their history ids, from `after`.
 * One cursor follows all intents.
 *
 * Ids are taken when a transaction inserts, not when it commits: a reader could see id 12 while
 * the transaction holding id 11 is still running, move its cursor past 11, and never see it. So
 * only rows written by transactions older than every running one are served
 * (tx_id < pg_snapshot_xmin): those can no longer be overtaken.
 */
export async function listEvents(
  prisma: PrismaClient,
  clientId: string,
  after: bigint,
  limit: number,
): Promise<{ events: IntentEvent[]; nextCursor: string }> {
  const rows = await prisma.$queryRaw<
    {
      id: bigint;
      intent_id: string;
      trade_no: string;
      merchant_reference: string | null;
      from_state: IntentStateName | null;
      to_state: IntentStateName;
      reason: string;
      created_at: Date;
    }[]
  >`
    SELECT h.id, h.intent_id::text, i.trade_no, i.merchant_reference, h.from_state::text AS from_state,
           h.to_state::text AS to_state, h.reason, h.created_at
    FROM status_history h JOIN checkout_intent i ON i.id = h.intent_id
    WHERE h.client_id = ${clientId} AND h.id > ${after}
      AND h.tx_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY h.id
    LIMIT ${limit}`;
  const events = rows.map((row) => ({
    cursor: row.id.toString(),
    intentId: row.intent_id,
    tradeNo: row.trade_no,
    merchantReference: row.merchant_reference,
    fromState: row.from_state,
    toState: row.to_state,
    reason: row.reason,
    occurredAt: row.created_at.toISOString(),
  }));
  return { events, nextCursor: events.at(-1)?.cursor ?? after.toString() };
}
