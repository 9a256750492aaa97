import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FileError } from './file-error.js';
import { detectInputFormat, readOrderRows, type InputFormat, type OrderRow } from './read-order-rows.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vexora-cli-rows-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(name: string, text: string, format: InputFormat): Promise<OrderRow[]> {
  const path = join(dir, name);
  await writeFile(path, text);
  const rows: OrderRow[] = [];
  for await (const row of readOrderRows(path, format)) rows.push(row);
  return rows;
}

describe('readOrderRows', () => {
  test('CSV: columns by header name, trimmed cells, empty cells absent, line numbers', async () => {
    const rows = await read(
      'a.csv',
      'amount, orderId ,remark\n12.50,A-1,\n"4,000",A-2,"two\nlines"\n1,A-3\n\n5,A-4,ok\n',
      'csv',
    );
    expect(rows).toEqual([
      { line: 2, fields: { amount: '12.50', orderId: 'A-1' } },
      { line: 3, fields: { amount: '4,000', orderId: 'A-2', remark: 'two\nlines' } },
      { line: 5, fields: {}, error: 'has 2 fields where the header has 3' },
      { line: 7, fields: { amount: '5', orderId: 'A-4', remark: 'ok' } },
    ]);
  });

  test('CSV: refuses a header with unknown or repeated columns or without orderId', async () => {
    await expect(read('b.csv', 'orderId,amout\n1,2\n', 'csv')).rejects.toThrow(FileError);
    await expect(read('b.csv', 'orderId,amout\n', 'csv')).rejects.toThrow('unknown column(s) "amout"');
    await expect(read('c.csv', 'orderId,amount,amount\n', 'csv')).rejects.toThrow(
      'column(s) named twice: amount',
    );
    await expect(read('d.csv', 'amount\n1\n', 'csv')).rejects.toThrow('the header has no orderId column');
    await expect(read('e.csv', '', 'csv')).rejects.toThrow('the file is empty');
  });

  test('NDJSON: one object per line, blank lines skipped, bad lines reported with their number', async () => {
    const rows = await read(
      'a.ndjson',
      '{"orderId":"A-1","amount":"1.00"}\r\n\n{"orderId":\n[1,2]\n  {"orderId":2}  \n',
      'ndjson',
    );
    expect(rows).toEqual([
      { line: 1, fields: { orderId: 'A-1', amount: '1.00' } },
      { line: 3, fields: {}, error: 'is not valid JSON' },
      { line: 4, fields: {}, error: 'must be a JSON object' },
      { line: 5, fields: { orderId: 2 } },
    ]);
  });

  test('detects the format from the file name', () => {
    expect(['o.csv', 'O.CSV', 'o.ndjson', 'o.jsonl', 'o.json', 'o'].map(detectInputFormat)).toEqual([
      'csv',
      'csv',
      'ndjson',
      'ndjson',
      undefined,
      undefined,
    ]);
  });
});
