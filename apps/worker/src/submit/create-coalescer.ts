/** Runs single requests, grouping the ones that arrive while earlier groups are in flight. */
export interface Coalescer<Input, Output> {
  run(input: Input): Promise<Output>;
}

export interface CoalescerOptions<Input, Output> {
  /** Runs a group of requests; resolves with one output per input, in the same order. */
  runBatch(inputs: readonly Input[]): Promise<Output[]>;
  /** Runs one request alone: a group of one, and each request again when its group failed. */
  runOne(input: Input): Promise<Output>;
  /** Requests with the same key never share a group (the later one waits for the next). */
  keyOf(input: Input): string;
  /** Largest group. */
  maxBatch: number;
  /** Groups running at once; requests arriving while all are busy wait and go together. */
  maxInFlight: number;
}

interface Waiting<Input, Output> {
  input: Input;
  resolve: (output: Output) => void;
  reject: (error: unknown) => void;
}

/**
 * Natural batching: a request goes out at once when a slot is free (no added latency when the
 * load is light), and the requests that arrive while every slot is busy go out together in the
 * next group, so under load the groups grow with the load instead of the statements. A group that
 * fails is run again request by request, so one bad request cannot fail the others and every
 * caller gets its own error.
 */
export function createCoalescer<Input, Output>(
  options: CoalescerOptions<Input, Output>,
): Coalescer<Input, Output> {
  const queue: Waiting<Input, Output>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const settleAlone = (entry: Waiting<Input, Output>) =>
    options.runOne(entry.input).then(entry.resolve, entry.reject);

  const runGroup = async (group: Waiting<Input, Output>[]): Promise<void> => {
    if (group.length === 1) return settleAlone(group[0]!);
    let outputs: Output[];
    try {
      outputs = await options.runBatch(group.map((entry) => entry.input));
      if (outputs.length !== group.length) throw new Error('runBatch returned a wrong number of outputs');
    } catch {
      await Promise.all(group.map(settleAlone));
      return;
    }
    group.forEach((entry, index) => entry.resolve(outputs[index]!));
  };

  const pump = (): void => {
    scheduled = false;
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const group: Waiting<Input, Output>[] = [];
      const keys = new Set<string>();
      for (let index = 0; index < queue.length && group.length < options.maxBatch;) {
        const entry = queue[index]!;
        const key = options.keyOf(entry.input);
        if (keys.has(key)) {
          index += 1;
          continue;
        }
        keys.add(key);
        group.push(entry);
        queue.splice(index, 1);
      }
      inFlight += 1;
      void runGroup(group).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  };

  return {
    run: (input) =>
      new Promise<Output>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        // Requests made in the same tick (jobs whose answers arrived together) share a group.
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(pump);
        }
      }),
  };
}
