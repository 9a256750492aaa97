import { Writable } from 'node:stream';

export interface CapturedLogLines {
  /** Every line written so far, parsed as JSON, in order. */
  lines: Record<string, unknown>[];
  /** The stream to hand to the logger as its destination. */
  destination: Writable;
}

/** A logger destination that keeps each JSON line written to it, for tests to assert on. */
export function captureLogLines(): CapturedLogLines {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { lines, destination };
}
