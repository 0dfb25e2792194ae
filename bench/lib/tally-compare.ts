/**
 * The monthly tally alone, this tree's code against another tree's, alternating in one process on
 * the same decoded blocks (so both see the same machine load):
 *
 *   BENCH_DB=/tmp/firstreply-bench-XXXX/bench.db BENCH_OTHER_TREE=/tmp/before npx tsx bench/lib/tally-compare.ts
 *
 * The blocks of a database kept by `BENCH_KEEP=1 npx tsx bench/reports.ts` are read once through
 * this tree's settler; then BENCH_ROUNDS (default 5) rounds each tally them with both trees'
 * `tallyColumns` (straight through, no turns), timing wall and CPU, and the two reports are compared
 * whole. Without BENCH_OTHER_TREE only this tree's tally is timed (e.g. under `node --cpu-prof`).
 */
import { dirname, basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { CompiledContent } from '../../src/content/live-content';
import type { tallyColumns as TallyColumns } from '../../src/reporting/tally-columns';
import { scratchBytes } from '../../src/reporting/scratch';
import { ReportService } from '../../src/reports/report-service';
import { defaultRoutingConfig } from '../../src/routing/routing-config';
import { createLogger } from '../../src/shared/log';
import { defaultShopSettings } from '../../src/shop/settings';
import { openDatabase } from '../../src/store/database';

const START = Date.parse('2026-10-01T00:00:00+08:00');
const END = START + 30 * 86_400_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function main() {
  const file = process.env.BENCH_DB;
  if (!file) throw new Error('set BENCH_DB');
  const database = await openDatabase({
    dataDir: dirname(file),
    file: basename(file),
    sqliteWriter: 'inline',
  });
  const content = {
    settings: defaultShopSettings(),
    routing: defaultRoutingConfig(),
  } as unknown as CompiledContent;
  const service = new ReportService({
    database,
    config: { current: content },
    clock: () => END,
    log: createLogger('silent'),
  });
  const testAgents = ['agent-test-1', 'agent-test-2'];
  const read = await service.settler.read(START, END, service.factContext(testAgents));
  const parts = read.settled.map((s) => ({ columns: s.block.columns, rows: s.rows }));
  const rows = parts.reduce((n, p) => n + (p.rows === null ? p.columns.size : p.rows.length), 0);
  console.log(`${parts.length} blocks, ${rows} conversations in the month`);
  const options = { timeZone: 'Asia/Shanghai', from: START, to: END, testAgentIds: testAgents };

  const mine = (await import('../../src/reporting/tally-columns')).tallyColumns;
  const trees: [string, typeof TallyColumns][] = [['this tree', mine]];
  const other = process.env.BENCH_OTHER_TREE;
  if (other) {
    const url = pathToFileURL(join(other, 'src/reporting/tally-columns.ts')).href;
    trees.unshift([other, (await import(url)).tallyColumns]);
  }
  const times = new Map<string, { wall: number[]; cpu: number[] }>(
    trees.map(([n]) => [n, { wall: [], cpu: [] }]),
  );
  const reports = new Map<string, string>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, tally] of round % 2 === 0 ? trees : [...trees].reverse()) {
      const c = process.cpuUsage();
      const t = performance.now();
      const report = tally(parts, read.strings, testAgents, options);
      const wall = performance.now() - t;
      const used = process.cpuUsage(c);
      times.get(name)!.wall.push(wall);
      times.get(name)!.cpu.push((used.user + used.system) / 1000);
      if (round === 0) reports.set(name, JSON.stringify(report));
      if (name === 'this tree') {
        const b = scratchBytes();
        console.log(
          `  round ${round + 1}: scratch pool ${(b.pooled / 2 ** 20).toFixed(0)} MB, new scratch so far ${(b.fresh / 2 ** 20).toFixed(0)} MB`,
        );
      }
    }
  }
  // The longest steps of this tree's tally in steps (what the event loop waits for between turns).
  const { tallyColumnsSteps } = await import('../../src/reporting/tally-columns');
  for (let round = 0; round < 2; round++) {
    const steps = tallyColumnsSteps(parts, read.strings, testAgents, options);
    const lengths: number[] = [];
    for (;;) {
      const t = performance.now();
      const r = steps.next();
      lengths.push(performance.now() - t);
      if (r.done) break;
    }
    const top = lengths
      .map((ms, i) => ({ ms, i }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 6);
    console.log(
      `steps: ${lengths.length}, longest ${top.map((x) => `${x.ms.toFixed(1)} ms (#${x.i})`).join(', ')}`,
    );
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, t] of times)
    console.log(
      `${name}: tally median ${med(t.wall).toFixed(0)} ms wall, ${med(t.cpu).toFixed(0)} ms CPU ` +
        `(wall ${t.wall.map((x) => x.toFixed(0)).join(', ')}; CPU ${t.cpu.map((x) => x.toFixed(0)).join(', ')})`,
    );
  if (trees.length === 2) console.log(`same report: ${new Set(reports.values()).size === 1}`);
  await database.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
