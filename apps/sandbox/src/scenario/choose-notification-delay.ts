import type { Random } from './create-seeded-random.js';
import { sampleLatency } from './sample-latency.js';
import type { Scenario } from './scenario-schema.js';

/**
 * How long a notification's first attempt waits: 0 for most, a delay from `delayMs` for a share
 * `delayRate` of them. Draws nothing when `delayRate` is 0, so scenarios without delays replay
 * the same random sequence as before the option existed.
 */
export function chooseNotificationDelay(notifications: Scenario['notifications'], random: Random): number {
  const { delayRate, delayMs } = notifications;
  if (delayRate <= 0 || random() >= delayRate) return 0;
  return sampleLatency(delayMs, random);
}
