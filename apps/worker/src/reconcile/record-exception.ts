import type { Currency, Prisma } from '@vexora-checkout/db';

/** What reconciliation found wrong; the values of `reconciliation_exception.kind`. */
export const EXCEPTION_KINDS = [
  'invalid_signature',
  'unknown_trade_no',
  'unconfirmed_claim',
  'amount_mismatch',
  'conflicting_final_status',
  'late_payment_after_expired',
  'local_state_overridden',
  'payment_on_superseded_trade_no',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export interface ExceptionRecord {
  kind: ExceptionKind;
  /**
   * What the exception is about, unique per kind: `notification:<id>` for a delivery,
   * `query:<intentId>:g<generation>:<status>` for a sweep's query. The stored `dedupe_key` is
   * `<kind>:<scope>`, so a retried job records nothing twice.
   */
  scope: string;
  intentId?: string | null;
  notificationId?: bigint | null;
  tradeNo?: string | null;
  accountId?: string | null;
  expectedAmount?: string | null;
  reportedAmount?: string | null;
  currency?: Currency | null;
  gatewayStatus?: string | null;
  evidence: Prisma.InputJsonObject;
}

/** Records an exception for an operator, once (`ON CONFLICT (dedupe_key) DO NOTHING`). */
export async function recordException(tx: Prisma.TransactionClient, record: ExceptionRecord): Promise<void> {
  await tx.reconciliationException.createMany({
    data: [
      {
        kind: record.kind,
        dedupeKey: `${record.kind}:${record.scope}`.slice(0, 128),
        intentId: record.intentId ?? null,
        notificationId: record.notificationId ?? null,
        tradeNo: record.tradeNo ?? null,
        accountId: record.accountId ?? null,
        expectedAmount: record.expectedAmount ?? null,
        reportedAmount: record.reportedAmount ?? null,
        currency: record.currency ?? null,
        gatewayStatus: record.gatewayStatus ?? null,
        evidence: record.evidence,
      },
    ],
    skipDuplicates: true,
  });
}
