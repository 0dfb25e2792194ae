/** Count, median, mean and 90th percentile of durations, reported in seconds. */
export interface SecondsSummary {
  count: number;
  median: number | null;
  mean: number | null;
  p90: number | null;
}

/** Milliseconds → seconds, kept to whole milliseconds so floating noise never shows (18.6, not 18.599…). */
export function toSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

export function toSecondsOrNull(ms: number | null): number | null {
  return ms === null ? null : toSeconds(ms);
}

export function mean(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/**
 * Percentile of ascending values by linear interpolation between closest ranks
 * (Hyndman & Fan type 7 — Excel PERCENTILE.INC, NumPy's default): rank h = (n − 1)·p,
 * value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). At p = 0.5 it is the textbook median.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  // A typed array sorts numerically and fast; a plain array would sort as strings.
  return Float64Array.from(values).sort();
}

export function median(values: ArrayLike<number>): number | null {
  return percentileOfSorted(sortedCopy(values), 0.5);
}

/** Summary of millisecond durations, in seconds. */
export function summarizeMs(valuesMs: ArrayLike<number>): SecondsSummary {
  const sorted = sortedCopy(valuesMs);
  return {
    count: sorted.length,
    median: toSecondsOrNull(percentileOfSorted(sorted, 0.5)),
    mean: toSecondsOrNull(mean(sorted)),
    p90: toSecondsOrNull(percentileOfSorted(sorted, 0.9)),
  };
}

/** `part / whole`, or null when nothing was measured (0 of 0 is not 0 %). */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
