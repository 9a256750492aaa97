import { describe, expect, test } from 'vitest';
import { CsvRecordParser, type CsvRecord } from './csv-record-parser.js';
import { formatCsvRow } from './format-csv-row.js';

function parse(text: string, chunkSize = text.length || 1): CsvRecord[] {
  const parser = new CsvRecordParser();
  const records: CsvRecord[] = [];
  for (let start = 0; start < text.length; start += chunkSize) {
    records.push(...parser.push(text.slice(start, start + chunkSize)));
  }
  return [...records, ...parser.end()];
}

describe('CsvRecordParser', () => {
  test('reads quoted fields with commas, doubled quotes and line breaks, with the line each record starts on', () => {
    const text = 'a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",z\r\n3,,\n';
    expect(parse(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'two\nlines', 'z'] },
      { line: 5, fields: ['3', '', ''] },
    ]);
  });

  test('gives the same records whatever the chunk boundaries', () => {
    const text = '\uFEFFid,note\r\n1,"a ""b""\r\nc"\r\n\r\n2,plain\r3,"",last';
    const whole = parse(text);
    expect(whole).toEqual([
      { line: 1, fields: ['id', 'note'] },
      { line: 2, fields: ['1', 'a "b"\r\nc'] },
      { line: 5, fields: ['2', 'plain'] },
      { line: 6, fields: ['3', '', 'last'] },
    ]);
    for (const size of [1, 2, 3, 5, 7]) expect(parse(text, size)).toEqual(whole);
  });

  test('keeps a trailing empty field at the end of the file, and skips blank lines', () => {
    expect(parse('a,b,\n\n\nc,d,')).toEqual([
      { line: 1, fields: ['a', 'b', ''] },
      { line: 4, fields: ['c', 'd', ''] },
    ]);
    expect(parse('""\n')).toEqual([{ line: 1, fields: [''] }]);
    expect(parse('')).toEqual([]);
  });

  test('reports malformed records with their line and carries on', () => {
    expect(parse('1,"ok"x,2\n3,4\n5,"never closed\n6,7\n')).toEqual([
      { line: 1, fields: ['1', 'okx', '2'], error: 'unexpected character "x" after a closing quote' },
      { line: 2, fields: ['3', '4'] },
      { line: 3, fields: ['5', 'never closed\n6,7\n'], error: 'a quoted field is never closed' },
    ]);
  });

  test('keeps a quote inside an unquoted field as it is', () => {
    expect(parse('5" screen,ok\n')).toEqual([{ line: 1, fields: ['5" screen', 'ok'] }]);
  });

  test('reads back what formatCsvRow writes', () => {
    const rows = [
      ['plain', 'with, comma', 'with "quotes"', 'two\nlines', ' padded ', ''],
      ['', 'x', 'CR\r\nLF', '"', ',', 'end'],
    ];
    const text = rows.map((row) => formatCsvRow(row)).join('');
    expect(parse(text).map((record) => record.fields)).toEqual(rows);
  });
});
