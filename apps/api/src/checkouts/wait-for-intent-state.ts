import type { IntentStateName } from '@vexora-checkout/contracts';
import type { CheckoutIntent, PrismaClient } from '@vexora-checkout/db';
import { findCheckoutIntent } from './find-checkout-intents.js';

/** States after which waiting for another one is pointless: the intent will not move on. */
const SETTLED: ReadonlySet<IntentStateName> = new Set([
  'PAID',
  'PARTIALLY_PAID',
  'FAILED',
  'REJECTED',
  'SUBMIT_FAILED',
  'EXPIRED',
]);

/**
 * Long-poll: returns the intent as soon as it is in `state` (or settled elsewhere), or as it is
 * when `timeoutMs` passes. Polls the row with a growing interval (25 ms to 500 ms): cheap, and
 * no connection is held between polls. Stops early when `signal` aborts (client went away).
 */
export async function waitForIntentState(
  prisma: PrismaClient,
  clientId: string,
  id: string,
  state: IntentStateName,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CheckoutIntent | null> {
  const deadline = Date.now() + timeoutMs;
  let interval = 25;
  for (;;) {
    const intent = await findCheckoutIntent(prisma, clientId, id);
    if (!intent || intent.state === state || SETTLED.has(intent.state)) return intent;
    const remaining = deadline - Date.now();
    if (remaining <= 0 || signal?.aborted) return intent;
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, remaining)));
    interval = Math.min(interval * 2, 500);
  }
}
