/**
 * Diagnostic: what one hand-off to a worker thread and back costs the main thread, as the SQLite
 * writer does it (postMessage of a flat statement array, a reply with two 25-column rows), against
 * a SharedArrayBuffer with Atomics.notify one way and Atomics.waitAsync back (JSON in the buffer).
 * One round trip at a time, as in a lightly loaded server. Main-thread CPU from /proc.
 *
 *   npx tsx bench/lib/handoff-compare.ts [roundTrips=20000] [rounds=3]
 */
import { Worker } from 'node:worker_threads';
import { procCpuMs } from './load';
import { fmt } from './stats';

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 3);

// The worker side of both ways, as source: it runs without the TypeScript loader.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const row = {};
for (let i = 0; i < 25; i++) row['column_' + i] = i % 3 === 0 ? null : i % 3 === 1 ? 'value-' + i + '-abcdefgh' : i * 1000.5;
if (workerData.mode === 'post') {
  parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, returned: [row, { ...row }] }));
} else {
  const control = new Int32Array(workerData.sab, 0, 4); // request seq, reply seq, request bytes, reply bytes
  const bytes = Buffer.from(workerData.sab, 16);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, 0, seen);
    seen = Atomics.load(control, 0);
    const request = JSON.parse(bytes.toString('utf8', 0, control[2]));
    control[3] = bytes.write(JSON.stringify({ id: request.id, returned: [row, { ...row }] }), 0);
    Atomics.store(control, 1, seen);
    Atomics.notify(control, 1);
  }
}`;

// Five statements of twelve parameters: a message's batch.
const statements: unknown[] = [];
for (let s = 0; s < 5; s++) {
  statements.push(s, 12);
  for (let i = 0; i < 12; i++) statements.push(i % 2 ? `string-value-${i}` : i * 17.5);
}

async function viaPostMessage(): Promise<{ wallUs: number; cpuUs: number; stop: () => Promise<number> }> {
  const worker = new Worker(WORKER, { eval: true, workerData: { mode: 'post' } });
  const waiting = new Map<number, () => void>();
  worker.on('message', (r: { id: number }) => {
    waiting.get(r.id)?.();
    waiting.delete(r.id);
  });
  let id = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const n = ++id;
      waiting.set(n, resolve);
      worker.postMessage({ id: n, define: [], statements });
    });
  return { ...(await time(once)), stop: () => worker.terminate() };
}

async function viaAtomics(): Promise<{ wallUs: number; cpuUs: number; stop: () => Promise<number> }> {
  const sab = new SharedArrayBuffer(16 + (1 << 20));
  const control = new Int32Array(sab, 0, 4);
  const bytes = Buffer.from(sab, 16);
  const worker = new Worker(WORKER, { eval: true, workerData: { mode: 'atomics', sab } });
  let id = 0;
  const once = async () => {
    const n = ++id;
    control[2] = bytes.write(JSON.stringify({ id: n, define: [], statements }), 0);
    Atomics.store(control, 0, n);
    Atomics.notify(control, 0);
    const wait = Atomics.waitAsync(control, 1, n - 1);
    if (wait.async) await wait.value;
    JSON.parse(bytes.toString('utf8', 0, control[3]));
  };
  return { ...(await time(once)), stop: () => worker.terminate() };
}

async function time(once: () => Promise<void>): Promise<{ wallUs: number; cpuUs: number }> {
  for (let i = 0; i < 5000; i++) await once(); // warm-up
  const cpu0 = procCpuMs(process.pid, true);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await once();
  return {
    wallUs: ((performance.now() - t0) * 1000) / N,
    cpuUs: ((procCpuMs(process.pid, true) - cpu0) * 1000) / N,
  };
}

console.log(`${N} round trips, one at a time; main-thread CPU and wall time per round trip (µs)`);
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, run] of [
    ['postMessage both ways', viaPostMessage],
    ['SharedArrayBuffer + Atomics.waitAsync', viaAtomics],
  ] as const) {
    const r = await run();
    console.log(`round ${round}  ${name.padEnd(38)} CPU ${fmt(r.cpuUs, 1)}  wall ${fmt(r.wallUs, 1)}`);
    await r.stop();
  }
}
process.exit(0); // the Atomics worker waits forever by design
