import { type DatabaseConnection, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';
import type { WriteWatch } from './write-watch';

export interface FifoSqliteDialectConfig extends SqliteDialectConfig {
  /** Told of every statement, so that copies of rows it may change are known to be stale. */
  watch?: WriteWatch;
}

/**
 * Kysely's SQLite dialect with a first-come-first-served lock on its one connection. Kysely's own
 * lock wakes every waiter on each release and all but one go back to sleep: with 50 messages in
 * flight that was ~6 KB of promises per message (bench/lib/pipeline-alloc.ts: 39 → 33 KB).
 */
export class FifoSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: FifoSqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): SqliteDriver {
    return new FifoSqliteDriver(this.settings);
  }
}

class FifoSqliteDriver extends SqliteDriver {
  private connection: DatabaseConnection | undefined;
  private locked = false;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly settings: FifoSqliteDialectConfig) {
    super(settings);
  }

  override async init(): Promise<void> {
    await super.init();
    // The base class keeps its connection private: borrow it once, then hand it out ourselves.
    const connection = await super.acquireConnection();
    await super.releaseConnection();
    const watch = this.settings.watch;
    this.connection = watch
      ? {
          executeQuery: (query) =>
            watch.around(query.sql, query.parameters, () => connection.executeQuery(query)),
          // Kysely streams only SELECTs.
          streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
        }
      : connection;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.locked) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.locked = true;
    return this.connection!;
  }

  override async releaseConnection(): Promise<void> {
    // The lock passes straight to the next waiter: it never looks free while someone waits.
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}
