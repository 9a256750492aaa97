export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporter {
  /** `done` rows handled so far, `failed` of them failed. Cheap: call it as often as you like. */
  update(done: number, failed: number): void;
  /** Prints the last state and ends the line. */
  finish(done: number, failed: number): void;
  /** Prints a message on its own line (clearing the progress line on a terminal first). */
  log(message: string): void;
}

/**
 * A progress line on stderr: rows handled, rate, ETA (from `total`, an estimate made before the
 * run). On a terminal the line is redrawn in place at most every `ttyIntervalMs`; elsewhere (CI
 * logs, a file) a plain line is printed every `plainIntervalMs`, so logs stay readable.
 */
export function createProgressReporter(
  stream: ProgressStream,
  options: {
    total: number | undefined;
    label: string;
    now?: () => number;
    ttyIntervalMs?: number;
    plainIntervalMs?: number;
  },
): ProgressReporter {
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  const interval = tty ? (options.ttyIntervalMs ?? 150) : (options.plainIntervalMs ?? 5_000);
  const startedAt = now();
  let printedAt = startedAt;

  const describe = (done: number, failed: number, withEta = true): string => {
    const seconds = Math.max((now() - startedAt) / 1000, 0.001);
    const rate = done / seconds;
    const total = options.total !== undefined ? Math.max(options.total, done) : undefined;
    const parts = [
      total
        ? `${options.label} ${formatCount(done)}/${formatCount(total)} (${Math.floor((done / total) * 100)}%)`
        : `${options.label} ${formatCount(done)}`,
      `${formatCount(Math.round(rate))}/s`,
    ];
    if (withEta && total && rate > 0) parts.push(`ETA ${formatDuration((total - done) / rate)}`);
    parts.push(`${formatCount(failed)} failed`);
    return parts.join(' · ');
  };

  return {
    update(done, failed) {
      if (now() - printedAt < interval) return;
      printedAt = now();
      stream.write(tty ? `\r\x1b[2K${describe(done, failed)}` : `${describe(done, failed)}\n`);
    },
    log(message) {
      stream.write(`${tty ? '\r\x1b[2K' : ''}${message}\n`);
    },
    finish(done, failed) {
      const elapsed = formatDuration((now() - startedAt) / 1000);
      stream.write(`${tty ? '\r\x1b[2K' : ''}${describe(done, failed, false)} · ${elapsed}\n`);
    },
  };
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
