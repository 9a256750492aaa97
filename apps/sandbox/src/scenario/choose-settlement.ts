import type { Random } from './create-seeded-random.js';
import type { Scenario } from './scenario-schema.js';

export type Settlement = 'paid' | 'partial' | 'failed' | 'silent';

const SETTLEMENTS: readonly Settlement[] = ['paid', 'partial', 'failed', 'silent'];

/** Picks an auto-settlement outcome by its weight (weights are normalised by their sum). */
export function chooseSettlement(
  autoSettle: NonNullable<Scenario['autoSettle']>,
  random: Random,
): Settlement {
  const total = SETTLEMENTS.reduce((sum, outcome) => sum + autoSettle[outcome], 0);
  const draw = random() * total;
  let threshold = 0;
  for (const outcome of SETTLEMENTS) {
    threshold += autoSettle[outcome];
    if (draw < threshold) return outcome;
  }
  // Only reachable through rounding at the very top of the range: the last weighted outcome.
  return SETTLEMENTS.findLast((outcome) => autoSettle[outcome] > 0) ?? 'silent';
}
