import { basename, dirname } from 'node:path';
import { type Database, openDatabase } from '../../src/store/database';

/**
 * The database `BENCH_KEEP=1 npx tsx bench/reports.ts` kept: BENCH_DB (a SQLite file), or
 * DATABASE_URL with BENCH_PG_SCHEMA. `name` is what the scripts print for it.
 */
export async function openKeptDatabase(): Promise<{ database: Database; name: string }> {
  const file = process.env.BENCH_DB;
  const url = process.env.DATABASE_URL;
  const schema = process.env.BENCH_PG_SCHEMA;
  if (!file && !(url && schema)) throw new Error('set BENCH_DB, or DATABASE_URL and BENCH_PG_SCHEMA');
  const database = await openDatabase(
    file
      ? { dataDir: dirname(file), file: basename(file), sqliteWriter: 'inline' }
      : { dataDir: '/tmp', url: url!, schema: schema! },
  );
  return { database, name: file ?? schema! };
}
