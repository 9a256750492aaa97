import { createReadStream } from 'node:fs';
import { CsvRecordParser, type CsvRecord } from './csv-record-parser.js';

/** The records of a CSV file, streamed, each with the line it starts on. */
export async function* readCsvFile(path: string): AsyncGenerator<CsvRecord> {
  const parser = new CsvRecordParser();
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    yield* parser.push(chunk as string);
  }
  yield* parser.end();
}
