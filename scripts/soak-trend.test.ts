import { describe, expect, it } from 'vitest';
import { fitTrend } from './soak-trend.js';

const series = (values: number[]) => values.map((value, index) => ({ minute: index, value }));

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

  it('lets a shrinking series pass', () => {
    expect(fitTrend(series([200, 150, 120, 100]), 10).flat).toBe(true);
  });

  it('uses the floor when the mean is near zero', () => {
    const backlog = series([0, 40, 10, 80, 20, 120]);
    expect(fitTrend(backlog, 10).flat).toBe(false);
    expect(fitTrend(backlog, 10, 500).flat).toBe(true);
  });

  it('does not judge fewer than two instants', () => {
    expect(fitTrend(series([5]), 10).flat).toBe(false);
    expect(fitTrend([], 10).flat).toBe(false);
  });
});
