import { describe, expect, it } from 'vitest';
import { backlogFloor, fitTrend, judgeMemory } from './soak-trend.js';

const series = (values: number[]) => values.map((value, index) => ({ minute: index, value }));

/** Samples every 10 s from minute 5 to minute 10, as the judged half of a 10-minute soak. */
const judgedHalf = (value: (minute: number, index: number) => number) =>
  Array.from({ length: 31 }, (_, index) => {
    const minute = 5 + index / 6;
    return { minute, value: value(minute, index) };
  });

/** Deterministic noise in [-1, 1]. */
const noise = (index: number) => Math.sin(index * 12.9898) * 0.999;

describe('fitTrend', () => {
  it('finds a flat, noisy series flat', () => {
    const trend = fitTrend(series([100, 104, 98, 101, 99, 103, 97, 100]), 10);
    expect(Math.abs(trend.slopePerMinute)).toBeLessThan(1);
    expect(trend.flat).toBe(true);
  });

  it('fits the slope of a straight line and carries it over the run', () => {
    const trend = fitTrend(series([100, 102, 104, 106, 108]), 10);
    expect(trend.slopePerMinute).toBeCloseTo(2, 10);
    expect(trend.growth).toBeCloseTo(20, 10);
    expect(trend.mean).toBeCloseTo(104, 10);
    // 20 over a run against an allowance of 10.4: a leak.
    expect(trend.flat).toBe(false);
  });

  it('fails a memory series that grows by 3 % a minute under noise', () => {
    const leak = judgedHalf((minute, index) => 300 * (1 + 0.03 * (minute - 5)) + 15 * noise(index));
    expect(fitTrend(leak, 10).flat).toBe(false);
  });

  it('lets a shrinking series pass', () => {
    expect(fitTrend(series([200, 150, 120, 100]), 10).flat).toBe(true);
  });

  it('is not decided by a burst in the last samples, but a growing series with one still fails', () => {
    const burst = (index: number) => (index >= 28 ? 200 : 0);
    const flatWithBurst = judgedHalf((_minute, index) => 300 + 10 * noise(index) + burst(index));
    expect(fitTrend(flatWithBurst, 10).flat).toBe(true);
    const growingWithBurst = judgedHalf(
      (minute, index) => 300 + 12 * (minute - 5) + 10 * noise(index) + burst(index),
    );
    expect(fitTrend(growingWithBurst, 10).flat).toBe(false);
  });

  it('uses the floor when the mean is near zero', () => {
    const backlog = series([0, 40, 10, 80, 20, 120]);
    expect(fitTrend(backlog, 10).flat).toBe(false);
    expect(fitTrend(backlog, 10, 500).flat).toBe(true);
  });

  it('judges a backlog as bounded at 5 s of load: in-flight noise passes, a 1 % shortfall fails', () => {
    const rate = 200;
    // A batch of 100 in flight at some samples, none at others.
    const inFlight = judgedHalf((_minute, index) => (index % 3 === 0 ? 100 : 0) + 450);
    expect(fitTrend(inFlight, 10, backlogFloor(rate)).flat).toBe(true);
    // 1 % of the offered rate not kept up with: 2 rows a second more, every second.
    const shortfall = judgedHalf((minute, index) => 450 + 2 * 60 * (minute - 5) + 50 * noise(index));
    expect(fitTrend(shortfall, 10, backlogFloor(rate)).flat).toBe(false);
  });

  it('does not judge fewer than two instants', () => {
    expect(fitTrend(series([5]), 10).flat).toBe(false);
    expect(fitTrend([], 10).flat).toBe(false);
  });
});

describe('judgeMemory', () => {
  /** A whole 10-minute run at a sample every 10 s, split at minute 5. */
  const run = (value: (minute: number, index: number) => number) => {
    const points = Array.from({ length: 61 }, (_, index) => ({
      minute: index / 6,
      value: value(index / 6, index),
    }));
    return { earlier: points.filter((p) => p.minute < 5), judged: points.filter((p) => p.minute >= 5) };
  };
  /** A collection cycle: a sawtooth of 80 MiB with a 40 s period. */
  const sawtooth = (index: number) => ((index % 4) / 3) * 80;

  it('fails a heap that leaks 12 MiB a minute under its collection sawtooth', () => {
    const { earlier, judged } = run((minute, index) => 200 + 12 * minute + sawtooth(index));
    const verdict = judgeMemory(earlier, judged, 10);
    expect(verdict.lastLevel).toBeGreaterThan(verdict.earlierPeak);
    expect(verdict.flat).toBe(false);
  });

  it('fails a leak that starts after warm-up', () => {
    const { earlier, judged } = run(
      (minute, index) => 250 + 20 * Math.max(0, minute - 5) + 10 * noise(index),
    );
    expect(judgeMemory(earlier, judged, 10).flat).toBe(false);
  });

  it('passes a swing that dips and climbs back within the levels already seen', () => {
    // 270 MiB after start-up, down to 230 by minute 6, back up to 265 by minute 10: a slope in
    // the judged half, but no new high.
    const level = (minute: number) =>
      minute < 2 ? 280 : minute < 6 ? 270 - 10 * (minute - 2) : 230 + 8.75 * (minute - 6);
    const { earlier, judged } = run((minute, index) => level(minute) + 5 * noise(index));
    expect(fitTrend(judged, 10).flat).toBe(false);
    expect(judgeMemory(earlier, judged, 10).flat).toBe(true);
  });

  it('passes a flat series', () => {
    const { earlier, judged } = run((_minute, index) => 300 + sawtooth(index));
    expect(judgeMemory(earlier, judged, 10).flat).toBe(true);
  });
});
