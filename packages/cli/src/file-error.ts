/**
 * A file cannot be used as a whole (input missing or of an unknown format, a bad CSV header, a
 * results file that cannot be written): the run ends with exit 2 and sends nothing more.
 */
export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileError';
  }
}
