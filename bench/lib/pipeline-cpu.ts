/**
 * Diagnostic: main-thread CPU per message of the message path in process (no HTTP), read from
 * /proc/self/task/<pid>/stat, so the SQLite writer thread is not counted. Run it under
 * `node --cpu-prof --import tsx` to see where the main thread's time goes.
 *
 *   npx tsx bench/lib/pipeline-cpu.ts [messages=20000] [inFlight=50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServices } from '../../src/services';
import { createLogger } from '../../src/shared/log';
import { procCpuMs } from './load';
import { realisticMessage } from './messages';
import { benchEnv } from './pack';
import { Rng } from './rng';
import { fmtInt } from './stats';

const count = Number(process.argv[2] ?? 20_000);
const inFlight = Number(process.argv[3] ?? 50);
const dataDir = mkdtempSync(join(tmpdir(), 'firstreply-pipeline-'));
const services = await buildServices({ env: benchEnv(dataDir).env, log: createLogger('silent') });
const rng = new Rng(5);
const run = async (n: number) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const i = next++;
        await services.handleMessage({
          channel: 'api',
          customerId: `p-${i % 10_000}`,
          text: realisticMessage(rng),
        });
      }
    }),
  );
  await services.store.flushed();
};
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
await services.close();
rmSync(dataDir, { recursive: true, force: true });
