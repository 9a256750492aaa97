import { describe, expect, test } from 'vitest';
import { createCachedValue } from './create-cached-value.js';

/** A load the test settles by hand, counting how often it was started. */
function controlledLoads<T>() {
  const pending: { resolve: (value: T) => void; reject: (error: Error) => void }[] = [];
  return {
    pending,
    load: () =>
      new Promise<T>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  };
}

function setup(overrides: { waitMs?: number } = {}) {
  let now = 1_000_000;
  const loads = controlledLoads<number>();
  const errors: unknown[] = [];
  const cached = createCachedValue({
    load: loads.load,
    ttlMs: 60_000,
    waitMs: overrides.waitMs ?? 50,
    maxAgeMs: 300_000,
    onError: (error) => errors.push(error),
    now: () => now,
  });
  return { cached, loads, errors, advance: (ms: number) => (now += ms) };
}

describe('createCachedValue', () => {
  test('loads once, then serves the value without asking again until the ttl has passed', async () => {
    const { cached, loads, advance } = setup();
    const first = cached.get();
    loads.pending[0]?.resolve(7);
    expect(await first).toBe(7);
    advance(59_000);
    expect(await cached.get()).toBe(7);
    expect(loads.pending).toHaveLength(1);
    expect(cached.ageMs()).toBe(59_000);

    advance(1_000);
    const refreshed = cached.get();
    expect(loads.pending).toHaveLength(2);
    loads.pending[1]?.resolve(9);
    expect(await refreshed).toBe(9);
  });

  test('concurrent readers share one load', async () => {
    const { cached, loads } = setup();
    const readers = [cached.get(), cached.get(), cached.get()];
    expect(loads.pending).toHaveLength(1);
    loads.pending[0]?.resolve(3);
    expect(await Promise.all(readers)).toEqual([3, 3, 3]);
  });

  test('a reader does not wait past waitMs for a slow load: it gets the previous value, the next one the new', async () => {
    const { cached, loads, advance } = setup({ waitMs: 5 });
    const first = cached.get();
    loads.pending[0]?.resolve(1);
    await first;
    advance(60_000);
    expect(await cached.get()).toBe(1); // the refresh is still running
    expect(loads.pending).toHaveLength(2);
    loads.pending[1]?.resolve(2);
    await Promise.resolve();
    expect(await cached.get()).toBe(2);
    expect(loads.pending).toHaveLength(2);
  });

  test('a failed load is reported, keeps the previous value, and is not retried before the ttl', async () => {
    const { cached, loads, errors, advance } = setup();
    const first = cached.get();
    loads.pending[0]?.resolve(5);
    await first;
    advance(60_000);
    const failing = cached.get();
    loads.pending[1]?.reject(new Error('connection refused'));
    expect(await failing).toBe(5);
    expect(errors).toEqual([new Error('connection refused')]);

    advance(30_000);
    expect(await cached.get()).toBe(5);
    expect(loads.pending).toHaveLength(2); // no new attempt yet
    advance(30_000);
    void cached.get();
    expect(loads.pending).toHaveLength(3);
  });

  test('a value older than maxAgeMs is no longer served', async () => {
    const { cached, loads, advance } = setup({ waitMs: 5 });
    const first = cached.get();
    loads.pending[0]?.resolve(4);
    await first;
    advance(300_001);
    expect(await cached.get()).toBeUndefined(); // its refresh hangs
    expect(cached.ageMs()).toBeUndefined();
  });

  test('nothing is served before the first load succeeds', async () => {
    const { cached, loads } = setup();
    const first = cached.get();
    loads.pending[0]?.reject(new Error('down'));
    expect(await first).toBeUndefined();
  });
});
