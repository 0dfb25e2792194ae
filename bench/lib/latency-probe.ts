/**
 * Diagnosis next to bench/http.ts: each server in turn — ours (serve-app.ts), bare Express
 * (serve-bare.ts) and plain `node:http` (serve-raw.ts, the floor without a framework) — at max
 * throughput (autocannon, closed loop c = 50) and under the evenly spaced open loop at a fixed rate,
 * with the server's event-loop delay and GC pauses and the load generator's own loop delay (so a
 * tail that is the generator's shows as such).
 *
 *   npx tsx bench/lib/latency-probe.ts
 *   env: BENCH_RATE=1385 BENCH_SECONDS=8 BENCH_ROUNDS=2 BENCH_SERVERS=app,bare,raw
 *        BENCH_NODE_ARGS="--max-semi-space-size=64" (V8 flags for the servers; ours starts with
 *        src/server-flags.ts first, so BENCH_NODE_ARGS=--heap-growing-percent=0 runs it without)
 *        BENCH_PIN (Linux `taskset`; the default shares both cores, as in bench/http.ts) — so that
 *        the generator never takes the core of the server's main thread, as from another machine:
 *          main:   the server's main thread alone on CPU 0; its other threads and the generator on CPU 1
 *          server: the whole server on CPU 0 (one core for all its threads), the generator on CPU 1
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startServer } from './child';
import { runAutocannon, runOpenLoop } from './load';
import { realisticMessage } from './messages';
import { loadBenchPack, serverEnv } from './pack';
import { Rng } from './rng';
import { fmt, fmtInt, table } from './stats';

const RATE = Number(process.env.BENCH_RATE ?? 1385);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SERVERS = (process.env.BENCH_SERVERS ?? 'app,bare,raw').split(',');
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const PIN = process.env.BENCH_PIN ?? '';
if (!['', 'main', 'server'].includes(PIN)) throw new Error('BENCH_PIN: main or server');

/** BENCH_PIN: every thread of `pid` on `cpus`, then (if given) its main thread alone on `main`. */
function pin(pid: number, cpus: string, main?: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  if (main !== undefined) execFileSync('taskset', ['-p', '-c', main, String(pid)], { stdio: 'ignore' });
}
if (PIN) pin(process.pid, '1');

/** The server's largest resident set so far (Linux `VmHWM`). */
function peakRssMb(pid: number): string {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb === undefined ? '–' : fmtInt(Number(kb) / 1024);
}
const FILES: Record<string, string> = {
  app: 'bench/lib/serve-app.ts',
  bare: 'bench/lib/serve-bare.ts',
  raw: 'bench/lib/serve-raw.ts',
};

const bench = loadBenchPack();
const rng = new Rng(7);
let counter = 0;
const body = () => JSON.stringify({ customerId: `bench-${counter++ % 10_000}`, text: realisticMessage(rng) });

console.log(
  `## latency probe: open loop at ${RATE} req/s for ${SECONDS} s, ${ROUNDS} round(s); server flags: ${NODE_ARGS.join(' ') || 'none'}; ${{ main: 'server main thread alone on CPU 0, its other threads and the generator on CPU 1', server: 'server on CPU 0, generator on CPU 1' }[PIN] ?? 'no pinning'}; load average ${loadavg()[0]!.toFixed(2)}`,
);
const rows: string[][] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const name of SERVERS) {
    const file = FILES[name];
    if (!file) throw new Error(`BENCH_SERVERS: unknown server "${name}" (app, bare, raw)`);
    const dataDir = mkdtempSync(join(tmpdir(), 'firstreply-probe-'));
    const server = await startServer(file, serverEnv(dataDir, bench).env, NODE_ARGS);
    if (PIN === 'main') pin(server.proc.pid!, '1', '0');
    if (PIN === 'server') pin(server.proc.pid!, '0');
    try {
      const load = { url: server.url, body, connections: 50, serverPid: server.proc.pid };
      await runAutocannon({ ...load, label: 'warm-up', seconds: 3 });
      const max = await runAutocannon({ ...load, label: 'max', seconds: SECONDS });
      await runOpenLoop({ ...load, label: 'warm-up', rate: RATE, seconds: 2, connections: 64 });
      await server.loopDelay();
      const generator = monitorEventLoopDelay({ resolution: 1 });
      generator.enable();
      const open = await runOpenLoop({
        ...load,
        label: 'open',
        rate: RATE,
        seconds: SECONDS,
        connections: 64,
      });
      generator.disable();
      const delay = await server.loopDelay();
      rows.push([
        `${name}, round ${round}`,
        fmtInt(max.rps),
        fmt(open.latency.p50, 2),
        fmt(open.latency.p90, 2),
        fmt(open.latency.p99, 2),
        fmt(open.latency.max, 1),
        fmtInt(open.serverMainCpuUs),
        delay ? `${fmt(delay.p99, 1)} / ${fmt(delay.max, 1)}` : '–',
        delay?.gc ? fmt(delay.gc.maxMs, 1) : '–',
        delay?.commit ? `${fmt(delay.commit.p99, 1)} / ${fmt(delay.commit.max, 1)}` : '–',
        `${fmt(generator.percentile(99) / 1e6, 1)} / ${fmt(generator.max / 1e6, 1)}`,
        peakRssMb(server.proc.pid!),
      ]);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
console.log(
  table(
    [
      'server',
      'max req/s (c=50)',
      'open p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'main thread µs/req',
      'server loop delay p99 / max ms',
      'server GC max ms',
      'commits p99 / max ms',
      'generator loop delay p99 / max ms',
      'server peak RSS MB',
    ],
    rows,
  ),
);
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
