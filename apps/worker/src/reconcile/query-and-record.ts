import type { Prisma } from '@vexora-checkout/db';
import type { GatewayClient, QueryResult } from '@vexora-checkout/gateway-client';
import { recordAttempt } from '../submit/record-attempt.js';

/**
 * Asks Vexora about one order and writes the query's `submission_attempt` row, whatever the
 * answer: reconciliation and the poll sweep both rely on every query leaving that audit row.
 */
export async function queryAndRecord(
  db: Prisma.TransactionClient,
  gateway: GatewayClient,
  target: { intentId: string; generation: number; tradeNo: string },
): Promise<QueryResult> {
  const result = await gateway.query(target.tradeNo);
  const { intentId, generation, tradeNo } = target;
  await recordAttempt(db, { intentId, generation, tradeNo, kind: 'query', result });
  return result;
}
