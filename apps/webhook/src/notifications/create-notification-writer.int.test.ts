import { createDatabaseClients } from '@vexora-checkout/db';
import { expect, test } from '@vexora-checkout/testing';
import { createNotificationWriter } from './create-notification-writer.js';
import type { NotificationRow } from './store-notifications.js';

function row(tradeNo: string, overrides: Partial<NotificationRow> = {}): NotificationRow {
  return {
    rawBody: `{"tradeNo":"${tradeNo}"}`,
    contentType: 'application/json',
    headers: {},
    sourceIp: '127.0.0.1',
    tradeNo,
    platformTradeNo: null,
    status: '0000',
    amount: '1.00',
    signature: 'absent',
    accountIds: [],
    dedupeKey: 'a'.repeat(64),
    ...overrides,
  };
}

test('rows stored together get their own ids, in order; a row the database refuses fails alone', async ({
  databaseUrl,
}) => {
  const { prisma, pool } = createDatabaseClients({ databaseUrl, poolSize: 2 });
  try {
    // Rows given in one turn of the event loop go together in one statement.
    const writer = createNotificationWriter(pool, { maxConcurrent: 1 });
    const ids = await Promise.all(['W-1', 'W-2', 'W-3', 'W-4'].map((tradeNo) => writer.store(row(tradeNo))));
    const stored = await pool.query<{ id: string; trade_no: string }>(
      'SELECT id, trade_no FROM gateway_notification WHERE id = ANY($1::bigint[]) ORDER BY id',
      [ids],
    );
    expect(stored.rows.map((r) => [String(r.id), r.trade_no])).toEqual([
      [ids[0], 'W-1'],
      [ids[1], 'W-2'],
      [ids[2], 'W-3'],
      [ids[3], 'W-4'],
    ]);

    // A value too long for its column (the receiver never sends one; this is the safety net).
    const results = await Promise.allSettled([
      writer.store(row('W-5')),
      writer.store(row('W-6', { status: 'x'.repeat(17) })),
      writer.store(row('W-7')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22001' });
    const survivors = await pool.query('SELECT trade_no FROM gateway_notification WHERE trade_no = ANY($1)', [
      ['W-5', 'W-6', 'W-7'],
    ]);
    expect(survivors.rows.map((r: { trade_no: string }) => r.trade_no).sort()).toEqual(['W-5', 'W-7']);

    // A row whose caller gave up before its statement was sent is withdrawn, not stored late.
    const giveUp = new AbortController();
    const kept = writer.store(row('W-8'));
    const withdrawn = writer.store(row('W-9'), giveUp.signal);
    giveUp.abort(new Error('gave up'));
    await expect(withdrawn).rejects.toThrow('gave up');
    await kept;
    const late = await pool.query('SELECT trade_no FROM gateway_notification WHERE trade_no = ANY($1)', [
      ['W-8', 'W-9'],
    ]);
    expect(late.rows).toEqual([{ trade_no: 'W-8' }]);
  } finally {
    await prisma.$disconnect();
    if (!pool.ended) await pool.end();
  }
});
