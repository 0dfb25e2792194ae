import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { type Summary, summarize } from './stats';

/** autocannon has no bundled types; this is the part of its API the benchmarks use. */
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  overallRate?: number;
  timeout?: number;
  requests: AutocannonRequest[];
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { p50: number; p99: number; average: number };
  requests: { average: number };
}
type AutocannonInstance = EventEmitter;
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: AutocannonOptions,
  cb: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

export interface LoadResult {
  label: string;
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx responses per second. */
  rps: number;
  /** Latency of 2xx responses in ms, from our own per-response samples. */
  latency: Summary;
  /** Server process CPU time per 2xx response (µs), from /proc/<pid>/stat; NaN when unavailable. */
  serverCpuUs: number;
  /** The same for the server's main thread alone (the event loop; a writer thread is not in it). */
  serverMainCpuUs: number;
  /** Load-generator (this process) CPU time per response (µs). */
  clientCpuUs: number;
}

export interface LoadOptions {
  label: string;
  url: string;
  path?: string;
  /** A fresh JSON body per request. */
  body: () => string;
  connections?: number;
  seconds?: number;
  amount?: number;
  overallRate?: number;
  /** Server pid, to charge its CPU time to the requests. */
  serverPid?: number;
}

/** Closed-loop (or autocannon-rate-limited) load with autocannon, run in this process. */
export function runAutocannon(o: LoadOptions): Promise<LoadResult> {
  const samples: number[] = [];
  const cpu0 = procCpuMs(o.serverPid);
  const main0 = procCpuMs(o.serverPid, true);
  const client0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections ?? 50,
        ...(o.amount ? { amount: o.amount } : { duration: o.seconds ?? 10 }),
        ...(o.overallRate ? { overallRate: Math.round(o.overallRate) } : {}),
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: o.path ?? '/api/messages',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: o.body() }),
          },
        ],
      },
      (err, r) => {
        if (err) return reject(err);
        const cpu = procCpuMs(o.serverPid) - cpu0;
        const main = procCpuMs(o.serverPid, true) - main0;
        const client = process.cpuUsage(client0);
        const ok = r['2xx'];
        resolve({
          label: o.label,
          seconds: r.duration,
          ok,
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          rps: ok / r.duration,
          latency: summarize(samples),
          serverCpuUs: ok ? (cpu * 1000) / ok : Number.NaN,
          serverMainCpuUs: ok ? (main * 1000) / ok : Number.NaN,
          clientCpuUs: ok ? (client.user + client.system) / ok : Number.NaN,
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) samples.push(ms);
    });
  });
}

export interface OpenLoopResult extends LoadResult {
  sent: number;
  /** Latency from the moment the request was due (includes any queueing in the generator). */
  fromDue: Summary;
}

/**
 * Open-loop load at a steady rate: request i is due at start + i/rate whatever happened to the ones
 * before (unlike autocannon's overallRate, which sends each connection's quota for the second as fast as
 * it can at the start of each second). Waits for every response at the end, so counts are exact.
 */
export async function runOpenLoop(
  o: LoadOptions & { rate: number; seconds: number },
): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections ?? 64 });
  const target = new URL(o.path ?? '/api/messages', o.url);
  const total = Math.round(o.rate * o.seconds);
  const service: number[] = [];
  const fromDue: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let outstanding = 0;
  let allSent!: () => void;
  const drained = new Promise<void>((r) => {
    allSent = r;
  });
  const cpu0 = procCpuMs(o.serverPid);
  const main0 = procCpuMs(o.serverPid, true);
  const client0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const nowMs = () => Number(process.hrtime.bigint() - start) / 1e6;
  let sent = 0;

  const fire = (dueMs: number) => {
    const body = o.body();
    const sentAt = nowMs();
    outstanding++;
    const req = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const end = nowMs();
          if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) {
            ok++;
            service.push(end - sentAt);
            fromDue.push(end - dueMs);
          } else non2xx++;
          if (--outstanding === 0 && sent === total) allSent();
        });
      },
    );
    req.on('error', () => {
      errors++;
      if (--outstanding === 0 && sent === total) allSent();
    });
    req.end(body);
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowMs();
      while (sent < total && (sent * 1000) / o.rate <= now) fire((sent++ * 1000) / o.rate);
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  if (outstanding > 0) await drained;
  const seconds = nowMs() / 1000;
  agent.destroy();
  const cpu = procCpuMs(o.serverPid) - cpu0;
  const main = procCpuMs(o.serverPid, true) - main0;
  const client = process.cpuUsage(client0);
  return {
    label: o.label,
    seconds,
    sent,
    ok,
    non2xx,
    errors,
    timeouts: 0,
    rps: ok / seconds,
    latency: summarize(service),
    fromDue: summarize(fromDue),
    serverCpuUs: ok ? (cpu * 1000) / ok : Number.NaN,
    serverMainCpuUs: ok ? (main * 1000) / ok : Number.NaN,
    clientCpuUs: ok ? (client.user + client.system) / ok : Number.NaN,
  };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process (or of its main thread alone) in ms (Linux), or NaN. */
export function procCpuMs(pid: number | undefined, mainThread = false): number {
  if (!pid) return Number.NaN;
  try {
    const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
