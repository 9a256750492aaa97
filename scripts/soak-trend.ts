// The soak's verdict on one series: is it flat, or does it keep growing?

export interface Trend {
  /** Mean of the judged samples. */
  mean: number;
  /** Least-squares slope, in units of the series per minute. */
  slopePerMinute: number;
  /** The slope carried over the whole run: how much the series would grow from start to end. */
  growth: number;
  /** What the growth may reach: 10 % of the mean, or the floor when that is larger. */
  allowed: number;
  flat: boolean;
}

/** Growth over the run may be at most this share of the series' mean. */
export const ALLOWED_GROWTH = 0.1;

/**
 * Fits a line through (minute, value) points by least squares and compares its growth over the
 * run to the series' mean. `floor` is an absolute allowance for series whose mean may be close to
 * zero (a backlog that hovers around a few hundred rows is flat even if 10 % of its mean is not).
 */
export function fitTrend(
  points: readonly { minute: number; value: number }[],
  runMinutes: number,
  floor = 0,
): Trend {
  const usable = points.filter((point) => Number.isFinite(point.value));
  const n = usable.length;
  const mean = n > 0 ? usable.reduce((sum, point) => sum + point.value, 0) / n : Number.NaN;
  const meanX = n > 0 ? usable.reduce((sum, point) => sum + point.minute, 0) / n : Number.NaN;
  let covariance = 0;
  let variance = 0;
  for (const point of usable) {
    covariance += (point.minute - meanX) * (point.value - mean);
    variance += (point.minute - meanX) ** 2;
  }
  // Fewer than two distinct instants give no trend: nothing to judge, so not flat.
  const slopePerMinute = variance > 0 ? covariance / variance : Number.NaN;
  const growth = slopePerMinute * runMinutes;
  const allowed = Math.max(ALLOWED_GROWTH * Math.abs(mean), floor);
  return { mean, slopePerMinute, growth, allowed, flat: Number.isFinite(growth) && growth <= allowed };
}
