/**
 * Diagnosis (BENCH_TRACE_STALLS=<ms> in bench/lib/serve-app.ts): prints to stderr every event-loop
 * stall longer than <ms>, and every better-sqlite3 statement on this thread that took longer than
 * <ms>/4, with its SQL, and every GC pause over <ms>/4 — to tell a slow query from GC or a burst of requests. Not for published runs.
 */
import { createRequire } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';
import type SQLite from 'better-sqlite3';

export function traceStalls(thresholdMs: number): void {
  const t0 = performance.now();
  const at = () => `+${((performance.now() - t0) / 1000).toFixed(2)} s`;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > thresholdMs + 1)
      process.stderr.write(`stall ${(now - last - 1).toFixed(1)} ms at ${at()}\n`);
    last = now;
  }, 1).unref();

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (e.duration > thresholdMs / 4)
        process.stderr.write(`gc ${e.duration.toFixed(1)} ms (kind ${kind}) at ${at()}\n`);
    }
  }).observe({ entryTypes: ['gc'] });

  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof SQLite;
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: SQLite.Database, source: string) {
    const statement = prepare.call(this, source) as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const m of ['run', 'get', 'all']) {
      const original = statement[m]!;
      statement[m] = (...args: unknown[]) => {
        const start = performance.now();
        try {
          return original.apply(statement, args);
        } finally {
          const ms = performance.now() - start;
          if (ms > thresholdMs / 4)
            process.stderr.write(
              `sql ${ms.toFixed(1)} ms at ${at()}: ${source.slice(0, 160).replace(/\s+/g, ' ')}\n`,
            );
        }
      };
    }
    return statement as unknown as SQLite.Statement;
  } as typeof prepare;
}
