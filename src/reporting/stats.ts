import { finish, type Steps } from './steps';

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
  return percentileOf(Float64Array.from(values), 0.5);
}

/** Summary of millisecond durations, in seconds. */
export function summarizeMs(valuesMs: ArrayLike<number>): SecondsSummary {
  return finish(summarizeMsSteps(valuesMs));
}

/** `summarizeMs` in steps: the copy and sum (a step per 262 144 values), then each selection (10–40 ms at a million). */
export function* summarizeMsSteps(valuesMs: ArrayLike<number>): Steps<SecondsSummary> {
  const n = valuesMs.length;
  if (n === 0) return { count: 0, median: null, mean: null, p90: null };
  const values = new Float64Array(n);
  // Summing in any order is exact for whole milliseconds (every partial sum below 2^53); anything
  // else is summed ascending, as `mean` over the sorted values always did.
  let sum = 0;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const v = valuesMs[i]!;
    values[i] = v;
    if (whole && !Number.isInteger(v)) whole = false;
    sum += v;
    if ((i & 0x3ffff) === 0x3ffff) yield;
  }
  yield;
  const exact = whole && Math.abs(sum) < 2 ** 53;
  const median = percentileOf(values, 0.5);
  yield;
  const p90 = percentileOf(values, 0.9);
  yield;
  return {
    count: n,
    median: toSecondsOrNull(median),
    mean: toSecondsOrNull(exact ? sum / n : mean(sortedCopy(values))),
    p90: toSecondsOrNull(p90),
  };
}

/**
 * `percentileOfSorted` without sorting: the two closest ranks are selected in linear time
 * (reorders `values`). Exactly the same value, since it is the same two order statistics.
 */
export function percentileOf(values: Float64Array, p: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const atLo = selectRank(values, lo);
  // After selecting rank lo, everything to its right is ≥ it: rank lo + 1 is their minimum.
  let atHi = atLo;
  if (hi > lo) {
    atHi = values[lo + 1]!;
    for (let i = lo + 2; i < n; i++) if (values[i]! < atHi) atHi = values[i]!;
  }
  return atLo + (h - lo) * (atHi - atLo);
}

/** Quickselect (Hoare partition, median-of-three pivot), sorting the range when it degenerates. */
function selectRank(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  let rounds = 0;
  while (right > left) {
    if (++rounds > 64) {
      const part = a.subarray(left, right + 1).sort();
      return part[k - left]!;
    }
    const mid = (left + right) >>> 1;
    // Median of three as the pivot value.
    let x = a[left]!;
    let y = a[mid]!;
    let z = a[right]!;
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const pivot = y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** `part / whole`, or null when nothing was measured (0 of 0 is not 0 %). */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
