/**
 * Diagnosis: the SQLite WAL file's size under a steady message load. The real app (serve-app.ts)
 * on a fresh SQLite file takes the evenly spaced open loop at BENCH_RATE for BENCH_SECONDS; every
 * second this prints the size of `firstreply.db-wal` and its largest size so far. A WAL that only
 * grows means SQLite never starts it over (src/store/sqlite-checkpoint-thread.ts says when that
 * happens). It starts the server of the tree it sits in, so a copy in an older tree measures the
 * older code:
 *
 *   npx tsx bench/lib/wal-growth.ts
 *   (cd <older tree> && npx tsx bench/lib/wal-growth.ts)
 *   env: BENCH_RATE=4600 BENCH_SECONDS=60
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './child';
import { runOpenLoop } from './load';
import { realisticMessage } from './messages';
import { loadBenchPack, serverEnv } from './pack';
import { Rng } from './rng';
import { fmt } from './stats';

const RATE = Number(process.env.BENCH_RATE ?? 4600);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const rng = new Rng(7);
let counter = 0;
const body = () => JSON.stringify({ customerId: `bench-${counter++ % 10_000}`, text: realisticMessage(rng) });

const dataDir = mkdtempSync(join(tmpdir(), 'firstreply-wal-'));
const wal = join(dataDir, 'firstreply.db-wal');
const size = () => {
  try {
    return statSync(wal).size;
  } catch {
    return 0; // not there (yet, or removed by the last connection's close)
  }
};
const mb = (bytes: number) => fmt(bytes / 2 ** 20, 1);
console.log(
  `## WAL growth: open loop at ${RATE} req/s for ${SECONDS} s, 10 000 customers; cwd ${process.cwd()}; load average ${loadavg()[0]!.toFixed(2)}`,
);
const server = await startServer('bench/lib/serve-app.ts', serverEnv(dataDir, loadBenchPack()).env);
let largest = 0;
const samples: string[] = [];
const started = Date.now();
const timer = setInterval(() => {
  const now = size();
  largest = Math.max(largest, now);
  samples.push(`${Math.round((Date.now() - started) / 1000)} s: ${mb(now)} MB`);
}, 1000);
try {
  const open = await runOpenLoop({
    url: server.url,
    body,
    connections: 64,
    serverPid: server.proc.pid,
    label: 'open',
    rate: RATE,
    seconds: SECONDS,
  });
  clearInterval(timer);
  largest = Math.max(largest, size());
  console.log(samples.join(', '));
  console.log(
    `${open.ok} messages answered (p99 ${fmt(open.latency.p99, 2)} ms); WAL file at the end ${mb(size())} MB, largest ${mb(largest)} MB`,
  );
} finally {
  clearInterval(timer);
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
