/**
 * Times (and, under `node --cpu-prof`, profiles) the monthly report on a database kept by
 * `BENCH_KEEP=1 npx tsx bench/reports.ts`, without generating it again:
 *
 *   BENCH_DB=/tmp/firstreply-bench-XXXX/bench.db npx tsx bench/lib/report-profile.ts
 *   DATABASE_URL=postgres://… BENCH_PG_SCHEMA=bench_xxxx npx tsx bench/lib/report-profile.ts
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/lib/report-profile.ts   (then profile-summary.ts)
 *
 * Runs, in order: BENCH_COLD_RUNS (default 2) monthly reports with no block cache (every block read
 * and decoded: a report right after a restart), the cache warm-up, BENCH_RUNS (default 5) monthly
 * reports with the blocks in memory, and with BENCH_DAY=n n `groupBy=day` (their report is checked
 * equal to the plain monthly report's, and saved with the groups). Prints each time with
 * its read / tally split and the longest event-loop stall. The first cold report is the first report
 * of a freshly started service: it also takes the pending conversations' facts (from the store, or
 * measured from the log; printed). BENCH_SETTLE=1 first runs one settling pass in a service of its
 * own (what the running service's hourly job did before the restart: it stores the pending facts),
 * with its clock 5 min after NOW: bench/reports.ts settled 400 s before NOW, and a day settled
 * less than 5 min ago is not examined again (settled-facts.ts GRACE_MS). BENCH_DURING_WARM=1 ends
 * with a fresh service whose warm-up starts just before its first report: the report's time, and
 * the warm-up's until both are done (nothing should be read twice). BENCH_SAVE=<file> writes the figures
 * (report and day groups) as JSON, BENCH_CHECK=<file> compares with such a file: the same figures
 * from another version of the code. BENCH_COLD_DAY=1 makes the cold reports `groupBy=day` (the
 * dashboard's report without block cache). BENCH_SLICE_MS as in bench/reports.ts (Infinity: no turns).
 * Imports the tree it sits in, so a copy of an older tree times the older code on the same data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { CompiledContent } from '../../src/content/live-content';
import { sql } from 'kysely';
import { scratchBytes } from '../../src/reporting/scratch';
import { ReportService, type Summary } from '../../src/reports/report-service';
import { reportDb } from '../../src/reports/report-tables';
import { defaultRoutingConfig } from '../../src/routing/routing-config';
import { createLogger } from '../../src/shared/log';
import { defaultShopSettings } from '../../src/shop/settings';
import { openKeptDatabase } from './kept-database';

// The month bench/reports.ts generates (BENCH_DAYS=30) and its clock after the live calls.
const START = Date.parse('2026-10-01T00:00:00+08:00');
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const END = START + DAYS * 86_400_000;
const NOW = Number(process.env.BENCH_NOW ?? END - 3 * 3_600_000 + 400_000);
const TZ = 'Asia/Shanghai';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 2);
const SLICE_MS = process.env.BENCH_SLICE_MS === undefined ? undefined : Number(process.env.BENCH_SLICE_MS);
const localDate = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
const month = { from: localDate(START), to: localDate(END), tz: TZ };

interface Timed {
  ms: number;
  /** CPU time of the process meanwhile (all its threads): less moved by other processes than wall time. */
  cpu: number;
  stall: number;
  value: Summary;
}

async function timed(fn: () => Promise<Summary>): Promise<Timed> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((resolve) => setTimeout(resolve, 3));
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const ms = performance.now() - t;
  const used = process.cpuUsage(c);
  await new Promise((resolve) => setTimeout(resolve, 5));
  h.disable();
  return { ms, cpu: (used.user + used.system) / 1000, stall: h.count > 0 ? h.max / 1e6 : ms, value };
}

const line = (label: string, r: Timed) =>
  console.log(
    `${label}: ${r.ms.toFixed(0)} ms, CPU ${r.cpu.toFixed(0)} ms (read ${r.value.timing.loadMs} ms, tally ${r.value.timing.computeMs} ms), ` +
      `longest stall ${r.stall.toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB, ` +
      `scratch ${(scratchBytes().pooled / 2 ** 20).toFixed(0)} MB kept, ${(scratchBytes().fresh / 2 ** 20).toFixed(0)} MB new so far`,
  );

async function main() {
  const { database, name } = await openKeptDatabase();
  const content = {
    settings: defaultShopSettings(),
    routing: defaultRoutingConfig(),
  } as unknown as CompiledContent;
  const deps = {
    database,
    config: { current: content },
    clock: () => NOW,
    log: createLogger('silent'),
    ...(SLICE_MS === undefined ? {} : { sliceMs: SLICE_MS }),
  };
  console.log(`# report-profile ${name} — ${new Date().toISOString()}, cwd tree ${process.cwd()}`);
  const figures: unknown[] = [];

  if (process.env.BENCH_SETTLE === '1') {
    const before = new ReportService({ ...deps, clock: () => NOW + 5 * 60_000 + 1000 });
    const t0 = performance.now();
    const s = await before.settler.settleAll();
    console.log(
      `settling pass (before the restart): ${(performance.now() - t0).toFixed(0)} ms, ${s.days} days, ` +
        `${s.conversations} conversations examined, ${s.settled} settled, ${s.pending} pending`,
    );
  }
  const stored = await reportDb(database)
    .selectFrom('report_fact_pending')
    .select([
      (eb) => eb.fn.count('block').as('blocks'),
      (eb) => eb.fn.sum<number>('conversations').as('n'),
      (eb) => eb.fn.sum(sql<number>`length(data)`).as('bytes'),
    ])
    .executeTakeFirst();
  console.log(
    `stored pending facts: ${Number(stored?.n ?? 0)} conversations in ${Number(stored?.blocks ?? 0)} blocks, ` +
      `${(Number(stored?.bytes ?? 0) / 2 ** 20).toFixed(1)} MB`,
  );

  if (process.env.BENCH_WARM_CODE === '1') {
    const t0 = performance.now();
    await new ReportService(deps).warmCode();
    console.log(
      `code warm-up (the last day's summary, in a service of its own): ${(performance.now() - t0).toFixed(0)} ms`,
    );
  }
  const cold = new ReportService({ ...deps, factCache: 0 });
  const colds: number[] = [];
  const coldCpu: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const r = await timed(() =>
      cold.summary(process.env.BENCH_COLD_DAY === '1' ? { ...month, groupBy: 'day' } : month),
    );
    line(`cold ${i + 1}`, r);
    colds.push(r.ms);
    coldCpu.push(r.cpu);
    if (i === 0) {
      figures.push(r.value.report);
      const p = cold.settler.pendingStats;
      console.log(
        `  first report: ${p.fromStore} pending conversations from their stored facts, ${p.fromLog} measured from the log`,
      );
    }
  }

  const service = new ReportService(deps);
  const t = performance.now();
  const warmed = await service.settler.warm(
    service.factContext(['agent-test-1', 'agent-test-2']),
    START - 86_400_000,
  );
  console.log(`warm-up: ${(performance.now() - t).toFixed(0)} ms, ${warmed} conversations`);
  const warms: number[] = [];
  const warmCpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await timed(() => service.summary(month));
    line(`warm ${i + 1}`, r);
    warms.push(r.ms);
    warmCpu.push(r.cpu);
    if (i === 0) figures.push(r.value.report);
  }
  const dayRuns = Number(process.env.BENCH_DAY ?? 0);
  const days: number[] = [];
  for (let i = 0; i < dayRuns; i++) {
    const r = await timed(() => service.summary({ ...month, groupBy: 'day' }));
    line(`warm groupBy=day${dayRuns > 1 ? ` ${i + 1}` : ''}`, r);
    days.push(r.ms);
    if (i > 0) continue;
    figures.push(r.value.groups);
    figures.push(r.value.report);
    if (RUNS > 0 && JSON.stringify(r.value.report) !== JSON.stringify(figures[COLD_RUNS > 0 ? 1 : 0]))
      console.log('MISMATCH: the groupBy=day report differs from the monthly report');
  }
  if (process.env.BENCH_DURING_WARM === '1') {
    const fresh = new ReportService(deps);
    const t0 = performance.now();
    const warming = fresh.settler
      .warm(fresh.factContext(['agent-test-1', 'agent-test-2']), START - 86_400_000)
      .then((n) => ({ n, ms: performance.now() - t0 }));
    const r = await timed(() => fresh.summary(month));
    line('report during the warm-up', r);
    const w = await warming;
    console.log(
      `  warm-up beside it: ${w.ms.toFixed(0)} ms, ${w.n} conversations decoded by the warm-up itself; ` +
        `pending: ${fresh.settler.pendingStats.fromStore} from the store, ${fresh.settler.pendingStats.fromLog} from the log`,
    );
    if (JSON.stringify(r.value.report) !== JSON.stringify(figures[0]))
      console.log('MISMATCH: the report during the warm-up differs');
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]?.toFixed(0);
  console.log(
    `median: cold ${med(colds)} ms (CPU ${med(coldCpu)} ms), warm ${med(warms)} ms (CPU ${med(warmCpu)} ms)` +
      (days.length > 0 ? `, groupBy=day ${med(days)} ms` : ''),
  );

  const json = JSON.stringify(figures);
  if (COLD_RUNS > 0 && RUNS > 0 && JSON.stringify(figures[0]) !== JSON.stringify(figures[1]))
    console.log('MISMATCH: cold and warm reports differ');
  if (process.env.BENCH_SAVE) writeFileSync(process.env.BENCH_SAVE, json);
  if (process.env.BENCH_CHECK) {
    const same = readFileSync(process.env.BENCH_CHECK, 'utf8') === json;
    console.log(`same figures as ${process.env.BENCH_CHECK}: ${same}`);
    if (!same) process.exitCode = 1;
  }
  await database.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
