/**
 * Typed-array memory reused from one tally to the next. Memory the process has not written yet
 * costs a page fault per 4 KB the first time it is written: on the 2-core VM measured
 * (docs/benchmarks.md §7) filling a fresh 8 MB buffer took ~30 ms, the same buffer again ~1 ms. A
 * monthly tally fills ~70 MB (its duration lists, a byte per customer for each day): without reuse
 * a third of its time went to those faults.
 *
 * A buffer is taken (`takeBuffer`), used by one tally only, and given back when that tally's figures
 * are done (`giveBuffer`); its contents are whatever the last user left (callers that need zeros
 * clear it). Only buffers of `MIN_POOLED` bytes or more are kept, `MAX_POOLED` bytes at most: what
 * stays resident between reports is bounded, and a buffer not given back (a tally abandoned half
 * way) is simply collected.
 */

const MIN_POOLED = 64 * 1024;
const MAX_POOLED = 160 * 2 ** 20;

const pool: ArrayBuffer[] = [];
let pooledBytes = 0;
/** Bytes of new buffers of a poolable size handed out so far (diagnosis: should stop growing once reports repeat). */
let freshBytes = 0;

/** A buffer of at least `bytes` bytes (a pooled one when one fits, else new); contents undefined. */
export function takeBuffer(bytes: number): ArrayBuffer {
  if (bytes >= MIN_POOLED) {
    // The smallest that fits (the pool holds a few dozen buffers at most).
    let best = -1;
    for (let i = 0; i < pool.length; i++) {
      const size = pool[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < pool[best]!.byteLength)) best = i;
    }
    // A much larger buffer stays for a larger request.
    if (best >= 0 && pool[best]!.byteLength <= 4 * bytes) {
      const b = pool[best]!;
      pool[best] = pool[pool.length - 1]!;
      pool.pop();
      pooledBytes -= b.byteLength;
      return b;
    }
  }
  if (bytes >= MIN_POOLED) freshBytes += bytes;
  return new ArrayBuffer(bytes);
}

/** Gives a buffer back for later tallies; the caller must not use it (or views on it) again. */
export function giveBuffer(buffer: ArrayBuffer): void {
  if (buffer.byteLength < MIN_POOLED || pooledBytes + buffer.byteLength > MAX_POOLED) return;
  pool.push(buffer);
  pooledBytes += buffer.byteLength;
}

/** Bytes held for reuse, and new bytes handed out so far (the bench prints them). */
export function scratchBytes(): { pooled: number; fresh: number } {
  return { pooled: pooledBytes, fresh: freshBytes };
}
