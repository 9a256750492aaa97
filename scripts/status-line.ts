// One line of live status under the apps' logs. On a terminal it is redrawn in place, and every
// log line printed meanwhile goes above it; elsewhere (a file, CI) it is printed as a plain line
// every few seconds, so the output stays readable.

export interface StatusLine {
  /** Prints one line of output (an app's log), keeping the status line below it. */
  print(line: string): void;
  /** Shows `text` as the current status. */
  update(text: string): void;
  /** Leaves the current status on screen as an ordinary line and stops redrawing it. */
  finish(): void;
}

const PLAIN_INTERVAL_MS = 5_000;

export function createStatusLine(stream: NodeJS.WriteStream = process.stdout): StatusLine {
  const tty = stream.isTTY;
  let current = '';
  let lastPlainAt = 0;
  let unprinted = '';
  return {
    print(line) {
      if (tty && current) stream.write(`\r\x1b[K${line}\n${current}`);
      else stream.write(`${line}\n`);
    },
    update(text) {
      if (tty) {
        // Cut to the terminal's width: a wrapped line could not be redrawn in place.
        current = stream.columns ? text.slice(0, stream.columns - 1) : text;
        stream.write(`\r\x1b[K${current}`);
      } else if (Date.now() - lastPlainAt >= PLAIN_INTERVAL_MS) {
        lastPlainAt = Date.now();
        unprinted = '';
        stream.write(`${text}\n`);
      } else {
        unprinted = text;
      }
    },
    finish() {
      if (tty && current) stream.write('\n');
      else if (!tty && unprinted) stream.write(`${unprinted}\n`);
      current = '';
      unprinted = '';
    },
  };
}
