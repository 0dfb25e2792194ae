/**
 * End-to-end HTTP benchmark over loopback: the real app (SQLite in a fresh temp dir, LOG_LEVEL=silent)
 * and a bare Express + express.json() server answering a constant, each in its own child process;
 * autocannon runs here. Max throughput (c=50) of both, interleaved over rounds; then our latency at
 * half our own max throughput; then a check that every 2xx was durably logged.
 *
 *   npx tsx bench/http.ts
 *   env: BENCH_SECONDS=10 BENCH_HTTP_ROUNDS=3 BENCH_SHOP=open|closed|default BENCH_CPU_PROF=<dir>
 *        BENCH_KEEP_DATA=1 BENCH_WHATIF=router (diagnosis only, see bench/lib/whatif.ts)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { type LoopDelay, type ServerChild, startServer } from './lib/child';
import { type LoadResult, runAutocannon, runOpenLoop } from './lib/load';
import { machineLine } from './lib/machine';
import { realisticMessage } from './lib/messages';
import { describePack, loadBenchPack, serverEnv } from './lib/pack';
import { Rng } from './lib/rng';
import { fmt, fmtInt, median, table, yesNo } from './lib/stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);
const WARM = Math.max(1, Math.round(SECONDS * 0.3));
const CONNECTIONS = 50;
const CUSTOMERS = 10_000;
const CPU_PROF = process.env.BENCH_CPU_PROF;

const rng = new Rng(2026);
let counter = 0;
/** Customers in turn (each sees one message per 10 000, far below the 5/s throttle); texts drawn at random. */
const body = () =>
  JSON.stringify({ customerId: `bench-${counter++ % CUSTOMERS}`, text: realisticMessage(rng) });

const la = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function countReceived(file: string): { received: number; events: number; conversations: number } {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      received: one(`SELECT count(*) AS n FROM events WHERE type = 'message.received'`),
      events: one('SELECT count(*) AS n FROM events'),
      conversations: one('SELECT count(*) AS n FROM conversations'),
    };
  } finally {
    db.close();
  }
}

/**
 * The message.received count once the server has finished what it had in hand: requests that a timed
 * autocannon run cut off at its end are still being handled (and logged) for a moment after.
 */
async function settledCount(file: string): Promise<number> {
  let last = countReceived(file).received;
  for (let stable = 0; stable < 3; ) {
    await new Promise((r) => setTimeout(r, 250));
    const now = countReceived(file).received;
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

/** Event-loop delay of the server during each run (reset before, read after). */
const delays = new Map<LoadResult, LoopDelay | undefined>();

function row(r: LoadResult, extra: string[] = []): string[] {
  const d = delays.get(r);
  return [
    r.label,
    fmt(r.seconds, 1),
    fmtInt(r.rps),
    fmt(r.latency.p50, 2),
    fmt(r.latency.p99, 2),
    fmt(r.latency.max, 1),
    fmtInt(r.serverCpuUs),
    fmtInt(r.serverMainCpuUs),
    fmtInt(r.clientCpuUs),
    d ? `${fmt(d.p99, 1)} / ${fmt(d.max, 1)}` : '–',
    d?.gc ? `${d.gc.count}: ${fmtInt(d.gc.totalMs)} / ${fmt(d.gc.maxMs, 1)} (${d.gc.major} major)` : '–',
    d?.commit
      ? `${fmtInt(d.commit.count)}: ${fmt(d.commit.p50, 1)} / ${fmt(d.commit.p99, 1)} / ${fmt(d.commit.max, 1)}`
      : '–',
    `${r.non2xx}/${r.errors}/${r.timeouts}`,
    ...extra,
  ];
}
const HEADER = [
  'run',
  's',
  '2xx req/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'server CPU µs/req',
  'main thread µs/req',
  'client CPU µs/req',
  'server loop delay p99 / max ms',
  'server GCs: total / max ms',
  'commits: p50 / p99 / max ms',
  'non2xx/err/timeout',
];

async function main(): Promise<void> {
  console.log('## HTTP benchmark (bench/http.ts)');
  console.log(machineLine());
  const bench = loadBenchPack();
  console.log(`content: ${describePack(bench)}`);
  console.log(
    `load: POST /api/messages, ${CUSTOMERS} customers in turn, texts: 20 % greetings / 40 % questions / 40 % unknown; c=${CONNECTIONS}; ${SECONDS} s per run, ${WARM} s warm-up, ${ROUNDS} interleaved rounds`,
  );
  console.log(`load average at start: ${la()}`);
  if (process.env.BENCH_WHATIF)
    console.log(
      `WHAT-IF patches on in the app (${process.env.BENCH_WHATIF}): NOT the shipped code, see bench/lib/whatif.ts`,
    );

  const dataDir = mkdtempSync(join(tmpdir(), 'firstreply-bench-'));
  const dbFile = join(dataDir, 'firstreply.db');
  const { env: appEnv, shopMode } = serverEnv(dataDir, bench);
  console.log(`shop: ${shopMode}; no agents online, so hand-offs wait in the queue`);
  const profArgs = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [];
  let ours: ServerChild | undefined;
  let bare: ServerChild | undefined;
  try {
    ours = await startServer('bench/lib/serve-app.ts', appEnv, profArgs);
    bare = await startServer('bench/lib/serve-bare.ts', { ...process.env, NODE_ENV: 'production' });
    console.log(
      `ours: ${ours.url} (pid ${ours.proc.pid}, SQLite ${dbFile}${CPU_PROF ? `, --cpu-prof → ${CPU_PROF}` : ''}); bare: ${bare.url} (pid ${bare.proc.pid})\n`,
    );

    const all: LoadResult[] = [];
    const load = async (
      server: ServerChild,
      label: string,
      extra: { seconds?: number; amount?: number; overallRate?: number } = {},
    ) => {
      await server.loopDelay();
      const r = await runAutocannon({
        label,
        url: server.url,
        body,
        connections: CONNECTIONS,
        seconds: SECONDS,
        ...extra,
        serverPid: server.proc.pid!,
      });
      delays.set(r, await server.loopDelay());
      if (server === ours) all.push(r);
      return r;
    };

    await load(bare, 'warm-up bare', { seconds: WARM });
    await load(ours, 'warm-up ours', { seconds: WARM });

    const bareRuns: LoadResult[] = [];
    const ourRuns: LoadResult[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order: [ServerChild, string, LoadResult[]][] = [
        [bare, `bare express.json, round ${round}`, bareRuns],
        [ours, `FirstReply, round ${round}`, ourRuns],
      ];
      if (round % 2 === 0) order.reverse();
      for (const [server, label, runs] of order) {
        const r = await load(server, label);
        runs.push(r);
        console.log(
          `  ${label}: ${fmtInt(r.rps)} req/s, p50 ${fmt(r.latency.p50, 2)} ms, p99 ${fmt(r.latency.p99, 2)} ms`,
        );
      }
    }
    const bareMax = median(bareRuns.map((r) => r.rps));
    const ourMax = median(ourRuns.map((r) => r.rps));
    const ratios = ourRuns.map((r, i) => r.rps / bareRuns[i]!.rps);
    const ratio = ourMax / bareMax;

    console.log(`\nMax throughput, closed loop c=${CONNECTIONS} (load average now ${la()}):`);
    console.log(
      table(
        HEADER,
        [...bareRuns, ...ourRuns].map((r) => row(r)),
      ),
    );
    console.log(
      `median: bare ${fmtInt(bareMax)} req/s, ours ${fmtInt(ourMax)} req/s → ${fmt(ratio * 100, 0)} % of bare (per round: ${ratios.map((x) => `${fmt(x * 100, 0)} %`).join(', ')})`,
    );

    const rate = Math.max(1, Math.round(ourMax / 2));
    console.log(`\nLatency at half our max = ${fmtInt(rate)} req/s:`);
    const paced = await load(ours, `FirstReply, autocannon overallRate ${rate}`, { overallRate: rate });

    // Exact phase 1: open loop, every response awaited; the events it logged are counted live (WAL reader).
    const before1 = await settledCount(dbFile);
    await ours.loopDelay();
    const open = await runOpenLoop({
      label: `FirstReply, open loop ${rate}/s`,
      url: ours.url,
      body,
      rate,
      seconds: SECONDS,
      connections: 64,
      serverPid: ours.proc.pid!,
    });
    all.push(open);
    delays.set(open, await ours.loopDelay());
    const after1 = countReceived(dbFile).received;

    // The same even load on the bare server: what this machine allows any Express server at that rate.
    await bare.loopDelay();
    const bareOpen = await runOpenLoop({
      label: `bare express.json, open loop ${rate}/s`,
      url: bare.url,
      body,
      rate,
      seconds: SECONDS,
      connections: 64,
      serverPid: bare.proc.pid!,
    });
    delays.set(bareOpen, await bare.loopDelay());

    console.log(
      table(
        [...HEADER, 'p99 from due ms'],
        [
          row(paced, ['–']),
          row(open, [fmt(open.fromDue.p99, 2)]),
          row(bareOpen, [fmt(bareOpen.fromDue.p99, 2)]),
        ],
      ),
    );
    console.log(
      '(autocannon overallRate sends each connection\'s quota for the second back to back at the start of the second, so its latencies are those of short closed-loop bursts; the open loop spaces requests evenly, 1 ms timer granularity, and "from due" also counts time a request waited in the generator.)',
    );

    // Exact phase 2: a fixed number of requests, then shut the server down (flush + close) and read the file.
    const before2 = after1;
    const amount = Math.max(CONNECTIONS, Math.round(rate * Math.min(SECONDS, 5)));
    const last = await load(ours, `FirstReply, ${amount} requests (durability check)`, { amount });
    const code = await ours.stop();
    ours = undefined;
    const final = countReceived(dbFile);

    const ok2xx = all.reduce((n, r) => n + r.ok, 0);
    const cut = all.filter((r) => !r.label.includes('durability') && !r.label.includes('open loop')).length;
    const openOk = after1 - before1 === open.ok;
    const lastOk = final.received - before2 === last.ok;
    console.log(`\nDurability (events in the SQLite file after the server exited with code ${code}):`);
    console.log(
      table(
        ['phase', '2xx responses', 'message.received events', 'equal'],
        [
          [
            `open loop (every response awaited; counted live)`,
            fmtInt(open.ok),
            fmtInt(after1 - before1),
            openOk ? 'yes' : 'NO',
          ],
          [
            `fixed amount, then shutdown (counted in the file)`,
            fmtInt(last.ok),
            fmtInt(final.received - before2),
            lastOk ? 'yes' : 'NO',
          ],
          [
            `whole run`,
            fmtInt(ok2xx),
            fmtInt(final.received),
            final.received === ok2xx ? 'yes' : `+${final.received - ok2xx}`,
          ],
        ],
      ),
    );
    console.log(
      `(whole run: the ${cut} timed autocannon runs end by destroying their sockets with up to ${CONNECTIONS} requests in flight; the server logs those but the client never sees the 2xx, so the file may hold up to ${cut * CONNECTIONS} more events than counted responses — never fewer. ${fmtInt(final.conversations)} conversations, ${fmtInt(final.events)} events in all.)`,
    );

    console.log('\nGoals');
    console.log(
      `- throughput ≥ 60 % of bare Express + express.json(): ${fmt(ratio * 100, 0)} % (${fmtInt(ourMax)} vs ${fmtInt(bareMax)} req/s) → ${yesNo(ratio >= 0.6)}`,
    );
    console.log(
      `- p99 < 10 ms at half our max (${fmtInt(rate)} req/s), autocannon overallRate: ${fmt(paced.latency.p99, 2)} ms → ${yesNo(paced.latency.p99 < 10)}`,
    );
    console.log(
      `  same rate, open loop (even spacing): p99 ${fmt(open.latency.p99, 2)} ms (from due ${fmt(open.fromDue.p99, 2)} ms) → ${yesNo(open.latency.p99 < 10)}; bare Express at the same rate: p99 ${fmt(bareOpen.latency.p99, 2)} ms`,
    );
    console.log(
      `- every 2xx durably logged: ${
        (process.env.BENCH_WHATIF ?? '').includes('stub-pipeline')
          ? 'n/a (stub pipeline stores nothing)'
          : openOk && lastOk && final.received >= ok2xx
            ? 'MET'
            : 'MISSED'
      }`,
    );
    console.log(`load average at end: ${la()}`);
    console.log(
      `\nRESULT ${JSON.stringify({ bench: 'http', whatIf: process.env.BENCH_WHATIF ?? null, bareCpuUs: median(bareRuns.map((r) => r.serverCpuUs)), ourCpuUs: median(ourRuns.map((r) => r.serverCpuUs)), bareMax, ourMax, ratio, rate, paced: { p50: paced.latency.p50, p99: paced.latency.p99 }, open: { p50: open.latency.p50, p99: open.latency.p99, p99FromDue: open.fromDue.p99 }, bareOpen: { p50: bareOpen.latency.p50, p99: bareOpen.latency.p99 }, durable: { openOk, lastOk, ok2xx, received: final.received } })}`,
    );
  } finally {
    await ours?.stop();
    await bare?.stop();
    if (!process.env.BENCH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`data kept in ${dataDir}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
