import { giveBuffer, takeBuffer } from './scratch';
import { finish, type Steps } from './steps';

/**
 * Durations (ms) collected one at a time into a growing `Float64Array`: a million of them are one
 * buffer outside the JavaScript heap, not an array the garbage collector scans and copies. The
 * memory comes from the tallies' scratch pool (scratch.ts) and goes back to it with `release`.
 */
export class Durations {
  private data: Float64Array;
  length = 0;

  /** `capacity`: how many are expected at most (a big buffer regrown by doubling is copied and faulted in again). */
  constructor(capacity = 16) {
    this.data = Durations.buffer(Math.max(16, capacity));
  }

  private static buffer(n: number): Float64Array {
    return new Float64Array(takeBuffer(n * 8), 0, n);
  }

  push(ms: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = ms;
  }

  private grow(): void {
    const bigger = Durations.buffer(Math.max(16, this.data.length * 2));
    bigger.set(this.data);
    giveBuffer(this.data.buffer as ArrayBuffer);
    this.data = bigger;
  }

  /** Another list's durations after these (merging tallies: no summary depends on the order). */
  append(values: Float64Array): void {
    const length = this.length + values.length;
    if (length > this.data.length) {
      const bigger = Durations.buffer(Math.max(16, this.data.length * 2, length));
      bigger.set(this.values());
      giveBuffer(this.data.buffer as ArrayBuffer);
      this.data = bigger;
    }
    this.data.set(values, this.length);
    this.length = length;
  }

  /** The durations so far, in the order pushed until a summary reorders them (a view: valid until the next push). */
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  /** Their summary, in steps, selecting in place: reorders them (no copy of a million values). */
  summarySteps(): Steps<SecondsSummary> {
    return summarizeInPlaceSteps(this.values());
  }

  summary(): SecondsSummary {
    return finish(this.summarySteps());
  }

  /** Gives the memory back for later tallies; they are empty from then on. */
  release(): void {
    giveBuffer(this.data.buffer as ArrayBuffer);
    this.data = new Float64Array(0);
    this.length = 0;
  }
}

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

/** `summarizeMs` in steps of a few ms (the copy a step per 262 144 values, then `summarizeInPlaceSteps`). */
export function* summarizeMsSteps(valuesMs: ArrayLike<number>): Steps<SecondsSummary> {
  const n = valuesMs.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = valuesMs[i]!;
    if ((i & 0x3ffff) === 0x3ffff) yield;
  }
  return yield* summarizeInPlaceSteps(values);
}

/**
 * `summarizeMs` of values it may reorder (the selections move them; the figures do not depend on
 * the order), in steps: the sum a step per 262 144 values, then each selection in steps of
 * `SELECT_WORK` values visited (a quickselect over a million is 15–40 ms in one go).
 */
export function* summarizeInPlaceSteps(values: Float64Array): Steps<SecondsSummary> {
  const n = values.length;
  if (n === 0) return { count: 0, median: null, mean: null, p90: null };
  // Summing in any order is exact for whole milliseconds (every partial sum below 2^53); anything
  // else is summed ascending, as `mean` over the sorted values always did.
  let sum = 0;
  let whole = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (whole && !Number.isInteger(v)) whole = false;
    sum += v;
    if ((i & 0x3ffff) === 0x3ffff) yield;
  }
  yield;
  const exact = whole && Math.abs(sum) < 2 ** 53;
  const median = yield* percentileSteps(values, 0.5);
  // The median's selection left its lower rank in place with nothing larger before it: the p90
  // (a rank at or above it) is selected among the values from there on.
  const p90 = yield* percentileSteps(values, 0.9, Math.floor((n - 1) * 0.5));
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
  return finish(percentileSteps(values, p));
}

/** Values visited (partitioned or scanned) per step of a selection: ~1–3 ms. */
const SELECT_WORK = 1 << 18;

/**
 * `percentileOf` in steps. `from`: every value before it is already no larger than any value from
 * it on (what an earlier selection of rank `from` leaves), so the ranks sought, at or above `from`,
 * are selected among `values[from…]`; 0 without such a selection.
 */
export function* percentileSteps(values: Float64Array, p: number, from = 0): Steps<number | null> {
  const n = values.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const atLo = yield* selectRankSteps(values, lo, Math.min(from, lo));
  // After selecting rank lo, everything to its right is ≥ it: rank lo + 1 is their minimum.
  let atHi = atLo;
  if (hi > lo) {
    atHi = values[lo + 1]!;
    for (let i = lo + 2; i < n; i++) {
      if (values[i]! < atHi) atHi = values[i]!;
      if ((i & (SELECT_WORK - 1)) === 0) yield;
    }
  }
  return atLo + (h - lo) * (atHi - atLo);
}

/**
 * Quickselect (Hoare partition, median-of-three pivot) of rank `k` within `a[left…]`, sorting the
 * range when it degenerates. Yields every `SELECT_WORK` values partitioned, inside a partition
 * too: its state (the range, the pivot, the two cursors) just waits in the generator.
 */
function* selectRankSteps(a: Float64Array, k: number, left: number): Steps<number> {
  let right = a.length - 1;
  let rounds = 0;
  let spent = 0;
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
    let gap = j - i;
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
      // Values visited since the last check: how far the two cursors closed in.
      spent += gap - (j - i);
      gap = j - i;
      if (spent >= SELECT_WORK) {
        spent = 0;
        yield;
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
