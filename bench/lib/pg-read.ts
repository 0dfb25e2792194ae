/**
 * Reading the stored fact blocks from PostgreSQL, the two ways, alternating: a plain `SELECT data`
 * (node-postgres hands `bytea` over as hex text) against `COPY … TO STDOUT (FORMAT binary)`
 * (src/reports/pg-copy.ts, what the settler uses). On a schema kept by
 * `BENCH_KEEP=1 BENCH_ONLY=postgres npx tsx bench/reports.ts`:
 *
 *   DATABASE_URL=postgres://… BENCH_PG_SCHEMA=bench_xxxx npx tsx bench/lib/pg-read.ts
 *
 * One query per block, as the settler reads them; BENCH_ROUNDS (default 3) rounds; checks both ways
 * give the same bytes.
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
  const ways: [string, (day: number, block: number) => Promise<Uint8Array>][] = [
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
    [
      'COPY binary',
      async (day, block) =>
        (
          await copyRowsBinary(
            pool,
            `COPY (SELECT data FROM report_fact_blocks WHERE day_start = ${day} AND block = ${block}) TO STDOUT (FORMAT binary)`,
          )
        )[0]![0]!,
    ],
  ];
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const sums = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, read] of round % 2 === 0 ? ways : [...ways].reverse()) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      let bytes = 0;
      let check = 0;
      for (const [day, block] of keys) {
        const data = await read(day, block);
        bytes += data.length;
        for (let i = 0; i < data.length; i += 4093) check = (check * 31 + data[i]!) % 1_000_000_007;
      }
      const used = process.cpuUsage(cpu);
      sums.set(name, check);
      console.log(
        `${name}: ${keys.length} blocks, ${(bytes / 2 ** 20).toFixed(0)} MB in ${(performance.now() - t).toFixed(0)} ms ` +
          `(node CPU ${((used.user + used.system) / 1000).toFixed(0)} ms)`,
      );
    }
  }
  console.log(`same bytes both ways: ${new Set(sums.values()).size === 1}`);
  await pool.end();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
