import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { FileError } from './file-error.js';
import { formatCsvRow } from './format-csv-row.js';
import { RESULT_COLUMNS, resultFields, type ResultRow } from './result-row.js';

export interface ResultsWriter {
  write(rows: readonly ResultRow[]): Promise<void>;
  close(): Promise<void>;
}

/** A results file, written as rows come (with backpressure), header first. */
export async function createResultsWriter(path: string): Promise<ResultsWriter> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new FileError(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  const write = async (text: string) => {
    if (failure) throw failure;
    if (!stream.write(text)) await once(stream, 'drain');
  };
  await write(formatCsvRow(RESULT_COLUMNS));
  return {
    write: (rows) => write(rows.map((row) => formatCsvRow(resultFields(row))).join('')),
    close: async () => {
      if (failure) throw failure;
      await new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    },
  };
}
