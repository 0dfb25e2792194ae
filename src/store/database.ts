import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate } from './migrations';
import { FifoSqliteDialect } from './sqlite-dialect';
import { SqliteWriter } from './sqlite-writer';
import type { Tables } from './tables';
import { WriteWatch } from './write-watch';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Tables>;
  dialect: Dialect;
  /** Where the data lives, for logs (never includes a password). */
  where: string;
  /** PostgreSQL only: the pool (live bridge) and the schema in use. */
  pg?: { pool: pg.Pool; url: string; schema: string };
  /** SQLite only: the thread that runs the message path's group commits (see sqlite-writer.ts). */
  writer?: SqliteWriter;
  /** SQLite only: moves whenever a statement on the main connection may change customers or conversations. */
  watch?: WriteWatch;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… selects PostgreSQL; absent → a SQLite file in dataDir. */
  url?: string;
  dataDir: string;
  /** SQLite file name inside dataDir. */
  file?: string;
  /** PostgreSQL schema to use (tests give each file its own). Created if missing. */
  schema?: string;
  /** SQLite `synchronous`: NORMAL survives a process crash; FULL also a power cut. */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  /** SQLite: group commits in a writer thread (default) or on the main thread. */
  sqliteWriter?: 'thread' | 'inline';
}

// 64-bit integers (our millisecond times) come back as numbers, not strings: they fit in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url && /^postgres(ql)?:/.test(options.url)) return openPostgres(options.url, options.schema);
  mkdirSync(options.dataDir, { recursive: true });
  const path = join(options.dataDir, options.file ?? 'firstreply.db');
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  const synchronous = options.sqliteSynchronous ?? 'NORMAL';
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const threaded = options.sqliteWriter !== 'inline';
  // With the writer thread, a checkpoint thread copies the WAL back (sqlite-writer.ts).
  if (threaded) sqlite.pragma('wal_autocheckpoint = 0');
  const watch = new WriteWatch({ customers: 'key', conversations: 'id' });
  const db = new Kysely<Tables>({
    dialect: new FifoSqliteDialect({ database: withStatementCache(sqlite), watch }),
  });
  await migrate(db as Kysely<unknown>, 'sqlite');
  const writer = threaded ? new SqliteWriter({ path, synchronous }) : undefined;
  writer?.start();
  return {
    db,
    dialect: 'sqlite',
    where: path,
    ...(writer ? { writer } : {}),
    watch,
    close: async () => {
      await writer?.close();
      await db.destroy();
    },
  };
}

/**
 * Kysely prepares every query anew; better-sqlite3's prepare is ~10 % of a message's CPU. Our
 * queries are a few hundred distinct SQL texts, so prepared statements are kept by text.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (text: string) => {
          // Transactions take the write lock at BEGIN: one that read first could otherwise fail
          // (SQLITE_BUSY_SNAPSHOT) when the writer thread or another process committed meanwhile.
          const sql = text === 'begin' ? 'begin immediate' : text;
          let stmt = cache.get(sql);
          if (!stmt) {
            stmt = target.prepare(sql);
            if (cache.size < 2000) cache.set(sql, stmt);
          }
          return stmt;
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function openPostgres(url: string, schema?: string): Promise<Database> {
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  if (schema) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  // The schema in use may come from the connection itself (search_path in the URL or PGOPTIONS).
  const inUse = schema ?? ((await pool.query('select current_schema() as s')).rows[0] as { s: string }).s;
  await migrate(db as Kysely<unknown>, 'postgres', inUse);
  const u = new URL(url);
  return {
    db,
    dialect: 'postgres',
    where: `${u.host}${u.pathname}${schema ? `#${schema}` : ''}`,
    pg: { pool, url, schema: inUse },
    close: () => db.destroy(),
  };
}
