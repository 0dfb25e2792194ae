/**
 * Matcher benchmark: time per message (normalisation included) of the Aho-Corasick matcher
 * (`compileMatcher`) next to a naive loop over the rules, on the same queries in the same run, for the
 * default content pack and generated packs of 100 / 1 000 / 10 000 rules.
 *
 *   npx tsx bench/matcher.ts            (env: BENCH_QUERIES=4000 BENCH_ROUNDS=5 BENCH_SIZES=100,1000,10000)
 */
import { loadavg } from 'node:os';
import type { Intent } from '../src/content/schemas';
import { compileMatcher, type Matcher } from '../src/matching/matcher';
import { defaultShopSettings } from '../src/shop/settings';
import { generateIntents, generateQueries } from './lib/generate';
import { machineLine } from './lib/machine';
import { ALL_MESSAGES } from './lib/messages';
import { compileNaive, type NaiveMatcher } from './lib/naive-matcher';
import { describePack, loadBenchPack } from './lib/pack';
import { fmt, median, type Summary, summarize, table, yesNo } from './lib/stats';

const QUERIES = Number(process.env.BENCH_QUERIES ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = Math.min(2000, QUERIES);
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);

interface Row {
  pack: string;
  rules: number;
  keywords: number;
  buildMs: number;
  naiveBuildMs: number;
  hitShare: number;
  naiveHitShare: number;
  ac: Summary;
  naive: Summary;
  /** Per query, the median of its rounds; then percentiles over queries (filters preemption by other processes). */
  acByQuery: Summary;
  naiveByQuery: Summary;
  /** acByQuery split by whether the query had any keyword candidate (scoring work) or none (search only). */
  acNoHit: Summary;
  acHit: Summary;
}

let sink = 0; // keeps results alive so nothing is optimised away

function timeCalls(
  fn: (text: string) => unknown,
  queries: readonly string[],
  out: Float64Array = new Float64Array(queries.length),
): Float64Array {
  for (let i = 0; i < queries.length; i++) {
    const t0 = process.hrtime.bigint();
    const r = fn(queries[i]!);
    const t1 = process.hrtime.bigint();
    out[i] = Number(t1 - t0) / 1000;
    if (r) sink++;
  }
  return out;
}

function perQueryMedian(rounds: Float64Array[]): Float64Array {
  const n = rounds[0]?.length ?? 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = median(rounds.map((r) => r[i]!));
  return out;
}

function concat(rounds: Float64Array[]): Float64Array {
  const out = new Float64Array(rounds.reduce((n, r) => n + r.length, 0));
  let o = 0;
  for (const r of rounds) {
    out.set(r, o);
    o += r.length;
  }
  return out;
}

function timeBuild<T>(build: () => T, times = 3): { value: T; ms: number } {
  const ms: number[] = [];
  let value!: T;
  for (let i = 0; i < times; i++) {
    const t0 = process.hrtime.bigint();
    value = build();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { value, ms: median(ms) };
}

function countKeywords(intents: readonly Intent[]): number {
  let n = 0;
  for (const i of intents)
    for (const r of i.rules) n += (r.any?.length ?? 0) + (r.all ?? []).reduce((s, g) => s + g.length, 0);
  return n;
}

function measure(name: string, intents: Intent[], queries: string[]): Row {
  const options = defaultShopSettings().matcher;
  const built = timeBuild<Matcher>(() => compileMatcher(intents, options));
  const naiveBuilt = timeBuild<NaiveMatcher>(() => compileNaive(intents));
  const ac = built.value;
  const naive = naiveBuilt.value;
  const acMatch = (q: string) => ac.match(q);
  const naiveMatch = (q: string) => naive.match(q);

  // What share of the queries hit a keyword at all (a sanity check on the query mix).
  const hit = queries.map((q) => ac.match(q).candidates.length > 0);
  const hitShare = hit.filter(Boolean).length / queries.length;
  const naiveHitShare = queries.filter((q) => naive.match(q).length > 0).length / queries.length;

  timeCalls(acMatch, queries.slice(0, WARMUP));
  timeCalls(naiveMatch, queries.slice(0, WARMUP));

  const acRounds: Float64Array[] = [];
  const naiveRounds: Float64Array[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which side goes first, so neither always runs on a freshly collected heap.
    if (round % 2 === 0) {
      acRounds.push(timeCalls(acMatch, queries));
      naiveRounds.push(timeCalls(naiveMatch, queries));
    } else {
      naiveRounds.push(timeCalls(naiveMatch, queries));
      acRounds.push(timeCalls(acMatch, queries));
    }
  }
  const acPerQuery = perQueryMedian(acRounds);
  return {
    pack: name,
    rules: intents.reduce((n, i) => n + i.rules.length, 0),
    keywords: countKeywords(intents),
    buildMs: built.ms,
    naiveBuildMs: naiveBuilt.ms,
    hitShare,
    naiveHitShare,
    ac: summarize(concat(acRounds)),
    naive: summarize(concat(naiveRounds)),
    acByQuery: summarize(acPerQuery),
    naiveByQuery: summarize(perQueryMedian(naiveRounds)),
    acNoHit: summarize(acPerQuery.filter((_, i) => !hit[i])),
    acHit: summarize(acPerQuery.filter((_, i) => hit[i])),
  };
}

function main(): void {
  console.log('## Matcher benchmark (bench/matcher.ts)');
  console.log(machineLine());
  const bench = loadBenchPack();
  console.log(`content: ${describePack(bench)}`);
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (2 cores shared with other work)`,
  );
  console.log(
    `${QUERIES} queries per pack (5–40 chars; ~25 % carry a rule's keywords, the rest chatter), ${WARMUP} warm-up calls, ${ROUNDS} rounds → ${QUERIES * ROUNDS} timed calls per side; process.hrtime.bigint() per call; µs\n`,
  );

  // JIT warm-up on a throw-away pack, so the first pack measured is not the one paying for compilation.
  const warmPack = generateIntents(1000, 1);
  const warm = compileMatcher(warmPack);
  const naiveWarm = compileNaive(warmPack);
  for (const q of generateQueries(warmPack, 5000, 1))
    sink += warm.match(q).candidates.length + naiveWarm.match(q).length;

  const rows: Row[] = [];
  const packName = bench.source === 'default' ? 'default pack' : 'fixture pack';
  rows.push(
    measure(
      packName,
      bench.pack.intents,
      generateQueries(bench.pack.intents, QUERIES, 7, 0.25, ALL_MESSAGES),
    ),
  );
  for (const size of SIZES) {
    const intents = generateIntents(size, 1000 + size);
    rows.push(measure(`generated ${size}`, intents, generateQueries(intents, QUERIES, 7)));
  }
  if (process.env.BENCH_STRESS !== '0') {
    const size = SIZES[SIZES.length - 1]!;
    const intents = generateIntents(size, 1000 + size, false);
    rows.push(measure(`stress ${size} shared words`, intents, generateQueries(intents, QUERIES, 7)));
  }

  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
  console.log('Per call (every timed call; includes GC pauses and preemption by other processes):');
  console.log(
    table(
      [
        'pack',
        'rules',
        'keywords',
        'hit %',
        'AC build ms',
        'AC p50',
        'AC p99',
        'AC p99.9',
        'naive build ms',
        'naive p50',
        'naive p99',
        'naive/AC p50',
        'naive/AC p99',
      ],
      rows.map((r) => [
        r.pack,
        String(r.rules),
        String(r.keywords),
        fmt(r.hitShare * 100, 0),
        fmt(r.buildMs, 1),
        fmt(r.ac.p50, 1),
        fmt(r.ac.p99, 1),
        fmt(r.ac.p999, 1),
        fmt(r.naiveBuildMs, 1),
        fmt(r.naive.p50, 1),
        fmt(r.naive.p99, 1),
        `${fmt(r.naive.p50 / r.ac.p50, 1)}×`,
        `${fmt(r.naive.p99 / r.ac.p99, 1)}×`,
      ]),
    ),
  );
  console.log(
    `\nPer query (median of its ${ROUNDS} rounds, then percentiles over the ${QUERIES} queries; filters scheduler noise):`,
  );
  console.log(
    table(
      [
        'pack',
        'AC p50',
        'AC p90',
        'AC p99',
        'AC max',
        'AC no-hit p50 / p99',
        'AC hit p50 / p99',
        'naive p50',
        'naive p99',
      ],
      rows.map((r) => [
        r.pack,
        fmt(r.acByQuery.p50, 1),
        fmt(r.acByQuery.p90, 1),
        fmt(r.acByQuery.p99, 1),
        fmt(r.acByQuery.max, 1),
        `${fmt(r.acNoHit.p50, 1)} / ${fmt(r.acNoHit.p99, 1)}`,
        `${fmt(r.acHit.p50, 1)} / ${fmt(r.acHit.p99, 1)}`,
        fmt(r.naiveByQuery.p50, 1),
        fmt(r.naiveByQuery.p99, 1),
      ]),
    ),
  );
  console.log(
    '(AC = compileMatcher().match: normalise + typo correction + Aho-Corasick + scoring + decision. naive = normalise + includes() over every keyword of every rule, no scoring. hit % = queries with at least one keyword candidate. "stress … shared words" = keywords reused across rules, which the pack validator forbids: shows the cost per candidate.)',
  );

  const small = rows.find((r) => r.pack === 'generated 100');
  const big = rows.find((r) => r.pack === 'generated 10000');
  if (small && big) {
    console.log('\nGoals (per-call figures)');
    const under = big.ac.p99 < 100;
    const ratio99 = big.ac.p99 / small.ac.p99;
    const ratio50 = big.ac.p50 / small.ac.p50;
    console.log(`- p99 at 10 000 rules under 100 µs: ${fmt(big.ac.p99, 1)} µs → ${yesNo(under)}`);
    console.log(
      `- 10 000 rules within 2× of 100 rules: p50 ${fmt(ratio50, 2)}× (${fmt(big.ac.p50, 1)} vs ${fmt(small.ac.p50, 1)} µs), p99 ${fmt(ratio99, 2)}× (${fmt(big.ac.p99, 1)} vs ${fmt(small.ac.p99, 1)} µs) → p50 ${yesNo(ratio50 <= 2)}, p99 ${yesNo(ratio99 <= 2)}`,
    );
    console.log(
      `  per query: p50 ${fmt(big.acByQuery.p50 / small.acByQuery.p50, 2)}×, p99 ${fmt(big.acByQuery.p99 / small.acByQuery.p99, 2)}× (${fmt(big.acByQuery.p99, 1)} vs ${fmt(small.acByQuery.p99, 1)} µs)`,
    );
  }
  console.log(
    `\nRESULT ${JSON.stringify({ bench: 'matcher', rows: rows.map((r) => ({ ...r, ac: round(r.ac), naive: round(r.naive), acByQuery: round(r.acByQuery), naiveByQuery: round(r.naiveByQuery), acNoHit: round(r.acNoHit), acHit: round(r.acHit) })) })}`,
  );
  if (sink < 0) console.log(sink);
}

function round(s: Summary) {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v * 100) / 100]));
}

main();
