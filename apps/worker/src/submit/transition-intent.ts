import type { CheckoutIntent, IntentState, Prisma } from '@vexora-checkout/db';

export interface Transition {
  intentId: string;
  /** The states the intent may be in for the change to apply (the guard). */
  from: readonly IntentState[];
  to: IntentState;
  /** When set, the change applies only to this submission generation (a stale job is a no-op). */
  generation?: number;
  /** Other columns to set with the state. */
  data?: Omit<Prisma.CheckoutIntentUpdateManyMutationInput, 'state' | 'version' | 'stateChangedAt'>;
  actor: 'api' | 'worker' | 'reconcile' | 'sweeper' | 'operator';
  reason: string;
  details?: Prisma.InputJsonValue;
}

/**
 * The one way an intent changes state: a guarded update (only from the allowed states, bumping
 * `version`) and its `status_history` row, in the caller's transaction. Returns the updated
 * intent, or null when the guard did not match (another process got there first: a duplicate
 * job, a concurrent notification), which callers treat as "nothing to do".
 */
export async function transitionIntent(
  tx: Prisma.TransactionClient,
  transition: Transition,
  now: Date = new Date(),
): Promise<CheckoutIntent | null> {
  const current = await tx.checkoutIntent.findUnique({ where: { id: transition.intentId } });
  if (!current || !transition.from.includes(current.state)) return null;
  if (transition.generation !== undefined && current.submissionGeneration !== transition.generation)
    return null;
  const updated = await tx.checkoutIntent.updateMany({
    where: { id: current.id, version: current.version },
    data: { ...transition.data, state: transition.to, version: { increment: 1 }, stateChangedAt: now },
  });
  if (updated.count === 0) return null;
  await tx.statusHistory.create({
    data: {
      intentId: current.id,
      clientId: current.clientId,
      fromState: current.state,
      toState: transition.to,
      actor: transition.actor,
      reason: transition.reason,
      ...(transition.details === undefined ? {} : { details: transition.details }),
      createdAt: now,
    },
  });
  return tx.checkoutIntent.findUniqueOrThrow({ where: { id: current.id } });
}
