import { describe, expect, test } from 'vitest';
import { createCoalescer } from './create-coalescer.js';

/** A batch runner the test settles by hand, recording every group it was given. */
function controlledRunner() {
  const groups: string[][] = [];
  const pending: { inputs: string[]; resolve(): void; reject(error: Error): void }[] = [];
  const singles: string[] = [];
  const failing = new Set<string>();
  return {
    groups,
    pending,
    singles,
    failing,
    runBatch: (inputs: readonly string[]) =>
      new Promise<string[]>((resolve, reject) => {
        groups.push([...inputs]);
        pending.push({
          inputs: [...inputs],
          resolve: () => resolve(inputs.map((input) => `batch:${input}`)),
          reject,
        });
      }),
    runOne: (input: string) => {
      singles.push(input);
      return failing.has(input) ? Promise.reject(new Error(`bad ${input}`)) : Promise.resolve(`one:${input}`);
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createCoalescer', () => {
  test('a request alone goes at once, by itself', async () => {
    const runner = controlledRunner();
    const coalescer = createCoalescer({ ...runner, keyOf: (input) => input, maxBatch: 10, maxInFlight: 1 });
    expect(await coalescer.run('a')).toBe('one:a');
    expect(runner.groups).toEqual([]);
  });

  test('requests arriving while the slots are busy go together in the next group, each with its own output', async () => {
    const runner = controlledRunner();
    const coalescer = createCoalescer({ ...runner, keyOf: (input) => input, maxBatch: 3, maxInFlight: 1 });
    const first = [coalescer.run('a'), coalescer.run('b')];
    await flush();
    expect(runner.groups).toEqual([['a', 'b']]);
    const later = ['c', 'd', 'e', 'f'].map((input) => coalescer.run(input));
    await flush();
    expect(runner.groups).toHaveLength(1); // the only slot is busy: they wait
    runner.pending[0]!.resolve();
    expect(await Promise.all(first)).toEqual(['batch:a', 'batch:b']);
    await flush();
    // At most maxBatch per group; the rest follows when the slot frees again.
    expect(runner.groups).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    runner.pending[1]!.resolve();
    await flush();
    expect(await Promise.all(later)).toEqual(['batch:c', 'batch:d', 'batch:e', 'one:f']);
  });

  test('two requests with the same key never share a group', async () => {
    const runner = controlledRunner();
    const coalescer = createCoalescer({
      ...runner,
      keyOf: (input) => input[0]!,
      maxBatch: 10,
      maxInFlight: 1,
    });
    const outputs = [coalescer.run('x1'), coalescer.run('x2'), coalescer.run('y1')];
    await flush();
    expect(runner.groups).toEqual([['x1', 'y1']]);
    runner.pending[0]!.resolve();
    expect(await Promise.all(outputs)).toEqual(['batch:x1', 'one:x2', 'batch:y1']);
  });

  test('a failed group is run again request by request, so each caller gets its own answer', async () => {
    const runner = controlledRunner();
    runner.failing.add('b');
    const coalescer = createCoalescer({ ...runner, keyOf: (input) => input, maxBatch: 10, maxInFlight: 1 });
    const outputs = ['a', 'b', 'c'].map((input) =>
      coalescer.run(input).catch((error: Error) => error.message),
    );
    await flush();
    runner.pending[0]!.reject(new Error('batch failed'));
    expect(await Promise.all(outputs)).toEqual(['one:a', 'bad b', 'one:c']);
    expect(runner.singles).toEqual(['a', 'b', 'c']);
  });
});
