import { createReadStream } from 'node:fs';

/**
 * Roughly how many rows a file holds, for the progress line's ETA: its line breaks, less the
 * header of a CSV file. (Quoted line breaks and blank lines make it an upper bound.) Reading the
 * bytes once costs milliseconds per megabyte.
 */
export async function estimateRowCount(path: string, hasHeader: boolean): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const bytes = chunk as Buffer;
    for (let index = bytes.indexOf(0x0a); index !== -1; index = bytes.indexOf(0x0a, index + 1)) lines += 1;
    if (bytes.length > 0) last = bytes[bytes.length - 1] ?? last;
  }
  if (last !== 0x0a) lines += 1;
  return Math.max(0, lines - (hasHeader ? 1 : 0));
}
