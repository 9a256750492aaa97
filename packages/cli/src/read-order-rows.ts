import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { FileError } from './file-error.js';
import { readCsvFile } from './read-csv-file.js';

/** The columns (CSV) or members (NDJSON) an order may have; `orderId` is required. */
export const ORDER_FIELDS = [
  'orderId',
  'amount',
  'currency',
  'firstName',
  'lastName',
  'mobile',
  'email',
  'channelCode',
  'wayCode',
  'returnUrl',
  'remark',
  'merchantReference',
] as const;

export type InputFormat = 'csv' | 'ndjson';

/** One order as read, before validation: the line it starts on and its fields. */
export interface OrderRow {
  line: number;
  fields: Record<string, unknown>;
  /** The row could not be read at all (malformed CSV, invalid JSON). */
  error?: string;
}

export function detectInputFormat(path: string): InputFormat | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  return undefined;
}

/**
 * The orders of a file, streamed: memory stays flat however long the file. CSV needs a header
 * row naming the columns (any order; unknown names are refused before anything is sent, so a
 * typo never drops a field silently); empty cells are absent fields, cells are trimmed.
 * NDJSON is one JSON object per line; blank lines are skipped.
 */
export function readOrderRows(path: string, format: InputFormat): AsyncGenerator<OrderRow> {
  return format === 'csv' ? readCsvRows(path) : readNdjsonRows(path);
}

async function* readCsvRows(path: string): AsyncGenerator<OrderRow> {
  let header: string[] | undefined;
  const known = new Set<string>(ORDER_FIELDS);
  for await (const record of readCsvFile(path)) {
    if (!header) {
      if (record.error) throw new FileError(`line ${record.line}: the header ${record.error}`);
      header = record.fields.map((name) => name.trim());
      checkHeader(header, known);
      continue;
    }
    if (record.error) {
      yield { line: record.line, fields: {}, error: record.error };
      continue;
    }
    if (record.fields.length !== header.length) {
      yield {
        line: record.line,
        fields: {},
        error: `has ${record.fields.length} fields where the header has ${header.length}`,
      };
      continue;
    }
    const fields: Record<string, unknown> = {};
    header.forEach((name, index) => {
      const value = record.fields[index]?.trim() ?? '';
      if (value !== '') fields[name] = value;
    });
    yield { line: record.line, fields };
  }
  if (!header) throw new FileError('the file is empty: a CSV file starts with a header row');
}

function checkHeader(header: string[], known: ReadonlySet<string>): void {
  const unknown = header.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new FileError(
      `unknown column(s) ${unknown.map((name) => JSON.stringify(name)).join(', ')}; the columns are ${ORDER_FIELDS.join(', ')}`,
    );
  }
  const repeated = header.filter((name, index) => header.indexOf(name) !== index);
  if (repeated.length > 0) throw new FileError(`column(s) named twice: ${repeated.join(', ')}`);
  if (!header.includes('orderId')) throw new FileError('the header has no orderId column');
}

async function* readNdjsonRows(path: string): AsyncGenerator<OrderRow> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 }),
    crlfDelay: Infinity,
  });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    const trimmed = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
    if (trimmed === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      yield { line, fields: {}, error: 'is not valid JSON' };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, fields: {}, error: 'must be a JSON object' };
      continue;
    }
    yield { line, fields: value as Record<string, unknown> };
  }
}
