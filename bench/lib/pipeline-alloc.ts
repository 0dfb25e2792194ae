/**
 * Diagnostic: where the message path allocates. Samples every allocation (also those freed by
 * young- and old-generation GCs) while the in-process pipeline handles messages, then prints the
 * bytes allocated per message by function — allocation drives the GC pauses at the tail of the
 * latency distribution. With BENCH_SURVIVORS=1 it counts only what outlived a young-generation GC
 * (promoted to the old generation): what makes each scavenge, and so each pause, longer.
 *
 *   npx tsx bench/lib/pipeline-alloc.ts [messages=10000] [inFlight=50] [top=30]
 */
import { Session } from 'node:inspector/promises';
import { inProcessPipeline } from './in-process';
import { fmtInt } from './stats';

interface SampleNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampleNode[];
}

const count = Number(process.argv[2] ?? 10_000);
const inFlight = Number(process.argv[3] ?? 50);
const top = Number(process.argv[4] ?? 30);
const survivors = process.env.BENCH_SURVIVORS === '1';
const { run, close } = await inProcessPipeline(inFlight);
await run(Math.min(5000, count)); // warm-up

const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 512,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: !survivors,
});
await run(count);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: SampleNode } };
session.disconnect();

const byFunction = new Map<string, number>();
const where = (n: SampleNode) => {
  const url = n.callFrame.url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/work\/main\//, '')
    .replace(/^.*node_modules\//, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
let total = 0;
const walk = (n: SampleNode) => {
  total += n.selfSize;
  byFunction.set(where(n), (byFunction.get(where(n)) ?? 0) + n.selfSize);
  for (const c of n.children) walk(c);
};
walk(profile.head);
console.log(
  `${count} messages, ${inFlight} in flight: ${fmtInt(total / count)} bytes ${survivors ? 'promoted (outlived a young-generation GC)' : 'allocated'} per message (sampled)`,
);
for (const [fn, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${fmtInt(bytes / count).padStart(8)} B/msg  ${fn}`);
}
await close();
