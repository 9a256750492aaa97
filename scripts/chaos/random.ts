// The chaos run's random source: the sandbox's seeded generator, so that the same --seed replays
// the same kills, at the same moments, and the same load.
export {
  createSeededRandom as seededRandom,
  type Random,
} from '../../apps/sandbox/src/scenario/create-seeded-random.js';
import type { Random } from '../../apps/sandbox/src/scenario/create-seeded-random.js';

export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
