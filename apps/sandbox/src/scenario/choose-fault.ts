import type { Random } from './create-seeded-random.js';
import type { GatewayEndpoint, Scenario } from './scenario-schema.js';

export type Fault = 'http500' | 'code5000' | 'timeout' | 'reset' | 'lostResponse';

/** Checked in this order against one draw, so the faults are mutually exclusive. */
const FAULTS: readonly Fault[] = ['reset', 'timeout', 'http500', 'code5000', 'lostResponse'];

/**
 * Decides whether this gateway call goes wrong, and how. One draw per call (only when some rate
 * is set for the endpoint), so a seed replays the same faults for the same sequence of calls.
 */
export function chooseFault(
  faults: Scenario['faults'],
  endpoint: GatewayEndpoint,
  random: Random,
): Fault | undefined {
  if (!faults.endpoints.includes(endpoint)) return undefined;
  const total = FAULTS.reduce((sum, fault) => sum + faults[fault], 0);
  if (total === 0) return undefined;
  const draw = random();
  let threshold = 0;
  for (const fault of FAULTS) {
    threshold += faults[fault];
    if (draw < threshold) return fault;
  }
  return undefined;
}
