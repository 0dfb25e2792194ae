/**
 * Reading the stored fact blocks from PostgreSQL, the two ways, alternating: a plain `SELECT data`
 * (node-postgres hands `bytea` over as hex text) against `COPY … TO STDOUT (FORMAT binary)`
 * (src/reports/pg-copy.ts, what the settler uses). On a schema kept by
 * `BENCH_KEEP=1 BENCH_ONLY=postgres npx tsx bench/reports.ts`:
 *
 *   DATABASE_URL=postgres://… BENCH_PG_SCHEMA=bench_xxxx npx tsx bench/lib/pg-read.ts
 *
 * One query per block, as the settler used to read them; then COPY with the next block's query sent
 * while this one is taken apart (read ahead, one more connection); then one COPY statement per
 * BENCH_BATCH (default 32) blocks, rows handed over as they arrive (what the settler does now).
 * BENCH_ROUNDS (default 3) rounds, the ways in turn (BENCH_WAYS=<comma list of numbers> picks
 * some); checks every way gives the same bytes. Then the blocks' stored (compressed) size and how
 * long the server takes to decompress them all.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { copyRowsBinary } from '../../src/reports/pg-copy';

async function main() {
  const schema = process.env.BENCH_PG_SCHEMA;
  if (!process.env.DATABASE_URL || !schema) throw new Error('set DATABASE_URL and BENCH_PG_SCHEMA');
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: 2,
    options: `-c search_path=${schema}`,
  });
  const keys = (
    await pool.query<{ day_start: string; block: number }>(
      'SELECT day_start, block FROM report_fact_blocks ORDER BY 1, 2',
    )
  ).rows.map((r) => [Number(r.day_start), Number(r.block)] as const);
  const copyOne = async (day: number, block: number) =>
    (
      await copyRowsBinary(
        pool,
        `COPY (SELECT data FROM report_fact_blocks WHERE day_start = ${day} AND block = ${block}) TO STDOUT (FORMAT binary)`,
      )
    )[0]![0]!;
  const perBlock: [string, (day: number, block: number) => Promise<Uint8Array>][] = [
    [
      'SELECT data (hex text)',
      async (day, block) =>
        (
          await pool.query<{ data: Buffer }>(
            'SELECT data FROM report_fact_blocks WHERE day_start = $1 AND block = $2',
            [day, block],
          )
        ).rows[0]!.data,
    ],
    ['COPY binary, a statement per block', copyOne],
  ];
  type Way = [string, (each: (data: Uint8Array) => void) => Promise<void>];
  const batch = Number(process.env.BENCH_BATCH ?? 32);
  const ways: Way[] = [
    ...perBlock.map(
      ([name, read]): Way => [
        name,
        async (each) => {
          for (const [day, block] of keys) each(await read(day, block));
        },
      ],
    ),
    [
      'COPY binary, a statement per block, one read ahead',
      async (each) => {
        let next = copyOne(keys[0]![0], keys[0]![1]);
        for (let k = 0; k < keys.length; k++) {
          const data = await next;
          if (k + 1 < keys.length) next = copyOne(keys[k + 1]![0], keys[k + 1]![1]);
          each(data);
        }
      },
    ],
    [
      `COPY binary, a statement per ${batch} blocks`,
      async (each) => {
        for (let k = 0; k < keys.length; k += batch) {
          const list = keys
            .slice(k, k + batch)
            .map(([d, b]) => `(${d}, ${b})`)
            .join(', ');
          await copyRowsBinary(
            pool,
            `COPY (SELECT data FROM report_fact_blocks WHERE (day_start, block) IN (${list}) ORDER BY day_start, block) TO STDOUT (FORMAT binary)`,
            (row) => each(row[0]!),
          );
        }
      },
    ],
  ];
  const picked = process.env.BENCH_WAYS?.split(',').map(Number);
  const chosen = picked ? ways.filter((_, i) => picked.includes(i)) : ways;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const sums = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, read] of round % 2 === 0 ? chosen : [...chosen].reverse()) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      let bytes = 0;
      let check = 0;
      await read((data) => {
        bytes += data.length;
        for (let i = 0; i < data.length; i += 4093) check = (check * 31 + data[i]!) % 1_000_000_007;
      });
      const used = process.cpuUsage(cpu);
      sums.set(name, check);
      console.log(
        `${name}: ${keys.length} blocks, ${(bytes / 2 ** 20).toFixed(0)} MB in ${(performance.now() - t).toFixed(0)} ms ` +
          `(node CPU ${((used.user + used.system) / 1000).toFixed(0)} ms)`,
      );
    }
  }
  console.log(`same bytes every way: ${new Set(sums.values()).size === 1}`);
  // What the server does for it: the blocks are stored compressed (TOAST, pglz); decompressing them all.
  const size = (
    await pool.query<{ stored: string; raw: string }>(
      'SELECT sum(pg_column_size(data)) AS stored, sum(length(data)) AS raw FROM report_fact_blocks',
    )
  ).rows[0]!;
  const t = performance.now();
  await pool.query('SELECT sum(get_byte(data, 0)) FROM report_fact_blocks');
  console.log(
    `stored ${(Number(size.stored) / 2 ** 20).toFixed(0)} MB for ${(Number(size.raw) / 2 ** 20).toFixed(0)} MB; ` +
      `the server decompresses them all in ${(performance.now() - t).toFixed(0)} ms (sum(get_byte(data, 0)))`,
  );
  await pool.end();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
