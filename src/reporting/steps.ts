/**
 * Long report work as **steps**: a generator that yields between slices of a few milliseconds and
 * returns its result. The engine only says where it may stop; whoever runs it decides what happens
 * there — `finish` runs straight through (the engine's own functions, the CLI, the tests), the
 * service lets the event loop take a turn (src/reports/pacer.ts) so customers are answered while a
 * month is tallied. Stopping never changes the work: the same code runs in the same order.
 */
export type Steps<T> = Generator<void, T, undefined>;

/** Runs steps to the end, without stopping. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Conversations (or rows) tallied per step: well under a millisecond to a few milliseconds. */
export const ROWS_PER_STEP = 2048;

/**
 * Sorts `items` in place, in steps: runs of `RUN` sorted by `Array.prototype.sort`, then merged
 * pairwise, yielding every `RUN` items. Stable, like `sort`; with a total order (as every caller
 * has) the result is exactly `items.sort(compare)`.
 */
export function* sortSteps<T>(items: T[], compare: (a: T, b: T) => number): Steps<T[]> {
  const RUN = 8192;
  const n = items.length;
  if (n <= RUN) return items.sort(compare);
  for (let lo = 0; lo < n; lo += RUN) {
    const run = items.slice(lo, lo + RUN).sort(compare);
    for (let i = 0; i < run.length; i++) items[lo + i] = run[i]!;
    yield;
  }
  let from = items;
  let to = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    let since = 0;
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let a = lo;
      let b = mid;
      for (let k = lo; k < hi; k++) {
        // Ties take the left run first: stable.
        if (a < mid && (b >= hi || compare(from[a]!, from[b]!) <= 0)) to[k] = from[a++]!;
        else to[k] = from[b++]!;
        if (++since === RUN) {
          since = 0;
          yield;
        }
      }
    }
    [from, to] = [to, from];
  }
  if (from !== items) for (let i = 0; i < n; i++) items[i] = from[i]!;
  return items;
}
