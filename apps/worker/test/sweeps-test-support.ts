// Helpers of the sweep integration tests.
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import type { IntentState, PrismaClient } from '@vexora-checkout/db';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const SWEEP_ACCOUNT = DEFAULT_SANDBOX_ACCOUNTS[0]!;

let counter = 0;

export interface TestIntent {
  id: string;
  tradeNo: string;
  generation: number;
  stateChangedAt: Date;
}

/**
 * Inserts an intent in `state` since `stateChangedAt`, with (by default) its `checkout.submit`
 * outbox row already published, as after a normal relay run.
 */
export async function insertIntent(
  prisma: PrismaClient,
  options: {
    state: IntentState;
    stateChangedAt: Date;
    generation?: number;
    outbox?: 'published' | 'unpublished' | 'none';
  },
): Promise<TestIntent> {
  counter += 1;
  const generation = options.generation ?? 0;
  const tradeNo = `T${process.pid}${Date.now()}${String(counter).padStart(6, '0')}`;
  const intent = await prisma.checkoutIntent.create({
    data: {
      clientId: 'sweep-test',
      accountId: SWEEP_ACCOUNT.id,
      merchantNo: SWEEP_ACCOUNT.merchantNo,
      state: options.state,
      stateChangedAt: options.stateChangedAt,
      submissionGeneration: generation,
      tradeNo,
      amount: '12.50',
      currency: 'USD',
      payerFirstName: 'Sok',
      payerLastName: 'Dara',
      payerMobile: '12345678',
      payerEmail: 'sok@example.com',
    },
  });
  const outbox = options.outbox ?? 'published';
  if (outbox !== 'none') {
    await prisma.outboxEvent.create({
      data: {
        eventType: 'checkout.submit',
        intentId: intent.id,
        generation,
        publishedAt: outbox === 'published' ? options.stateChangedAt : null,
      },
    });
  }
  return { id: intent.id, tradeNo, generation, stateChangedAt: options.stateChangedAt };
}

export const minutesAgo = (minutes: number, from = Date.now()): Date => new Date(from - minutes * 60_000);

/** Unpublished `checkout.submit` rows per intent id. */
export async function unpublishedRows(prisma: PrismaClient, intentIds: readonly string[]) {
  const rows = await prisma.outboxEvent.findMany({
    where: { intentId: { in: [...intentIds] }, publishedAt: null },
    select: { intentId: true, generation: true, payload: true },
  });
  return rows;
}

/** The state of each intent's submit job ('unknown' when there is none). */
export async function jobStates(queue: Queue, intents: readonly TestIntent[]) {
  return Promise.all(intents.map((intent) => queue.getJobState(`submit-${intent.id}-g${intent.generation}`)));
}

/** Quits a Redis connection and resolves once its socket has ended (what the leak check looks at). */
export async function quitRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  await new Promise<void>((resolve) => {
    redis.once('end', () => resolve());
    redis.quit().catch(() => redis.disconnect());
  });
}
