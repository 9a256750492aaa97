// The soak's verdict on one series: is it flat, or does it keep growing?

export interface Trend {
  /** Mean of the judged samples. */
  mean: number;
  /** Theil-Sen slope (the median of the slopes between every two samples), per minute. */
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
 * A backlog is bounded when its growth over the run stays under this many seconds of load: the
 * backlogs hold work in flight by design (a batch on its way, intents waiting the 2 s until their
 * payment), and 10 % of a mean near zero is noise.
 */
export const BACKLOG_FLOOR_SECONDS = 5;

/** The floor of a backlog's verdict at `ratePerSecond` (see BACKLOG_FLOOR_SECONDS). */
export function backlogFloor(ratePerSecond: number): number {
  return ratePerSecond * BACKLOG_FLOOR_SECONDS;
}

/**
 * Fits the trend of (minute, value) points by the Theil-Sen estimator, the median of the slopes
 * between every two points, and compares its growth over the run to the series' mean. Unlike a
 * least-squares line, a few samples taken while something else loaded the machine (at the end
 * of the run, say) do not decide the verdict, while a series that keeps growing still fails.
 * `floor` is an absolute allowance for series whose mean may be close to zero (backlogs).
 */
export function fitTrend(
  points: readonly { minute: number; value: number }[],
  runMinutes: number,
  floor = 0,
): Trend {
  const usable = points.filter((point) => Number.isFinite(point.value));
  const n = usable.length;
  const mean = n > 0 ? usable.reduce((sum, point) => sum + point.value, 0) / n : Number.NaN;
  const slopes: number[] = [];
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      const a = usable[i]!;
      const b = usable[j]!;
      if (b.minute !== a.minute) slopes.push((b.value - a.value) / (b.minute - a.minute));
    }
  }
  // Fewer than two distinct instants give no trend: nothing to judge, so not flat.
  const slopePerMinute = slopes.length > 0 ? median(slopes) : Number.NaN;
  const growth = slopePerMinute * runMinutes;
  const allowed = Math.max(ALLOWED_GROWTH * Math.abs(mean), floor);
  return { mean, slopePerMinute, growth, allowed, flat: Number.isFinite(growth) && growth <= allowed };
}

export interface MemoryTrend extends Trend {
  /** The median of the run's last minute of samples. */
  lastLevel: number;
  /** The highest sample before the judged half. */
  earlierPeak: number;
}

/**
 * The verdict on a process's memory. A garbage-collected heap, and the resident memory that
 * follows it, swing by a third of their mean over minutes (collection cycles, the allocator
 * keeping freed pages, other work slowing the collector), so in a five-minute window such a
 * swing can look like a slope. Memory therefore grows only when its trend exceeds the allowance
 * (as in `fitTrend`) AND it reaches a new high: the median of the last minute of the run is above
 * every sample taken before the judged half. A leak does both; a swing does not.
 */
export function judgeMemory(
  earlier: readonly { minute: number; value: number }[],
  judged: readonly { minute: number; value: number }[],
  runMinutes: number,
): MemoryTrend {
  const trend = fitTrend(judged, runMinutes);
  const finite = (points: readonly { value: number }[]) =>
    points.map((point) => point.value).filter((value) => Number.isFinite(value));
  const earlierValues = finite(earlier);
  const lastValues = finite(judged.filter((point) => point.minute >= runMinutes - 1));
  const earlierPeak = earlierValues.length > 0 ? Math.max(...earlierValues) : Number.NaN;
  const lastLevel = lastValues.length > 0 ? median(lastValues) : Number.NaN;
  // Without samples on both sides there is no high to compare with: the trend alone decides.
  const newHigh = !(lastLevel <= earlierPeak);
  return { ...trend, lastLevel, earlierPeak, flat: trend.flat || !newHigh };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
