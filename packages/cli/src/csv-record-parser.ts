/** One CSV record, with the line (1-based) it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record is malformed; `fields` is then what could be read. */
  error?: string;
}

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted' | 'afterQuoted';

/**
 * An incremental RFC 4180 parser: feed it text in chunks of any size (a chunk may end in the
 * middle of a field, a quote pair or a CRLF), take the complete records out. Quoted fields may
 * hold commas, doubled quotes and line breaks; records end with LF, CRLF or CR; blank lines are
 * skipped; a leading byte-order mark is dropped. A malformed record (text after a closing quote, a
 * quote never closed) is returned with an `error`, so the caller can report its line and go on.
 *
 * Written here rather than taken from a library: the repository has no CSV dependency, and the
 * bulk CLI needs line numbers for every record, which this gives for free.
 */
export class CsvRecordParser {
  private state: State = 'fieldStart';
  private field = '';
  private fields: string[] = [];
  private error: string | undefined;
  /** The physical line being read, and the one the current record started on. */
  private line = 1;
  private recordLine = 1;
  private skipNextLf = false;
  private started = false;
  private quotedSeen = false;

  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    let start = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    for (let index = start; index < text.length; index += 1) {
      const char = text[index] as string;
      if (this.skipNextLf) {
        this.skipNextLf = false;
        if (char === '\n') {
          if (this.state === 'quoted') this.field += char;
          continue;
        }
      }
      const newline = char === '\n' || char === '\r';
      switch (this.state) {
        case 'quoted':
          if (char === '"') this.state = 'quoteInQuoted';
          else {
            this.field += char;
            if (newline) this.countLine(char);
          }
          break;
        case 'quoteInQuoted':
          if (char === '"') {
            this.field += '"';
            this.state = 'quoted';
            break;
          }
          this.state = 'afterQuoted';
          this.afterField(char, records);
          break;
        case 'afterQuoted':
          this.afterField(char, records);
          break;
        case 'fieldStart':
          if (char === '"') {
            this.state = 'quoted';
            this.quotedSeen = true;
            break;
          }
          this.state = 'unquoted';
          this.unquoted(char, records);
          break;
        case 'unquoted':
          this.unquoted(char, records);
          break;
      }
    }
    return records;
  }

  /** The last record, when the text does not end with a line break. */
  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.state === 'quoted') this.error ??= 'a quoted field is never closed';
    if (this.state === 'fieldStart' && this.fields.length === 0 && !this.error) return records;
    this.endField();
    this.endRecord(records);
    return records;
  }

  private unquoted(char: string, records: CsvRecord[]): void {
    if (char === ',') this.endField();
    else if (char === '\n' || char === '\r') this.endLine(char, records);
    // A quote inside an unquoted field is kept as it is (lenient, as spreadsheets write it).
    else this.field += char;
  }

  private afterField(char: string, records: CsvRecord[]): void {
    if (char === ',') this.endField();
    else if (char === '\n' || char === '\r') this.endLine(char, records);
    else {
      this.error ??= `unexpected character ${JSON.stringify(char)} after a closing quote`;
      this.field += char;
    }
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'fieldStart';
  }

  private endLine(char: string, records: CsvRecord[]): void {
    this.endField();
    this.endRecord(records);
    this.countLine(char);
    this.recordLine = this.line;
  }

  /** Ends the record whose last field `endField` has just taken. */
  private endRecord(records: CsvRecord[]): void {
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.quotedSeen;
    if (!blank || this.error) {
      records.push({
        line: this.recordLine,
        fields: this.fields,
        ...(this.error ? { error: this.error } : {}),
      });
    }
    this.fields = [];
    this.field = '';
    this.state = 'fieldStart';
    this.error = undefined;
    this.quotedSeen = false;
  }

  private countLine(char: string): void {
    this.line += 1;
    if (char === '\r') this.skipNextLf = true;
  }
}
