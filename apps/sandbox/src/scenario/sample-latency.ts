import type { Random } from './create-seeded-random.js';
import type { Scenario } from './scenario-schema.js';

/** A latency in whole milliseconds, uniform in [minMs, maxMs]; no draw when it is fixed. */
export function sampleLatency(latency: Scenario['latencyMs'], random: Random): number {
  if (latency.maxMs === latency.minMs) return latency.minMs;
  return latency.minMs + Math.floor(random() * (latency.maxMs - latency.minMs + 1));
}
