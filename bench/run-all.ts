/**
 * `npm run bench`: the three benchmarks in sequence, each in its own Node process (a clean heap and
 * JIT state, and the memory benchmark gets --expose-gc). Output goes straight through.
 * Env: BENCH_SECONDS (HTTP run length, default 10), BENCH_HTTP_ROUNDS, BENCH_QUERIES, BENCH_ROUNDS,
 * BENCH_CONVERSATIONS — see each script.
 */
import { spawn } from 'node:child_process';
import { machineLine } from './lib/machine';
import { ROOT } from './lib/pack';

const steps: { file: string; nodeArgs: string[] }[] = [
  { file: 'bench/matcher.ts', nodeArgs: [] },
  { file: 'bench/http.ts', nodeArgs: [] },
  { file: 'bench/memory.ts', nodeArgs: ['--expose-gc'] },
];

function run(file: string, nodeArgs: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

console.log(`# FirstReply benchmarks — ${machineLine()}\n`);
const started = Date.now();
const failed: string[] = [];
for (const { file, nodeArgs } of steps) {
  const t0 = Date.now();
  const code = await run(file, nodeArgs);
  console.log(`\n[${file}: exit ${code}, ${((Date.now() - t0) / 1000).toFixed(0)} s]\n`);
  if (code !== 0) failed.push(file);
}
console.log(
  `all done in ${((Date.now() - started) / 1000).toFixed(0)} s${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}`,
);
process.exitCode = failed.length ? 1 : 0;
