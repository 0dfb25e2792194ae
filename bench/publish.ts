/**
 * Publishing a configuration with 10 000 rules while customers are chatting.
 *
 * Two real server processes (A and B) on one SQLite database, as two instances behind a load balancer
 * would be (the same holds on PostgreSQL). The admin publishes to A through the admin API
 * (PUT /api/admin/config: validate the whole document, compile the matcher, store the version, swap);
 * B learns through its once-a-second refresh. Measured:
 *
 *   1. where the time of one publish goes (validate, compile, diff, serialise), in this process;
 *   2. time until live: on A (the PUT's answer comes after the swap) and on B (its /healthz shows
 *      the new version), cold (19 → 10 000+ rules) and for edits of the large document;
 *   3. reply latency (POST /api/messages, open loop at a steady rate): with the shipped pack, with
 *      the large document and no publish, on A while publishes hit A every 2 s, and on B while they
 *      do; plus a check that no message was lost (every 2xx has its message.received row).
 *
 *   npx tsx bench/publish.ts
 *   env: BENCH_RULES=10000 BENCH_RATE=200 (messages/s) BENCH_SECONDS=10 BENCH_PUBLISHES=5 BENCH_PUBLISH_EVERY_MS=2000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { type BotConfig, diffConfig, validateBotConfig } from '../src/bot-config/bot-config';
import { compileContent } from '../src/content/live-content';
import { type ServerChild, startServer } from './lib/child';
import { generateIntents } from './lib/generate';
import { type OpenLoopResult, runOpenLoop } from './lib/load';
import { machineLine } from './lib/machine';
import { realisticMessage } from './lib/messages';
import { benchShopConfig, describePack, loadBenchPack } from './lib/pack';
import { Rng } from './lib/rng';
import { fmt, fmtInt, median, summarize, table } from './lib/stats';

const RULES = Number(process.env.BENCH_RULES ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PUBLISHES = Number(process.env.BENCH_PUBLISHES ?? 5);
const PUBLISH_EVERY_MS = Number(process.env.BENCH_PUBLISH_EVERY_MS ?? 2000);
const ADMIN_PASSWORD = 'bench-admin-password';
const CUSTOMERS = 10_000;

if (process.env.BENCH_PUBLISH_SERVE === '1') await serve();
else await main();

/** Child process: the real app with its timers (config refresh every second), like `npm start`. */
async function serve(): Promise<void> {
  const { createServer } = await import('../src/app');
  const { readEnv } = await import('../src/config/env');
  const { buildServices } = await import('../src/services');
  const { createLogger } = await import('../src/shared/log');
  const env = readEnv({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
  const services = await buildServices({ env, log: createLogger(env.LOG_LEVEL) });
  services.start();
  const server = createServer(services).listen(0, '127.0.0.1', () => {
    process.stdout.write(
      `${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`,
    );
  });
  server.keepAliveTimeout = 30_000;
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void services.close().then(() => process.exit(0));
  });
}

/** The live document plus `RULES` generated one-rule intents answering with one template. */
function largeDocument(live: BotConfig, variant: string): BotConfig {
  // Priority 40: generated keywords may equal shipped ones (priority 50) without a conflict.
  const generated = generateIntents(RULES, 42).map((i) => ({ ...i, priority: 40, reply: 'bench-answer' }));
  return {
    ...live,
    intents: [...live.intents, ...generated],
    replies: [
      ...live.replies,
      { id: 'bench-answer', text: { zh: [`生成的回答 ${variant}`], en: [`generated answer ${variant}`] } },
    ],
  };
}

function timeIt(f: () => unknown, rounds = 3): number {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function main(): Promise<void> {
  console.log(`# publish benchmark — ${machineLine()}\n`);
  const pack = loadBenchPack();
  const dataDir = mkdtempSync(join(tmpdir(), 'firstreply-publish-'));
  const shop = benchShopConfig(dataDir);
  console.log(
    `content: ${describePack(pack)}, plus ${fmtInt(RULES)} generated one-rule intents; ${shop.mode}`,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    BENCH_PUBLISH_SERVE: '1',
    DATA_DIR: dataDir,
    INTENTS_DIR: pack.intentsDir,
    REPLIES_DIR: pack.repliesDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'bench-secret-key-0123456789',
    DATABASE_URL: '',
    ...(shop.file ? { SHOP_CONFIG: shop.file } : {}),
  };
  let a: ServerChild | undefined;
  let b: ServerChild | undefined;
  try {
    a = await startServer('bench/publish.ts', env);
    b = await startServer('bench/publish.ts', env);
    const A = a;
    const B = b;
    const token = (
      (await (await post(A.url, '/api/auth/login', { login: 'admin', password: ADMIN_PASSWORD })).json()) as {
        token: string;
      }
    ).token;
    const auth = { authorization: `Bearer ${token}` };
    const live = (
      (await (await fetch(`${A.url}/api/admin/config`, { headers: auth })).json()) as {
        version: number;
        document: BotConfig;
      }
    ).document;

    // ---- 1. where the time goes (this process, same code as the server) ----
    const docs = [largeDocument(live, 'A'), largeDocument(live, 'B')];
    const bodies = docs.map((d) => JSON.stringify(d));
    const rules = docs[0]!.intents.reduce((n, i) => n + i.rules.length, 0);
    console.log(
      `document: ${fmtInt(docs[0]!.intents.length)} intents, ${fmtInt(rules)} rules, ${fmt(bodies[0]!.length / 1024 / 1024, 2)} MiB of JSON\n`,
    );
    const steps = [
      ['JSON.parse of the body', timeIt(() => JSON.parse(bodies[0]!))],
      ['validate (zod + cross-file checks)', timeIt(() => validateBotConfig(docs[0]))],
      ['compile (Aho-Corasick automata, typo index)', timeIt(() => compileContent(docs[0]!, 2))],
      ['diff against the previous version', timeIt(() => diffConfig(docs[0], docs[1]))],
      ['JSON.stringify for storage', timeIt(() => JSON.stringify(docs[0]))],
    ] as const;
    console.log(
      table(
        ['step of one publish (in-process, median of 3)', 'ms'],
        steps.map(([s, ms]) => [s, fmt(ms, 1)]),
      ),
    );

    // ---- reply latency with the shipped pack, before the large document ----
    const rng = new Rng(7);
    let n = 0;
    const body = () =>
      JSON.stringify({ customerId: `bench-${n++ % CUSTOMERS}`, text: realisticMessage(rng) });
    const load = (label: string, url: string, pid: number | undefined) =>
      runOpenLoop({
        label,
        url,
        body,
        rate: RATE,
        seconds: SECONDS,
        connections: 64,
        ...(pid ? { serverPid: pid } : {}),
      });
    await load('warm-up', A.url, A.proc.pid);
    const small = await load(
      `A, shipped pack (${pack.pack.intents.reduce((x, i) => x + i.rules.length, 0)} rules), no publish`,
      A.url,
      A.proc.pid,
    );

    // ---- 2. time until live, A and B ----
    let version = 1;
    const publish = async (i: number) => {
      const t0 = performance.now();
      const body = `{"baseVersion":${version},"summary":"bench publish ${i}","document":${bodies[i % 2]}}`;
      const r = await fetch(`${A.url}/api/admin/config`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body,
      });
      const answer = (await r.json()) as { version?: number; error?: unknown };
      const onA = performance.now() - t0;
      if (r.status !== 200)
        throw new Error(`publish ${i} failed: ${r.status} ${JSON.stringify(answer).slice(0, 300)}`);
      version = answer.version!;
      for (;;) {
        const h = (await (await fetch(`${B.url}/healthz`)).json()) as { contentVersion: number };
        if (h.contentVersion >= version) break;
        await new Promise((res) => setTimeout(res, 5));
      }
      return { onA, onB: performance.now() - t0 };
    };
    const cold = await publish(0);
    const warm: { onA: number; onB: number }[] = [];
    for (let i = 1; i <= PUBLISHES; i++) warm.push(await publish(i));
    console.log(
      `\n${table(
        ['publish', 'live on A (PUT answered) ms', 'live on B (refresh) ms'],
        [
          [
            `cold: ${live.intents.length} intents → ${fmtInt(rules)} rules`,
            fmt(cold.onA, 0),
            fmt(cold.onB, 0),
          ],
          [
            `edit of the large document, median of ${PUBLISHES}`,
            fmt(median(warm.map((w) => w.onA)), 0),
            fmt(median(warm.map((w) => w.onB)), 0),
          ],
          [
            `edit of the large document, max of ${PUBLISHES}`,
            fmt(Math.max(...warm.map((w) => w.onA)), 0),
            fmt(Math.max(...warm.map((w) => w.onB)), 0),
          ],
        ],
      )}`,
    );
    // The new rules are used: a keyword of a generated intent gets the generated answer on both.
    const keyword = docs[0]!.intents.find(
      (i) => i.id.startsWith('gen-') && i.rules[0]?.any && /\p{Script=Han}/u.test(i.rules[0].any[0]!),
    )!.rules[0]!.any![0]!;
    for (const s of [A, B]) {
      const r = (await (
        await post(s.url, '/api/messages', { customerId: `check-${s.port}`, text: keyword })
      ).json()) as { replies: { text: string }[] };
      const text = r.replies.at(-1)?.text ?? '';
      if (!text.startsWith('生成的回答'))
        throw new Error(`instance on ${s.port} did not use the new rules for "${keyword}": ${text}`);
    }
    console.log(`check: "${keyword}" answered from a generated rule on A and on B`);

    // ---- 3. reply latency while publishing ----
    const duringPublishes = async (label: string, target: ServerChild) => {
      const times: { onA: number; onB: number }[] = [];
      let stop = false;
      let i = 100;
      const publisher = (async () => {
        await new Promise((r) => setTimeout(r, 500));
        while (!stop) {
          times.push(await publish(i++));
          await new Promise((r) => setTimeout(r, PUBLISH_EVERY_MS));
        }
      })();
      const result = await load(label, target.url, target.proc.pid);
      stop = true;
      await publisher;
      return { result, times };
    };
    await load('warm-up', A.url, A.proc.pid);
    const baseline = await load(`A, ${fmtInt(rules)} rules, no publish`, A.url, A.proc.pid);
    const onA = await duringPublishes('A, publishes to A', A);
    const onB = await duringPublishes('B, publishes to A', B);
    const row = (r: OpenLoopResult, publishes: number) => [
      r.label,
      String(publishes),
      fmtInt(r.rps),
      fmt(r.latency.p50, 1),
      fmt(r.latency.p90, 1),
      fmt(r.latency.p99, 1),
      fmt(r.latency.max, 0),
      fmt(r.fromDue.p99, 1),
      `${r.non2xx}/${r.errors}`,
    ];
    console.log(
      `\nopen loop at ${RATE} messages/s for ${SECONDS} s per run; publishes every ${PUBLISH_EVERY_MS} ms (${fmtInt(rules)} rules each)\n${table(
        [
          'run',
          'publishes',
          'msg/s',
          'p50 ms',
          'p90 ms',
          'p99 ms',
          'max ms',
          'p99 from due ms',
          'non-2xx/errors',
        ],
        [
          row(small, 0),
          row(baseline, 0),
          row(onA.result, onA.times.length),
          row(onB.result, onB.times.length),
        ],
      )}`,
    );
    const during = [...onA.times, ...onB.times];
    const s = summarize(during.map((t) => t.onB));
    console.log(
      `publishes under load: live on A median ${fmt(median(during.map((t) => t.onA)), 0)} ms; on B median ${fmt(s.p50, 0)} ms, max ${fmt(s.max, 0)} ms`,
    );

    // No message lost: every 2xx answer has its message.received in the database.
    await new Promise((r) => setTimeout(r, 500));
    const db = new SQLite(join(dataDir, 'firstreply.db'), { readonly: true });
    const received = (
      db.prepare(`SELECT count(*) AS n FROM events WHERE type = 'message.received'`).get() as { n: number }
    ).n;
    db.close();
    const runs = [small, baseline, onA.result, onB.result];
    const ok = runs.reduce((x, r) => x + r.ok, 0);
    const failed = runs.reduce((x, r) => x + r.non2xx + r.errors, 0);
    console.log(
      `messages: ${fmtInt(ok)} answered in the measured runs, ${failed} failed; message.received in the database (all runs incl. warm-up and checks): ${fmtInt(received)}`,
    );
    console.log(
      `\nRESULT ${JSON.stringify({
        bench: 'publish',
        rules,
        bodyMiB: bodies[0]!.length / 1024 / 1024,
        steps: Object.fromEntries(steps.map(([k, v]) => [k, Math.round(v)])),
        cold,
        warmMedian: { onA: median(warm.map((w) => w.onA)), onB: median(warm.map((w) => w.onB)) },
        p99: {
          baseline: baseline.latency.p99,
          publishingOnA: onA.result.latency.p99,
          publishingOnB: onB.result.latency.p99,
        },
        failed,
      })}`,
    );
    if (failed) process.exitCode = 1;
  } finally {
    await a?.stop();
    await b?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
