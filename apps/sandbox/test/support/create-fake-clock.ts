import type { Clock } from '../../src/clock/create-system-clock.js';

export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms`, running each timer that falls due, in due order, and letting
   * the promise chains each one starts settle before the next (fakes answer with promises).
   */
  advance: (ms: number) => Promise<void>;
  /** Timers not yet run. */
  pendingCount: () => number;
}

/** A clock for unit tests: time moves only when the test says so; nothing sleeps. */
export function createFakeClock(start = Date.UTC(2026, 2, 31, 7, 0, 0)): FakeClock {
  let now = start;
  let sequence = 0;
  const timers = new Map<number, { due: number; task: () => void }>();
  const settle = async () => {
    // Several turns: a settled promise may schedule further microtasks and immediates.
    for (let turn = 0; turn < 5; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return {
    now: () => now,
    schedule: (delayMs, task) => {
      const id = (sequence += 1);
      timers.set(id, { due: now + Math.max(0, delayMs), task });
      return () => {
        timers.delete(id);
      };
    },
    pendingCount: () => timers.size,
    advance: async (ms) => {
      const target = now + ms;
      await settle();
      for (;;) {
        let next: [number, { due: number; task: () => void }] | undefined;
        for (const entry of timers) if (!next || entry[1].due < next[1].due) next = entry;
        if (!next || next[1].due > target) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].due);
        next[1].task();
        await settle();
      }
      now = target;
    },
  };
}
