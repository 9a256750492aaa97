// Helpers of the submit-path integration tests.
import { DEFAULT_SANDBOX_ACCOUNTS, generateTradeNo } from '@vexora-checkout/contracts';
import type { Prisma, PrismaClient } from '@vexora-checkout/db';
import { randomUUID } from 'node:crypto';

export const SUBMIT_ACCOUNT = DEFAULT_SANDBOX_ACCOUNTS[0]!;

// Explicit seq values, so the tradeNo can be generated the way the api does before the insert.
let seq = 1_000n;

export type SubmitIntentOverrides = Partial<
  Pick<
    Prisma.CheckoutIntentUncheckedCreateInput,
    | 'state'
    | 'clientId'
    | 'amount'
    | 'currency'
    | 'submissionGeneration'
    | 'stateChangedAt'
    | 'lastErrorMessage'
  >
>;

/** Inserts a PENDING 12.50 USD intent of SUBMIT_ACCOUNT unless `overrides` says otherwise. */
export async function insertSubmitIntent(prisma: PrismaClient, overrides: SubmitIntentOverrides = {}) {
  seq += 1n;
  const createdAt = new Date();
  return prisma.checkoutIntent.create({
    data: {
      id: randomUUID(),
      seq,
      clientId: 'submit-test',
      accountId: SUBMIT_ACCOUNT.id,
      merchantNo: SUBMIT_ACCOUNT.merchantNo,
      state: 'PENDING',
      stateChangedAt: createdAt,
      tradeNo: generateTradeNo({ createdAt, seq, generation: 0 }),
      amount: '12.50',
      currency: 'USD',
      payerFirstName: 'Sok',
      payerLastName: 'Dara',
      payerMobile: '12345678',
      payerEmail: 'sok@example.com',
      createdAt,
      ...overrides,
    },
  });
}
