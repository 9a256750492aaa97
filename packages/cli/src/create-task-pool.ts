export interface TaskPool {
  /** Starts `task` once fewer than `concurrency` tasks run; resolves when it has started. */
  add(task: () => Promise<void>): Promise<void>;
  /** Resolves when every task started so far has finished. */
  drain(): Promise<void>;
}

/**
 * Bounded concurrency with backpressure: the producer awaits `add`, so it reads no further ahead
 * than the pool can take. Tasks must handle their own errors (one that throws fails `add` or
 * `drain`, which the caller treats as a bug).
 */
export function createTaskPool(concurrency: number): TaskPool {
  const running = new Set<Promise<void>>();
  return {
    async add(task) {
      while (running.size >= concurrency) await Promise.race(running);
      const started: Promise<void> = task().finally(() => running.delete(started));
      running.add(started);
    },
    async drain() {
      await Promise.all(running);
    },
  };
}
