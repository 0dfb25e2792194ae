import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Steps } from '../reporting/steps';

/** Longest stretch of report work before the event loop gets a turn (default). */
export const SLICE_MS = 10;

/**
 * Report work shares the event loop with the customers: a month is ~1 s of tallying, settling a day
 * ~2 s of measuring. Long loops ask `due()` between small pieces of work (a conversation, a block, a
 * step of the engine); once `sliceMs` have passed since the last turn, `turn()` lets the event loop
 * run whatever is ready (messages, webhooks, timers, I/O) before the work goes on. So no stretch of
 * report work holds the loop much longer than `sliceMs` plus one piece.
 *
 * `sliceMs` 0 takes a turn at every piece (the tests: deterministic interleaving); Infinity never
 * does (the work runs as one stretch, as before: the bench's "before"). Nothing else changes: the
 * same code runs in the same order, only with other callbacks in between.
 */
export class Pacer {
  private since = performance.now();

  constructor(readonly sliceMs: number = SLICE_MS) {}

  /** Whether the current stretch has run its time (cheap: call it in loops). */
  due(): boolean {
    return this.sliceMs !== Number.POSITIVE_INFINITY && performance.now() - this.since >= this.sliceMs;
  }

  /** Lets the event loop take a turn (`setImmediate`: after pending I/O), then starts a new stretch. */
  async turn(): Promise<void> {
    await nextTurn();
    this.since = performance.now();
  }

  /** `turn()` if due; for loops whose pieces are large enough to await between (a block, a day). */
  async pace(): Promise<void> {
    if (this.due()) await this.turn();
  }

  /** Runs engine steps (src/reporting/steps.ts), taking a turn between steps whenever due. */
  async run<T>(steps: Steps<T>): Promise<T> {
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      if (this.due()) await this.turn();
    }
  }
}
