import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
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
  const target = new URL(o.path ?? '/api/messages', o.url);
  const pool = new LeanHttpPool(target, o.connections ?? 64);
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
    const sentAt = nowMs();
    outstanding++;
    pool.post(o.body(), (status) => {
      const end = nowMs();
      if (status >= 200 && status < 300) {
        ok++;
        service.push(end - sentAt);
        fromDue.push(end - dueMs);
      } else if (status > 0) non2xx++;
      else errors++;
      if (--outstanding === 0 && sent === total) allSent();
    });
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
  pool.close();
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

/**
 * POSTs over keep-alive sockets with the least client work we can manage: a request is one
 * pre-built header string plus the body, a response is found by its Content-Length. The generator
 * shares the machine's two cores with the server; node:http's client cost ~3× this per request
 * (120–190 µs), which the server under test then lost to it. At most one request per socket at a
 * time (no pipelining); the rest wait in line, as with http.Agent's maxSockets.
 */
class LeanHttpPool {
  private readonly idle: Connection[] = [];
  private readonly waiting: [string, (status: number) => void][] = [];
  private readonly all = new Set<Connection>();
  private readonly head: string;

  constructor(
    private readonly target: URL,
    private readonly size: number,
  ) {
    this.head = `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\nContent-Length: `;
  }

  /** Sends the body; `done` gets the response's status, or 0 when the connection failed. */
  post(body: string, done: (status: number) => void): void {
    const connection = this.idle.pop() ?? (this.all.size < this.size ? this.open() : undefined);
    if (connection) connection.send(`${this.head}${Buffer.byteLength(body)}\r\n\r\n${body}`, done);
    else this.waiting.push([body, done]);
  }

  close(): void {
    for (const c of this.all) c.socket.destroy();
  }

  private open(): Connection {
    const socket = connect(Number(this.target.port), this.target.hostname);
    socket.setNoDelay(true);
    let pending: ((status: number) => void) | undefined;
    let buffer: Buffer = Buffer.alloc(0);
    const connection: Connection = {
      socket,
      send(request, done) {
        pending = done;
        socket.write(request);
      },
    };
    this.all.add(connection);
    const answered = (status: number) => {
      const done = pending;
      pending = undefined;
      if (status > 0) this.idle.push(connection);
      else this.all.delete(connection); // dead: the next in line gets a new one
      const next = this.waiting.shift();
      if (next) this.post(next[0], next[1]);
      done?.(status);
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const headers = buffer.toString('latin1', 0, end);
        const length = /\r\ncontent-length: *(\d+)/i.exec(headers);
        if (!length) throw new Error(`LeanHttpPool: a response without Content-Length: ${headers}`);
        const size = end + 4 + Number(length[1]);
        if (buffer.length < size) return;
        buffer = buffer.subarray(size);
        answered(Number(headers.slice(9, 12)));
      }
    });
    socket.on('error', () => answered(0));
    return connection;
  }
}

interface Connection {
  socket: Socket;
  send(request: string, done: (status: number) => void): void;
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
