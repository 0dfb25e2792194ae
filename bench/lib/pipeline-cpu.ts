/**
 * Diagnostic: main-thread CPU per message of the message path in process (no HTTP), read from
 * /proc/self/task/<pid>/stat, so the SQLite writer thread is not counted. Run it under
 * `node --cpu-prof --import tsx` to see where the main thread's time goes.
 *
 *   npx tsx bench/lib/pipeline-cpu.ts [messages=20000] [inFlight=50]
 */
import { inProcessPipeline } from './in-process';
import { procCpuMs } from './load';
import { fmtInt } from './stats';

const count = Number(process.argv[2] ?? 20_000);
const inFlight = Number(process.argv[3] ?? 50);
const { run, close } = await inProcessPipeline(inFlight);
await run(Math.min(5000, count)); // warm-up
const main0 = procCpuMs(process.pid, true);
const all0 = procCpuMs(process.pid);
const t0 = Date.now();
await run(count);
const ms = Date.now() - t0;
const main = ((procCpuMs(process.pid, true) - main0) * 1000) / count;
const all = ((procCpuMs(process.pid) - all0) * 1000) / count;
console.log(
  `${count} messages, ${inFlight} in flight, ${fmtInt((count / ms) * 1000)}/s; main thread ${fmtInt(main)} µs CPU per message, whole process ${fmtInt(all)} µs`,
);
await close();
