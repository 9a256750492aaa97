import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { afterAll, beforeEach, expect, test } from '@vexora-checkout/testing';
import { pruneExpiredIdempotencyKeys } from './prune-expired-idempotency-keys.js';

let prisma: PrismaClient;

test.beforeAll(({ databaseUrl }) => {
  prisma = createPrismaClient({ databaseUrl, poolSize: 4 });
});
afterAll(async () => {
  await prisma.$disconnect();
});
beforeEach(async () => {
  await prisma.$executeRawUnsafe('TRUNCATE idempotency_key');
});

const now = new Date('2026-11-26T12:00:00Z');
const hoursFromNow = (hours: number) => new Date(now.getTime() + hours * 3_600_000);

async function insertKeys(prefix: string, count: number, expiresAt: Date): Promise<void> {
  await prisma.idempotencyKey.createMany({
    data: Array.from({ length: count }, (_, index) => ({
      clientId: 'client-a',
      key: `${prefix}-${index}`,
      requestHash: '0'.repeat(64),
      responseStatus: 202,
      responseBody: {},
      createdAt: hoursFromNow(-48),
      expiresAt,
    })),
  });
}

test('deletes every expired key, chunk by chunk, and keeps the ones still replayable', async () => {
  await insertKeys('expired', 25, hoursFromNow(-1));
  await insertKeys('live', 7, hoursFromNow(1));

  const deleted = await pruneExpiredIdempotencyKeys(
    { prisma, now: () => now },
    { chunkSize: 10, maxChunks: 5 },
  );

  expect(deleted).toBe(25);
  const left = await prisma.idempotencyKey.findMany({ select: { key: true } });
  expect(left.map((row) => row.key).sort()).toEqual(
    Array.from({ length: 7 }, (_, index) => `live-${index}`).sort(),
  );
});

test('stops after maxChunks statements, leaving the rest of a backlog for the next sweep', async () => {
  await insertKeys('expired', 25, hoursFromNow(-1));

  expect(await pruneExpiredIdempotencyKeys({ prisma, now: () => now }, { chunkSize: 10, maxChunks: 2 })).toBe(
    20,
  );
  expect(await prisma.idempotencyKey.count()).toBe(5);
  expect(await pruneExpiredIdempotencyKeys({ prisma, now: () => now }, { chunkSize: 10, maxChunks: 2 })).toBe(
    5,
  );
  expect(await prisma.idempotencyKey.count()).toBe(0);
});
