// The dashboard views and function of the reconciliation_views migration, on a few known rows.
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { afterAll, beforeEach, describe, expect, test } from '@vexora-checkout/testing';
import { insertIntent, minutesAgo } from '../../test/sweeps-test-support.js';
import { recordException } from './record-exception.js';

let prisma: PrismaClient;

test.beforeAll(({ databaseUrl }) => {
  prisma = createPrismaClient({ databaseUrl, poolSize: 4 });
});
afterAll(async () => {
  await prisma.$disconnect();
});
beforeEach(async () => {
  await prisma.$executeRawUnsafe(
    'TRUNCATE reconciliation_exception, gateway_notification, superseded_trade_no, outbox_event, submission_attempt, status_history, checkout_intent',
  );
});

describe('dashboard views', () => {
  test('daily totals by Phnom Penh or UTC day; partial payments; stuck intents; open exceptions', async () => {
    const paid = await insertIntent(prisma, { state: 'PAID', stateChangedAt: minutesAgo(1) });
    const partial = await insertIntent(prisma, { state: 'PARTIALLY_PAID', stateChangedAt: minutesAgo(1) });
    await insertIntent(prisma, { state: 'UNKNOWN', stateChangedAt: minutesAgo(20) }); // stuck (> 15 min)
    await insertIntent(prisma, { state: 'UNKNOWN', stateChangedAt: minutesAgo(2) }); // not yet
    // 20:30 UTC is 03:30 the next day in Phnom Penh.
    const evening = new Date('2026-11-20T20:30:00Z');
    await prisma.checkoutIntent.updateMany({ data: { createdAt: evening } });
    await prisma.checkoutIntent.update({ where: { id: paid.id }, data: { paidAmount: '12.50' } });
    await prisma.checkoutIntent.update({ where: { id: partial.id }, data: { paidAmount: '5.00' } });

    type Row = { day: Date; state: string; intents: bigint; requested_amount: string; paid_amount: string };
    const local = await prisma.$queryRaw<Row[]>`
      SELECT day, state::text, intents, requested_amount::text, paid_amount::text
      FROM intent_daily_totals('2026-11-20T00:00:00Z', '2026-11-22T00:00:00Z') ORDER BY state`;
    expect(local.map((row) => [row.day.toISOString().slice(0, 10), row.state, row.intents])).toEqual([
      ['2026-11-21', 'PAID', 1n],
      ['2026-11-21', 'PARTIALLY_PAID', 1n],
      ['2026-11-21', 'UNKNOWN', 2n],
    ]);
    expect(local.map((row) => [row.requested_amount, row.paid_amount])).toEqual([
      ['12.50', '12.50'],
      ['12.50', '5.00'],
      ['25.00', '0'],
    ]);
    const utc = await prisma.$queryRaw<Row[]>`
      SELECT DISTINCT day FROM intent_daily_totals('2026-11-20T00:00:00Z', '2026-11-22T00:00:00Z', 'UTC')`;
    expect(utc.map((row) => row.day.toISOString().slice(0, 10))).toEqual(['2026-11-20']);

    expect(
      await prisma.$queryRaw`SELECT intent_id::text, requested_amount::text, paid_amount::text, outstanding_amount::text
                             FROM intent_partial_payments`,
    ).toEqual([
      { intent_id: partial.id, requested_amount: '12.50', paid_amount: '5.00', outstanding_amount: '7.50' },
    ]);
    expect(await prisma.$queryRaw`SELECT state::text, intents FROM stuck_intents_by_state`).toEqual([
      { state: 'UNKNOWN', intents: 1n },
    ]);

    await prisma.$transaction(async (tx) => {
      await recordException(tx, { kind: 'amount_mismatch', scope: 'a', intentId: paid.id, evidence: {} });
      await recordException(tx, { kind: 'unknown_trade_no', scope: 'b', evidence: {} });
      await recordException(tx, { kind: 'unknown_trade_no', scope: 'b', evidence: {} }); // once
    });
    await prisma.reconciliationException.updateMany({
      where: { kind: 'unknown_trade_no' },
      data: { resolvedAt: new Date(), resolution: 'false_alarm' },
    });
    expect(
      await prisma.$queryRaw`SELECT kind, intent_id::text, intent_state::text FROM open_reconciliation_exceptions`,
    ).toEqual([{ kind: 'amount_mismatch', intent_id: paid.id, intent_state: 'PAID' }]);
    expect(await prisma.reconciliationException.count()).toBe(2);
  });
});
