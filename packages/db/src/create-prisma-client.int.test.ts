import { expect, test } from '@vexora-checkout/testing';
import { createPrismaClient } from './create-prisma-client.js';
import { IntentState, Prisma } from './generated/prisma/client.js';

test('writes an intent with its outbox event and history in one transaction, and reads them back', async ({
  databaseUrl,
}) => {
  const prisma = createPrismaClient({ databaseUrl, poolSize: 2 });
  try {
    const intent = await prisma.$transaction(async (tx) => {
      const created = await tx.checkoutIntent.create({
        data: {
          clientId: 'client-1',
          accountId: 'sandbox-usd',
          merchantNo: 'M0001',
          merchantReference: 'order-42',
          tradeNo: '20261126120000000001',
          amount: new Prisma.Decimal('12345.67'),
          currency: 'USD',
          payerFirstName: 'Sok',
          payerLastName: 'Dara',
          payerMobile: '12345678',
          payerEmail: 'sok@example.com',
        },
      });
      await tx.outboxEvent.create({ data: { eventType: 'checkout.submit', intentId: created.id } });
      await tx.statusHistory.create({
        data: {
          intentId: created.id,
          clientId: 'client-1',
          toState: IntentState.PENDING,
          actor: 'api',
          reason: 'intent.created',
        },
      });
      return created;
    });

    const loaded = await prisma.checkoutIntent.findUniqueOrThrow({
      where: { id: intent.id },
      include: { outboxEvents: true, statusHistory: true },
    });
    expect(loaded.state).toBe('PENDING');
    expect(loaded.submissionGeneration).toBe(0);
    // Money survives exactly: a decimal, never a float.
    expect(loaded.amount.toFixed(2)).toBe('12345.67');
    expect(typeof loaded.seq).toBe('bigint');
    expect(loaded.outboxEvents).toHaveLength(1);
    expect(loaded.outboxEvents[0]).toMatchObject({
      eventType: 'checkout.submit',
      publishedAt: null,
      generation: 0,
    });
    expect(loaded.statusHistory.map((row) => [row.fromState, row.toState])).toEqual([[null, 'PENDING']]);

    // The names dashboards rely on are the snake_case ones.
    const rows = await prisma.$queryRaw<{ trade_no: string; state: string; amount: string }[]>`
      SELECT trade_no, state::text AS state, amount::text AS amount FROM checkout_intent WHERE id = ${intent.id}::uuid`;
    expect(rows).toEqual([{ trade_no: '20261126120000000001', state: 'PENDING', amount: '12345.67' }]);
  } finally {
    await prisma.$disconnect();
  }
});

test('refuses a second intent with the same merchant reference for one client', async ({ databaseUrl }) => {
  const prisma = createPrismaClient({ databaseUrl, poolSize: 1 });
  const intent = (tradeNo: string) => ({
    clientId: 'client-2',
    accountId: 'sandbox-khr',
    merchantNo: 'M0001',
    merchantReference: 'order-dup',
    tradeNo,
    amount: new Prisma.Decimal('4000'),
    currency: 'KHR' as const,
    payerFirstName: 'A',
    payerLastName: 'B',
    payerMobile: '87654321',
    payerEmail: 'a@example.com',
  });
  try {
    await prisma.checkoutIntent.create({ data: intent('20261126120000000101') });
    await expect(
      prisma.checkoutIntent.create({ data: intent('20261126120000000102') }),
    ).rejects.toMatchObject({
      code: 'P2002',
    });
  } finally {
    await prisma.$disconnect();
  }
});
