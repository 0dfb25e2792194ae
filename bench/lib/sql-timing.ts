/**
 * Diagnostic: where the database time of the message path goes. Wraps better-sqlite3's prepare so every
 * statement's run/all/get is timed and grouped by SQL shape, then drives `services.handleMessage` in
 * process (no HTTP) like bench/memory.ts does, with SQLITE_WRITER=inline so that the group commit's
 * statements run on this thread too.
 *
 *   npx tsx bench/lib/sql-timing.ts [messages=5000] [inFlight=50] [--whatif-router]
 *
 * --whatif-router (or BENCH_WHATIF=router): see bench/lib/whatif.ts — not the shipped code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { buildServices } from '../../src/services';
import { createLogger } from '../../src/shared/log';
import { realisticMessage } from './messages';
import { applyWhatIfs } from './whatif';
import { benchEnv } from './pack';
import { Rng } from './rng';
import { fmt, fmtInt, summarize, table } from './stats';

const stats = new Map<
  string,
  { calls: number; prepareUs: number; runUs: number; runCpuUs: number; rows: number; samples: number[] }
>();
const shape = (sql: string) =>
  sql
    .replace(/\(\?(, \?)*\)(, \(\?(, \?)*\))*/g, '(?…)')
    .replace(/\s+/g, ' ')
    .slice(0, 110);
const proto = SQLite.prototype as unknown as {
  prepare: (sql: string) => Record<string, (...a: unknown[]) => unknown>;
};
const prepare = proto.prepare;
proto.prepare = function (this: unknown, sql: string) {
  const t0 = process.hrtime.bigint();
  const stmt = prepare.call(this, sql);
  const key = shape(sql);
  let s = stats.get(key);
  if (!s) {
    s = { calls: 0, prepareUs: 0, runUs: 0, runCpuUs: 0, rows: 0, samples: [] };
    stats.set(key, s);
  }
  s.prepareUs += Number(process.hrtime.bigint() - t0) / 1000;
  const entry = s;
  for (const m of ['run', 'all', 'get', 'iterate'] as const) {
    const original = stmt[m]!;
    stmt[m] = function (this: unknown, ...args: unknown[]) {
      const c = process.cpuUsage();
      const t = process.hrtime.bigint();
      const r = original.apply(this, args);
      const us = Number(process.hrtime.bigint() - t) / 1000;
      entry.runUs += us;
      entry.samples.push(us);
      const dc = process.cpuUsage(c);
      entry.runCpuUs += dc.user + dc.system;
      entry.calls++;
      if (Array.isArray(r)) entry.rows += r.length;
      return r;
    };
  }
  return stmt;
};

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const count = Number(args[0] ?? 5000);
const inFlight = Number(args[1] ?? 50);
const whatIfs = applyWhatIfs(process.argv.includes('--whatif-router') ? 'router' : undefined);
if (whatIfs.length) console.log(`WHAT-IF patches on: ${whatIfs.join(', ')} (see bench/lib/whatif.ts)`);
const dataDir = mkdtempSync(join(tmpdir(), 'firstreply-sqltiming-'));
// Inline writer: the group commit's statements run on this thread, where they can be timed.
// (--thread keeps the writer thread: then only the main thread's statements are timed.)
const { env, shopMode } = benchEnv(dataDir, undefined, {
  SQLITE_WRITER: process.argv.includes('--thread') ? 'thread' : 'inline',
});
console.log(`shop: ${shopMode}`);
const services = await buildServices({ env, log: createLogger('silent') });
const rng = new Rng(5);
let next = 0;
const cpu0 = process.cpuUsage();
const t0 = Date.now();
stats.clear();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < count) {
      const i = next++;
      await services.handleMessage({
        channel: 'api',
        customerId: `sql-${i % 10_000}`,
        text: realisticMessage(rng),
      });
    }
  }),
);
await services.store.flushed();
const cpu = process.cpuUsage(cpu0);
const cpuUs = (cpu.user + cpu.system) / count;
const rows = [...stats].sort((a, b) => b[1].prepareUs + b[1].runUs - (a[1].prepareUs + a[1].runUs));
const dbUs = rows.reduce((n, [, s]) => n + s.prepareUs + s.runUs, 0) / count;
console.log(
  `${count} messages, ${inFlight} in flight, ${fmtInt((count / (Date.now() - t0)) * 1000)}/s; CPU ${fmtInt(cpuUs)} µs per message, of which inside better-sqlite3 ${fmtInt(dbUs)} µs`,
);
console.log(
  table(
    [
      'statement',
      'calls',
      'rows',
      'prepare µs/msg',
      'run µs/msg (wall)',
      'run CPU µs/msg',
      'per call p50 / max ms (wall)',
    ],
    rows
      .slice(0, 15)
      .map(([sql, s]) => [
        sql,
        fmtInt(s.calls),
        fmtInt(s.rows),
        fmt(s.prepareUs / count, 1),
        fmt(s.runUs / count, 1),
        fmt(s.runCpuUs / count, 1),
        `${fmt(summarize(s.samples).p50 / 1000, 2)} / ${fmt(summarize(s.samples).max / 1000, 1)}`,
      ]),
  ),
);
await services.close();
rmSync(dataDir, { recursive: true, force: true });
