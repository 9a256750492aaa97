import { describe, expect, test } from 'vitest';
import { createProgressReporter, formatDuration } from './create-progress-reporter.js';

function sink(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) } };
}

describe('createProgressReporter', () => {
  test('prints plain lines with count, rate and ETA at most every interval when not on a terminal', () => {
    let clock = 0;
    const { written, stream } = sink(false);
    const progress = createProgressReporter(stream, {
      total: 10_000,
      label: 'orders',
      now: () => clock,
      plainIntervalMs: 5_000,
    });
    clock = 1_000;
    progress.update(1_000, 0);
    clock = 5_000;
    progress.update(4_000, 2);
    clock = 6_000;
    progress.update(5_000, 2);
    clock = 8_000;
    progress.finish(10_000, 3);
    expect(written).toEqual([
      'orders 4,000/10,000 (40%) · 800/s · ETA 8s · 2 failed\n',
      'orders 10,000/10,000 (100%) · 1,250/s · 3 failed · 8s\n',
    ]);
  });

  test('redraws one line in place on a terminal, and prints messages on their own line', () => {
    let clock = 0;
    const { written, stream } = sink(true);
    const progress = createProgressReporter(stream, { total: undefined, label: 'intents', now: () => clock });
    clock = 1_000;
    progress.update(500, 0);
    progress.log('line 3: bad');
    expect(written).toEqual(['\r\x1b[2Kintents 500 · 500/s · 0 failed', '\r\x1b[2Kline 3: bad\n']);
  });

  test('formats durations', () => {
    expect([formatDuration(4.4), formatDuration(75), formatDuration(3_725)]).toEqual([
      '4s',
      '1m15s',
      '1h02m',
    ]);
  });
});
