/**
 * `npx tsx bench/reports.ts` — reports over a realistic event log, on SQLite (and PostgreSQL when
 * DATABASE_URL is set).
 *
 * Generates BENCH_CONVERSATIONS conversations (default 100 000, ~10 events each) over BENCH_DAYS days
 * (default 30) with the hour-of-day and weekday pattern of test/reports/seed.ts `history()`
 * (40 agents, three tiers, a quarter answered by the bot, transfers, overdue, presence shifts), writes
 * them straight into a fresh database, then times:
 *   - a full monthly report (`summary`, and `summary?groupBy=day`, what the dashboard asks for) and a
 *     per-agent daily report, first the old way (the whole period from the event log: baseline),
 *   - settling (the one-off measuring of the history into stored facts, settled-facts.ts),
 *   - the same reports from settled facts, checking they give the same figures,
 *   - the live view: the first call (loads the last day into the tally) and p50/p99 over repeated
 *     calls with new events arriving between calls,
 *   - the write side: bulk insert throughput, and the cost of the one index the reports add
 *     (conversations.started_at) on inserts and on the per-message conversation upsert.
 * Next to each timed report, settling, warm-up and the live view's first call: the longest
 * event-loop stall while it ran (`monitorEventLoopDelay`, 1 ms resolution, reset before each; max
 * and p99), i.e. how long a customer's message could have waited behind report work. Report work
 * gives the loop a turn every 10 ms (src/reports/pacer.ts); BENCH_SLICE_MS sets that slice for the
 * whole run (BENCH_SLICE_MS=Infinity: no turns, each piece of work one stretch, as before the
 * pacer). BENCH_COMPARE=0 skips the cached reports without turns run for comparison.
 *
 * BENCH_CONVERSATIONS=1000000 gives ~10 M events; give Node room:
 *   NODE_OPTIONS=--max-old-space-size=14000 BENCH_CONVERSATIONS=1000000 npx tsx bench/reports.ts
 * BENCH_ONLY=sqlite|postgres picks one database; BENCH_LIVE_CALLS (default 200); BENCH_BASELINE_RUNS
 * (default 3) monthly reports the old way; BENCH_KEEP=1 keeps
 * the SQLite file and the PostgreSQL schema (path and schema printed), for bench/lib/report-profile.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import type { CompiledContent } from '../src/content/live-content';
import { LiveHub } from '../src/live/hub';
import { ReportService, type Summary } from '../src/reports/report-service';
import { reportDb } from '../src/reports/report-tables';
import { Reports } from '../src/reports/reports';
import { defaultRoutingConfig } from '../src/routing/routing-config';
import { createLogger } from '../src/shared/log';
import { defaultShopSettings } from '../src/shop/settings';
import { type Database, openDatabase } from '../src/store/database';
import type { ConversationsTable, EventsTable } from '../src/store/tables';
import { type HistoryOptions, history, historyPresence } from '../test/reports/seed';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const LIVE_CALLS = Number(process.env.BENCH_LIVE_CALLS ?? 200);
const ONLY = process.env.BENCH_ONLY;
/** Runs of the old replay path's monthly report (the median is printed); 1 at 10 M events saves minutes. */
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 3);
/** Report work's slice before the event loop gets a turn (undefined: the service's default). */
const SLICE_MS = process.env.BENCH_SLICE_MS === undefined ? undefined : Number(process.env.BENCH_SLICE_MS);
const sliced = SLICE_MS === undefined ? {} : { sliceMs: SLICE_MS };
const COMPARE = process.env.BENCH_COMPARE !== '0' && SLICE_MS !== Number.POSITIVE_INFINITY;
const TZ = 'Asia/Shanghai';
const START = Date.parse('2026-10-01T00:00:00+08:00');
const END = START + DAYS * 86_400_000;
const NOW = END - 3 * 3_600_000;
const AGENTS = Array.from({ length: 40 }, (_, i) => ({
  id: `agent-${String(i).padStart(2, '0')}`,
  weight: 1 + (i % 4),
}));

const EVENT_COLUMNS = [
  'id',
  'conversation_id',
  'customer_key',
  'channel',
  'type',
  'actor',
  'agent_id',
  'at',
  'platform_at',
  'intent',
  'text',
  'data',
] as const;
const CONVERSATION_COLUMNS = Object.keys(
  history({ start: 0, days: 1, perDay: 1, agents: AGENTS }).next().value!.conversation,
) as (keyof ConversationsTable)[];

const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

function historyOptions(): HistoryOptions {
  return {
    start: START,
    days: DAYS,
    perDay: CONVERSATIONS / DAYS / 1.04,
    agents: AGENTS,
    seed: 5,
    prefix: 'b',
    // The log ends at "now": 21:00 on the last day, a busy hour, so "today" is a real day so far.
    until: NOW,
  };
}

interface Writer {
  insert(conversations: ConversationsTable[], events: Omit<EventsTable, 'seq'>[]): Promise<void>;
  finish(): Promise<void>;
}

/** SQLite: a second connection on the same file, prepared statements, 20 000 rows per transaction. */
function sqliteWriter(file: string): Writer {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const ev = db.prepare(
    `INSERT INTO events (${EVENT_COLUMNS.join(',')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(',')})`,
  );
  const cv = db.prepare(
    `INSERT INTO conversations (${CONVERSATION_COLUMNS.join(',')}) VALUES (${CONVERSATION_COLUMNS.map(() => '?').join(',')})`,
  );
  const tx = db.transaction((conversations: ConversationsTable[], events: Omit<EventsTable, 'seq'>[]) => {
    for (const c of conversations) cv.run(...CONVERSATION_COLUMNS.map((k) => c[k]));
    for (const e of events) ev.run(...EVENT_COLUMNS.map((k) => e[k]));
  });
  return {
    async insert(conversations, events) {
      tx(conversations, events);
    },
    async finish() {
      db.close();
    },
  };
}

/** PostgreSQL: one INSERT … SELECT FROM unnest(arrays) per batch. */
function pgWriter(pool: pg.Pool): Writer {
  const types: Record<string, string> = { at: 'bigint', platform_at: 'bigint' };
  const convTypes: Record<string, string> = {};
  for (const k of CONVERSATION_COLUMNS) {
    convTypes[k] = /_at$|queue_key|awaiting_since/.test(k)
      ? 'bigint'
      : ['reply_turn', 'overdue', 'on_hold', 'hops'].includes(k)
        ? 'integer'
        : 'text';
  }
  const insert = async (
    table: string,
    columns: readonly string[],
    typeOf: (c: string) => string,
    rows: Record<string, unknown>[],
  ) => {
    if (!rows.length) return;
    const arrays = columns.map((c) => rows.map((r) => r[c] ?? null));
    const sql = `INSERT INTO ${table} (${columns.join(',')}) SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${typeOf(c)}[]`).join(',')})`;
    await pool.query(sql, arrays);
  };
  return {
    async insert(conversations, events) {
      await insert(
        'conversations',
        CONVERSATION_COLUMNS,
        (c) => convTypes[c]!,
        conversations as unknown as Record<string, unknown>[],
      );
      await insert(
        'events',
        EVENT_COLUMNS,
        (c) => types[c] ?? 'text',
        events as unknown as Record<string, unknown>[],
      );
    },
    async finish() {},
  };
}

async function load(
  writer: Writer,
  database: Database,
): Promise<{ conversations: number; events: number; seconds: number }> {
  const started = performance.now();
  let conversations: ConversationsTable[] = [];
  let events: Omit<EventsTable, 'seq'>[] = [];
  const counts = { conversations: 0, events: 0 };
  for (const c of history(historyOptions())) {
    conversations.push(c.conversation);
    for (const e of c.events) events.push(e);
    counts.conversations++;
    counts.events += c.events.length;
    if (events.length >= 20_000) {
      await writer.insert(conversations, events);
      conversations = [];
      events = [];
      if (counts.conversations % 100_000 < 2500)
        process.stderr.write(`  … ${counts.conversations} conversations, ${counts.events} events\n`);
    }
  }
  await writer.insert(conversations, events);
  await writer.finish();
  const presence = historyPresence(historyOptions());
  const db = database.db as unknown as import('kysely').Kysely<{
    agent_presence: { id: string; agent_id: string; status: string; at: number };
  }>;
  for (let i = 0; i < presence.length; i += 500)
    await db
      .insertInto('agent_presence')
      .values(presence.slice(i, i + 500))
      .execute();
  return { ...counts, seconds: (performance.now() - started) / 1000 };
}

/** Longest event-loop delays seen while something ran, and the longest garbage-collector pause, in ms. */
interface Stall {
  max: number;
  p99: number;
  gc: number;
}

/** Every GC pause of the process (start, duration), to find the ones inside a timed window. */
const gcPauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, duration: e.duration });
  if (gcPauses.length > 100_000) gcPauses.splice(0, 50_000);
}).observe({ entryTypes: ['gc'] });

/**
 * Times `fn` and watches the event loop meanwhile: a 1 ms timer's lateness, the longest (max) and
 * its p99 — how long a message arriving then would have waited behind synchronous work — and the
 * longest GC pause in that time (part of the stall, not report code). A fresh histogram per run (a
 * reset before each); the monitor records from its second tick on, so it ticks once before `fn`.
 */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T; stall: Stall }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((resolve) => setTimeout(resolve, 3));
  const t = performance.now();
  const value = await fn();
  const end = performance.now();
  const ms = end - t;
  // The loop's next turn: the timer late behind the last stretch records it before we stop watching.
  await new Promise((resolve) => setTimeout(resolve, 5));
  h.disable();
  // GC entries arrive after the fact: let the observer catch up.
  await new Promise((resolve) => setTimeout(resolve, 5));
  let gc = 0;
  for (const p of gcPauses) if (p.start >= t && p.start <= end) gc = Math.max(gc, p.duration);
  const stall =
    h.count > 0 ? { max: h.max / 1e6, p99: h.percentile(99) / 1e6, gc } : { max: ms, p99: ms, gc };
  return { ms, value, stall };
}

const stallText = (s: Stall) =>
  `loop stall max ${ms(s.max)}, p99 ${ms(s.p99)} (longest GC pause ${ms(s.gc)})`;
/** The worst of several runs. */
const worst = (xs: Stall[]): Stall => ({
  max: Math.max(...xs.map((x) => x.max)),
  p99: Math.max(...xs.map((x) => x.p99)),
  gc: Math.max(...xs.map((x) => x.gc)),
});

async function benchDatabase(kind: 'sqlite' | 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'firstreply-bench-'));
  const schema = kind === 'postgres' ? `bench_${randomBytes(4).toString('hex')}` : undefined;
  const database = await openDatabase({
    dataDir: dir,
    file: 'bench.db',
    // The bench writes through its own connection; the message path's writer thread is not measured here.
    sqliteWriter: 'inline',
    ...(kind === 'postgres' ? { url: process.env.DATABASE_URL!, schema: schema! } : {}),
  });
  const file = join(dir, 'bench.db');
  console.log(`\n## ${kind}${kind === 'sqlite' ? ` (${file})` : ` (schema ${schema})`}`);
  try {
    // Agents, as the app has them (names, test flags) — two test agents among 42.
    for (const [i, a] of [...AGENTS, { id: 'agent-test-1' }, { id: 'agent-test-2' }].entries()) {
      await database.db
        .insertInto('agents')
        .values({
          id: a.id,
          login: a.id,
          name: `Agent ${i}`,
          password_hash: 'x',
          role: 'agent',
          level: 'regular',
          rank: 100,
          cap: 8,
          groups: '[]',
          test: a.id.startsWith('agent-test') ? 1 : 0,
          status: i < 12 ? 'online' : 'offline',
          active_count: i % 5,
          last_assigned_at: null,
          status_changed_at: END - 3_600_000,
          overdue_in_row: 0,
          created_at: START - 86_400_000,
        })
        .execute();
    }
    const writer = kind === 'sqlite' ? sqliteWriter(file) : pgWriter(database.pg!.pool);
    const loaded = await load(writer, database);
    console.log(
      `generated ${loaded.conversations.toLocaleString('en')} conversations, ${loaded.events.toLocaleString('en')} events over ${DAYS} days; ` +
        `bulk insert ${Math.round(loaded.events / loaded.seconds).toLocaleString('en')} events/s (all indexes on, ${loaded.seconds.toFixed(1)} s)` +
        (kind === 'sqlite' ? `; file ${(statSync(file).size / 2 ** 20).toFixed(0)} MB` : ''),
    );
    if (kind === 'postgres') await database.pg!.pool.query('ANALYZE');

    const clock = { now: NOW };
    const content = {
      settings: defaultShopSettings(),
      routing: defaultRoutingConfig(),
    } as unknown as CompiledContent;
    const reports = new Reports({
      database,
      config: { current: content },
      hub: new LiveHub(),
      log: createLogger('silent'),
      clock: () => clock.now,
      ...(SLICE_MS === undefined ? {} : { reportSliceMs: SLICE_MS }),
    });
    const service = reports.service;
    // The old way, as the baseline: every report reads its whole period from the event log.
    const replay = new ReportService({
      database,
      config: { current: content },
      clock: () => clock.now,
      log: createLogger('silent'),
      useSettledFacts: false,
      ...sliced,
    });
    const localDate = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
    const month = { from: localDate(START), to: localDate(END), tz: TZ };
    const dailyDays = Array.from({ length: 5 }, (_, d) => [
      localDate(START + ((3 + d * 5) % DAYS) * 86_400_000),
      localDate(START + (((3 + d * 5) % DAYS) + 1) * 86_400_000),
    ]);

    /** Monthly (median of `runs`), grouped by day, and the per-agent daily report (median of 5 days). */
    async function reportTimes(label: string, s: ReportService, runs: number) {
      const monthly: {
        ms: number;
        load: number;
        compute: number;
        heap: number;
        value: Summary;
        stall: Stall;
      }[] = [];
      for (let i = 0; i < runs; i++) {
        const r = await timed(() => s.summary(month));
        monthly.push({
          ms: r.ms,
          load: r.value.timing.loadMs,
          compute: r.value.timing.computeMs,
          heap: process.memoryUsage().heapUsed / 2 ** 20,
          value: r.value,
          stall: r.stall,
        });
      }
      const sorted = [...monthly].sort((a, b) => a.ms - b.ms);
      const m = sorted[Math.floor(sorted.length / 2)]!;
      const t = m.value.timing;
      console.log(
        `[${label}] month ${month.from} → ${month.to}: ${m.value.report.overall.conversations.toLocaleString('en')} conversations measured, ` +
          `${t.events.toLocaleString('en')} events behind them, ${t.rowsScanned.toLocaleString('en')} event rows read, ` +
          `${t.settledConversations.toLocaleString('en')} conversations from settled facts; ` +
          `first human response median ${m.value.report.overall.firstHumanResponseSeconds.median} s`,
      );
      console.log(
        `[${label}] monthly report: ${ms(m.ms)} (median of ${runs}: ${monthly.map((x) => x.ms.toFixed(0)).join(', ')} ms; ` +
          `read ${m.load} ms, tally ${m.compute} ms), heap ${m.heap.toFixed(0)} MB; ` +
          `${stallText(worst(monthly.map((x) => x.stall)))} (worst of ${runs}; max per run ${monthly.map((x) => x.stall.max.toFixed(0)).join(', ')} ms)`,
      );
      const byDay = await timed(() => s.summary({ ...month, groupBy: 'day' }));
      console.log(
        `[${label}] monthly report grouped by day (the dashboard's request): ${ms(byDay.ms)}; ${stallText(byDay.stall)}`,
      );
      const daily: number[] = [];
      const dailyStalls: Stall[] = [];
      for (const [d, [day, next]] of dailyDays.entries()) {
        const r = await timed(() =>
          s.summary({ from: day!, to: next!, tz: TZ, agent: AGENTS[d]!.id, groupBy: 'agent' }),
        );
        daily.push(r.ms);
        dailyStalls.push(r.stall);
      }
      console.log(
        `[${label}] per-agent daily report: median ${ms(median(daily))} (${daily.map((x) => x.toFixed(0)).join(', ')} ms); ` +
          `${stallText(worst(dailyStalls))} (worst of ${daily.length})`,
      );
      return { monthly: m.value, byDay: byDay.value };
    }

    const before = await reportTimes('replay', replay, BASELINE_RUNS);

    // Settling: the one-off cost of measuring the history once (what the start-up job does).
    const settle = await timed(() => service.settler.settleAll());
    const st = settle.value;
    console.log(
      `settling: ${st.days} days, ${st.conversations.toLocaleString('en')} conversations (${st.settled.toLocaleString('en')} settled, ` +
        `${st.pending.toLocaleString('en')} pending), ${st.events.toLocaleString('en')} events in ${ms(settle.ms)}: ` +
        `${(settle.ms / st.days / 1000).toFixed(2)} s per day, ${((settle.ms / st.events) * 1000).toFixed(1)} s per million events; ` +
        stallText(settle.stall),
    );
    const stored = await reportDb(database)
      .selectFrom('report_fact_blocks')
      .select([
        (eb) => eb.fn.count('block').as('blocks'),
        (eb) => eb.fn.sum(sql<number>`length(data)`).as('bytes'),
      ])
      .executeTakeFirst();
    console.log(
      `stored: ${stored?.blocks} blocks, ${(Number(stored?.bytes) / 2 ** 20).toFixed(1)} MB of encoded facts ` +
        `(${(Number(stored?.bytes) / st.settled).toFixed(0)} bytes per conversation)`,
    );

    // Reports decoding every block they read (no cache: a report right after a restart, before the
    // background warm-up), then with the decoded blocks kept in memory (the steady state).
    const uncached = new ReportService({
      database,
      config: { current: content },
      clock: () => clock.now,
      log: createLogger('silent'),
      factCache: 0,
      ...sliced,
    });
    const cold = await reportTimes('settled, no cache', uncached, 3);
    const warm = await timed(() =>
      service.settler.warm(service.factContext(['agent-test-1', 'agent-test-2']), START - 86_400_000),
    );
    console.log(
      `cache warm-up (decoding every block once, in the background after settling): ${ms(warm.ms)}, ` +
        `${warm.value.toLocaleString('en')} conversations, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB; ` +
        stallText(warm.stall),
    );
    const after = await reportTimes('settled, cached', service, 3);
    const compared: (typeof after)[] = [];
    if (COMPARE) {
      // The same cached reports without turns (one stretch each, as before the pacer): the stall then.
      const unsliced = new ReportService({
        database,
        config: { current: content },
        clock: () => clock.now,
        log: createLogger('silent'),
        sliceMs: Number.POSITIVE_INFINITY,
      });
      await unsliced.settler.warm(unsliced.factContext(['agent-test-1', 'agent-test-2']), START - 86_400_000);
      compared.push(await reportTimes('settled, cached, no turns', unsliced, 3));
    }
    const same = [cold, after, ...compared].every(
      (x) =>
        JSON.stringify(x.monthly.report) === JSON.stringify(before.monthly.report) &&
        JSON.stringify(x.byDay.groups) === JSON.stringify(before.byDay.groups),
    );
    console.log(
      `same figures from settled facts as from the event log (monthly report and day groups): ${same}`,
    );
    if (!same) process.exitCode = 1;

    // Live view: the first call loads the last day; then new events between calls.
    const first = await timed(() => reports.live());
    console.log(
      `live view, first call (loads ${reports.tally.size.toLocaleString('en')} conversations into the tally): ${ms(first.ms)}; ` +
        stallText(first.stall),
    );
    const liveTimes: number[] = [];
    let extra = 0;
    for (let i = 0; i < LIVE_CALLS; i++) {
      clock.now += 2000;
      // A new chat every call, and a reply in an earlier one: the tally has work to do.
      const id = `live-${i}`;
      const rows: Omit<EventsTable, 'seq'>[] = [
        {
          id: `${id}:0`,
          conversation_id: id,
          customer_key: `web:l${i}`,
          channel: 'web',
          type: 'message.received',
          actor: 'customer',
          agent_id: null,
          at: clock.now,
          platform_at: null,
          intent: null,
          text: '在吗',
          data: null,
        },
        {
          id: `${id}:1`,
          conversation_id: id,
          customer_key: `web:l${i}`,
          channel: 'web',
          type: 'conversation.handoff',
          actor: 'system',
          agent_id: null,
          at: clock.now,
          platform_at: null,
          intent: null,
          text: null,
          data: null,
        },
      ];
      if (i > 0) {
        rows.push({
          id: `live-${i - 1}:2`,
          conversation_id: `live-${i - 1}`,
          customer_key: `web:l${i - 1}`,
          channel: 'web',
          type: 'agent.replied',
          actor: 'agent',
          agent_id: AGENTS[i % 40]!.id,
          at: clock.now,
          platform_at: null,
          intent: null,
          text: '您好',
          data: null,
        });
      }
      extra += rows.length;
      await database.db.insertInto('events').values(rows).execute();
      const r = await timed(() => reports.live());
      liveTimes.push(r.ms);
    }
    console.log(
      `live view, ${LIVE_CALLS} calls with ${extra} new events between them: p50 ${ms(pct(liveTimes, 0.5))}, p99 ${ms(pct(liveTimes, 0.99))}, max ${ms(Math.max(...liveTimes))}`,
    );
    const snapshot = await reports.live();
    console.log(
      `  today so far: ${snapshot.today.conversations} conversations, first human median ${snapshot.today.firstHumanResponseSeconds.median} s; queue ${snapshot.queue.total}`,
    );
    return database;
  } catch (e) {
    await database.close();
    throw e;
  } finally {
    if (!process.env.BENCH_KEEP && kind === 'sqlite')
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    if (schema && !process.env.BENCH_KEEP) {
      cleanups.push(async () => {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      });
    }
  }
}

const cleanups: (() => Promise<void>)[] = [];

/**
 * What the reports cost at write time. Events: nothing (no index, trigger or aggregate on `events`;
 * the live tally reads new events by primary key). Conversations: one index on `started_at`. Timed
 * on fresh SQLite files, with and without that index: inserting conversations with their events, and
 * the per-message conversation upsert the message path does.
 */
async function writeCost() {
  const n = Math.min(20_000, CONVERSATIONS);
  const sample = [...history({ ...historyOptions(), perDay: n / 3, days: 3 })];
  const result: Record<string, { insertPerEventUs: number; upsertUs: number }> = {};
  for (const variant of ['without', 'with'] as const) {
    const runs: { insert: number; upsert: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'firstreply-bench-w-'));
      const database = await openDatabase({ dataDir: dir, file: 'w.db', sqliteWriter: 'inline' });
      if (variant === 'without') await database.db.schema.dropIndex('conversations_started').execute();
      await database.close();
      const file = join(dir, 'w.db');
      const writer = sqliteWriter(file);
      let events = 0;
      const t0 = performance.now();
      for (let i = 0; i < sample.length; i += 100) {
        const slice = sample.slice(i, i + 100);
        const evs = slice.flatMap((c) => c.events);
        events += evs.length;
        await writer.insert(
          slice.map((c) => c.conversation),
          evs,
        );
      }
      const insert = ((performance.now() - t0) * 1000) / events;
      await writer.finish();
      // The message path's upsert: every customer message rewrites its conversation row.
      const db = new SQLite(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const upsert = db.prepare(
        `INSERT INTO conversations (${CONVERSATION_COLUMNS.join(',')}) VALUES (${CONVERSATION_COLUMNS.map(() => '?').join(',')})
         ON CONFLICT(id) DO UPDATE SET last_message_at = excluded.last_message_at, last_customer_at = excluded.last_customer_at, tier = excluded.tier`,
      );
      const rows = sample.map((c) => c.conversation);
      const t1 = performance.now();
      const tx = db.transaction(() => {
        for (const c of rows)
          upsert.run(
            ...CONVERSATION_COLUMNS.map((k) => (k === 'last_message_at' ? Number(c[k]) + 1000 : c[k])),
          );
      });
      for (let k = 0; k < 5; k++) tx();
      const up = ((performance.now() - t1) * 1000) / (rows.length * 5);
      db.close();
      rmSync(dir, { recursive: true, force: true });
      runs.push({ insert, upsert: up });
    }
    result[variant] = {
      insertPerEventUs: median(runs.map((r) => r.insert)),
      upsertUs: median(runs.map((r) => r.upsert)),
    };
  }
  const w = result.with!;
  const wo = result.without!;
  console.log(
    `\n## write cost (SQLite, ${sample.length.toLocaleString('en')} conversations, batches of 100, median of 3)\n` +
      `insert, per event (conversation rows included): ${wo.insertPerEventUs.toFixed(2)} µs without the reports' index, ${w.insertPerEventUs.toFixed(2)} µs with it\n` +
      `conversation upsert per message: ${wo.upsertUs.toFixed(2)} µs without, ${w.upsertUs.toFixed(2)} µs with\n` +
      'events table: no index, trigger or aggregate added by the reports (0 µs per event)',
  );
}

async function main() {
  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(
    `# reports benchmark — ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  );
  console.log(
    `BENCH_CONVERSATIONS=${CONVERSATIONS} BENCH_DAYS=${DAYS} BENCH_SLICE_MS=${SLICE_MS ?? 'default (10)'}; heap limit ${((await import('node:v8')).getHeapStatistics().heap_size_limit / 2 ** 30).toFixed(1)} GiB`,
  );
  const kinds: ('sqlite' | 'postgres')[] = [];
  if (!ONLY || ONLY === 'sqlite') kinds.push('sqlite');
  if ((!ONLY || ONLY === 'postgres') && process.env.DATABASE_URL) kinds.push('postgres');
  try {
    for (const kind of kinds) {
      const database = await benchDatabase(kind);
      await database.close();
    }
    if (!ONLY || ONLY === 'sqlite') await writeCost();
  } finally {
    for (const c of cleanups) await c();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
