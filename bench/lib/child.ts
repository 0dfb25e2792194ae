import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SERVER_NODE_FLAGS } from '../../src/server-flags';
import { ROOT } from './pack';

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  /** Garbage-collection pauses of the main thread in the same span (ms). */
  gc?: { count: number; totalMs: number; maxMs: number; major: number };
  /** Group commits through the SQLite writer thread: count and round-trip times (ms). */
  commit?: { count: number; p50: number; p99: number; max: number };
}

export interface ServerChild {
  port: number;
  url: string;
  proc: ChildProcess;
  /** Event-loop delay in ms since the last call (SIGUSR2 → the child prints it). */
  loopDelay(): Promise<LoopDelay | undefined>;
  /** SIGTERM, then wait for the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts `node [execArgv] --import tsx <file>` as a separate process (its own event loop and core
 * time, as in production) and waits for the `{"port":N}` line it prints. Our server
 * (serve-app.ts) gets the flags `npm start` gives it first (execArgv after them wins).
 */
export function startServer(
  file: string,
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
): Promise<ServerChild> {
  const flags = file === 'bench/lib/serve-app.ts' ? [...SERVER_NODE_FLAGS, ...execArgv] : execArgv;
  const proc = spawn(process.execPath, [...flags, '--import', 'tsx', file], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${file}: no port within 60 s`));
    }, 60_000);
    void exited.then((code) => reject(new Error(`${file} exited with ${code} before listening`)));
    const lines = createInterface({ input: proc.stdout! });
    const delayWaiters: ((d: LoopDelay | undefined) => void)[] = [];
    lines.on('line', (line) => {
      let msg: { port?: number; loopDelay?: LoopDelay } = {};
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        // other output: ignore
      }
      if (msg.loopDelay) delayWaiters.shift()?.(msg.loopDelay);
      const port = msg.port;
      if (!port) return;
      clearTimeout(timer);
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        proc,
        loopDelay() {
          if (proc.exitCode !== null) return Promise.resolve(undefined);
          return new Promise((res) => {
            const t = setTimeout(() => res(undefined), 5000);
            delayWaiters.push((d) => {
              clearTimeout(t);
              res(d);
            });
            proc.kill('SIGUSR2');
          });
        },
        async stop(graceMs = 15_000) {
          if (proc.exitCode !== null) return proc.exitCode;
          proc.kill('SIGTERM');
          const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
          const code = await exited;
          clearTimeout(t);
          return code;
        },
      });
    });
  });
}
