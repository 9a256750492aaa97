// Readers of the benchmarks' optional BENCH_* settings: a value that does not parse falls back to
// the default rather than stopping the run.

/** A comma-separated list of positive numbers ("100,300,600"); the fallback when unset. */
export const numberList = (value: string | undefined, fallback: number[]): number[] =>
  value
    ? value
        .split(',')
        .map((part) => Number(part.trim()))
        .filter((part) => Number.isFinite(part) && part > 0)
    : fallback;

/** A positive number; the fallback when unset or not one. */
export const positive = (value: string | undefined, fallback: number): number => {
  const parsed = Number(value);
  return value !== undefined && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
};
