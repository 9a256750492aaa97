import type { Clock } from './create-system-clock.js';

/**
 * Timers that must not outlive the sandbox (auto-settlements, held and delayed answers): each
 * can be cancelled alone, and `cancelAll` cancels the rest at stop or reset, running their
 * `onCancel` (e.g. destroying a held connection, so a stop never waits for a hold to end).
 */
export class PendingTimers {
  readonly #clock: Clock;
  readonly #timers = new Map<number, { cancel: () => void; onCancel?: () => void }>();
  #nextId = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#timers.size;
  }

  schedule(delayMs: number, task: () => void, onCancel?: () => void): () => void {
    const id = (this.#nextId += 1);
    const cancel = this.#clock.schedule(delayMs, () => {
      this.#timers.delete(id);
      task();
    });
    this.#timers.set(id, { cancel, onCancel });
    return () => {
      cancel();
      this.#timers.delete(id);
    };
  }

  cancelAll(): void {
    const timers = [...this.#timers.values()];
    this.#timers.clear();
    for (const { cancel, onCancel } of timers) {
      cancel();
      onCancel?.();
    }
  }
}
