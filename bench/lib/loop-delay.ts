import { constants, createHistogram, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { SqliteWriter } from '../../src/store/sqlite-writer';

/**
 * For the server children: event-loop delay (how long ready work waited because the loop was busy
 * with something synchronous). On SIGUSR2 prints `{"loopDelay":{…ms}}` for the time since the last
 * report and starts over; the parent asks at the end of each load phase.
 */
export function reportLoopDelayOnSignal(): void {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  // Round trip of each group commit through the SQLite writer thread (post → COMMIT → answer).
  const commits = createHistogram();
  const transaction = SqliteWriter.prototype.transaction;
  SqliteWriter.prototype.transaction = function (this: SqliteWriter, queries) {
    const t = process.hrtime.bigint();
    return transaction.call(this, queries).finally(() => commits.record(process.hrtime.bigint() - t || 1n));
  };
  let gc = { count: 0, totalMs: 0, maxMs: 0, major: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const loopDelay = {
      p50: ms(h.percentile(50)),
      p99: ms(h.percentile(99)),
      max: ms(h.max),
      mean: ms(h.mean),
      gc: { ...gc, totalMs: Math.round(gc.totalMs), maxMs: Math.round(gc.maxMs * 10) / 10 },
      commit: commits.count
        ? {
            count: commits.count,
            p50: ms(commits.percentile(50)),
            p99: ms(commits.percentile(99)),
            max: ms(commits.max),
          }
        : undefined,
    };
    process.stdout.write(`${JSON.stringify({ loopDelay })}\n`);
    h.reset();
    commits.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0, major: 0 };
  });
}
