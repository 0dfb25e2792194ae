/**
 * Memory benchmark: RSS and heap after 10 000 open conversations. Services run in this process over
 * SQLite in a fresh temp dir; 10 000 distinct customers send one message each through
 * services.handleMessage (100 at a time); then each sends a second message (no new conversations).
 *
 *   node --expose-gc --import tsx bench/memory.ts      (npx tsx bench/memory.ts also works: GC is then
 *                                                      exposed at run time through v8.setFlagsFromString)
 *   env: BENCH_CONVERSATIONS=10000 BENCH_CONCURRENCY=100
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { InboundMessage } from '../src/inbound/message';
import { buildServices, type Services } from '../src/services';
import { createLogger } from '../src/shared/log';
import { machineLine } from './lib/machine';
import { realisticMessage } from './lib/messages';
import { benchEnv, describePack, loadBenchPack } from './lib/pack';
import { Rng } from './lib/rng';
import { fmt, fmtInt, table } from './lib/stats';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const MB = 1024 * 1024;

function exposeGc(): { gc: () => void; how: string } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return { gc: g, how: '--expose-gc' };
  setFlagsFromString('--expose-gc');
  const late = runInNewContext('gc') as (() => void) | undefined;
  if (late) return { gc: late, how: 'v8.setFlagsFromString("--expose-gc") at run time' };
  return { gc: () => {}, how: 'NOT available: figures include garbage' };
}

async function fullGc(gc: () => void): Promise<void> {
  // A few rounds with turns of the event loop between them, so finalizers and weak callbacks run.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

interface Snapshot {
  label: string;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

function snapshot(label: string): Snapshot {
  const m = process.memoryUsage();
  return {
    label,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

/** Runs `count` messages with at most `limit` in flight; returns wall ms and CPU µs per message. */
async function pump(services: Services, count: number, limit: number, make: (i: number) => InboundMessage) {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const r = await services.handleMessage(make(i));
      if (r.throttled) throw new Error(`customer ${i} throttled: the benchmark should not hit the throttle`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  await services.store.flushed();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuUsPerMessage: (cpu.user + cpu.system) / count, perSecond: (count / ms) * 1000 };
}

async function main(): Promise<void> {
  console.log('## Memory benchmark (bench/memory.ts)');
  console.log(machineLine());
  const { gc, how } = exposeGc();
  const bench = loadBenchPack();
  console.log(`content: ${describePack(bench)}`);
  console.log(
    `GC: ${how}; ${CONVERSATIONS} customers, ${CONCURRENCY} messages in flight; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'firstreply-membench-'));
  const { env, shopMode } = benchEnv(dataDir, bench);
  console.log(`shop: ${shopMode}`);
  const services = await buildServices({ env, log: createLogger('silent') });
  const rng = new Rng(11);
  const texts = Array.from({ length: CONVERSATIONS }, () => realisticMessage(rng));
  const message =
    (prefix: string) =>
    (i: number): InboundMessage => ({
      channel: 'api',
      customerId: `${prefix}-${i}`,
      text: texts[i % texts.length]!,
    });
  try {
    // Warm-up on other customers: JIT, caches (stems, formatters, prepared paths) and the SQLite page cache.
    await pump(services, 1000, CONCURRENCY, message('warm'));
    await fullGc(gc);
    const before = snapshot('after start-up + 1 000 warm-up messages');

    const first = await pump(services, CONVERSATIONS, CONCURRENCY, message('mem'));
    await fullGc(gc);
    const after = snapshot(`after ${fmtInt(CONVERSATIONS)} new conversations`);

    const second = await pump(services, CONVERSATIONS, CONCURRENCY, message('mem'));
    await fullGc(gc);
    const again = snapshot(`after a 2nd message from each (${fmtInt(CONVERSATIONS)} more)`);

    const open = (await services.database.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '!=', 'closed')
      .executeTakeFirstOrThrow()) as { n: number };

    const mb = (x: number) => fmt(x / MB, 1);
    console.log(
      `\n${table(
        ['point', 'RSS MB', 'heap used MB', 'heap total MB', 'external MB', 'array buffers MB'],
        [before, after, again].map((s) => [
          s.label,
          mb(s.rss),
          mb(s.heapUsed),
          mb(s.heapTotal),
          mb(s.external),
          mb(s.arrayBuffers),
        ]),
      )}`,
    );
    const perRss = (after.rss - before.rss) / CONVERSATIONS;
    const perHeap = (after.heapUsed - before.heapUsed) / CONVERSATIONS;
    console.log(`\nopen conversations in the database: ${fmtInt(Number(open.n))}`);
    console.log(
      `per new conversation: RSS ${fmtInt(perRss)} B, heap used ${fmtInt(perHeap)} B  (${fmtInt(CONVERSATIONS)} conversations: RSS +${mb(after.rss - before.rss)} MB, heap +${mb(after.heapUsed - before.heapUsed)} MB)`,
    );
    console.log(
      `per further message: RSS ${fmtInt((again.rss - after.rss) / CONVERSATIONS)} B, heap used ${fmtInt((again.heapUsed - after.heapUsed) / CONVERSATIONS)} B`,
    );
    console.log(
      `in-process pipeline (no HTTP), ${CONCURRENCY} in flight: 1st messages ${fmtInt(first.perSecond)}/s at ${fmtInt(first.cpuUsPerMessage)} µs CPU each; 2nd messages ${fmtInt(second.perSecond)}/s at ${fmtInt(second.cpuUsPerMessage)} µs CPU each`,
    );
    console.log(
      `\nRESULT ${JSON.stringify({ bench: 'memory', conversations: CONVERSATIONS, before, after, again, perConversationRss: perRss, perConversationHeap: perHeap, first, second })}`,
    );
  } finally {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
