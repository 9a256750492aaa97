/** Something a test opened that must be closed before the test ends. */
export interface TrackedResource {
  /** How the leak is reported, e.g. "BullMQ Worker 'checkout-submit'". */
  label: string;
  isClosed(): boolean;
  close(): Promise<void>;
}

/**
 * Remembers what a test opened through the harness. At the end of the test, anything still open
 * is closed for it (so one leak does not poison the next test) and the test fails, naming it.
 */
export class ResourceTracker {
  readonly #resources: TrackedResource[] = [];

  track<T>(
    resource: T,
    describe: {
      label: string;
      isClosed(resource: NoInfer<T>): boolean;
      close(resource: NoInfer<T>): Promise<unknown>;
    },
  ): T {
    this.#resources.push({
      label: describe.label,
      isClosed: () => describe.isClosed(resource),
      close: async () => {
        await describe.close(resource);
      },
    });
    return resource;
  }

  /** Closes what is still open and throws a LeakError listing it; resolves when nothing leaked. */
  async closeAndAssertNoLeaks(): Promise<void> {
    const leaked = this.#resources.filter((resource) => !resource.isClosed());
    this.#resources.length = 0;
    // Workers first: closing a queue under a running worker makes the worker log errors.
    const ordered = [...leaked].sort(
      (a, b) => Number(b.label.includes('Worker')) - Number(a.label.includes('Worker')),
    );
    for (const resource of ordered) await resource.close().catch(() => undefined);
    if (leaked.length > 0) throw new LeakError(leaked.map((resource) => resource.label));
  }
}

export class LeakError extends Error {
  constructor(readonly labels: readonly string[]) {
    super(`The test left open: ${labels.join(', ')}. Close them before the test ends (await .close()).`);
    this.name = 'LeakError';
  }
}
