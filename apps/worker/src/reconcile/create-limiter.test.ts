import { describe, expect, it } from 'vitest';
import { createLimiter } from './create-limiter.js';

/** A task that finishes when told to, recording when it started. */
function gate(started: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    task: async () => {
      started.push(name);
      await opened;
      return name;
    },
    open: () => open(),
  };
}

describe('createLimiter', () => {
  it('runs at most max tasks at once, the others in arrival order, and passes results and errors through', async () => {
    const limiter = createLimiter(2);
    const started: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => gate(started, name)) as [
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
    ];
    const results = [a, b, c].map((entry) => limiter.run(entry.task));
    const failing = limiter.run(async () => {
      await d.task();
      throw new Error('d failed');
    });
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 2, waiting: 2 });

    b.open();
    await expect(results[1]).resolves.toBe('b');
    expect(started).toEqual(['a', 'b', 'c']);
    a.open();
    c.open();
    d.open();
    await expect(Promise.all([results[0], results[2]])).resolves.toEqual(['a', 'c']);
    await expect(failing).rejects.toThrow('d failed');
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 0, waiting: 0 });
  });

  it('refuses fewer than one slot', () => {
    expect(() => createLimiter(0)).toThrow('at least one slot');
  });
});
