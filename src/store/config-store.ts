import type { Database } from './database';

export interface StoredConfig<T> {
  value: T;
  version: number;
  updatedAt: number;
  updatedBy: string | null;
}

/** Versioned JSON documents (routing rules, …). A save based on a stale version is refused. */
export class ConfigStore {
  constructor(private readonly database: Database) {}

  async load<T>(key: string): Promise<StoredConfig<T> | undefined> {
    const r = await this.database.db.selectFrom('config').selectAll().where('key', '=', key).executeTakeFirst();
    return r && { value: JSON.parse(r.value) as T, version: r.version, updatedAt: r.updated_at, updatedBy: r.updated_by };
  }

  async version(key: string): Promise<number> {
    const r = await this.database.db.selectFrom('config').select('version').where('key', '=', key).executeTakeFirst();
    return r?.version ?? 0;
  }

  /** Writes version `expected + 1`; false when someone else saved first (optimistic concurrency). */
  async save(key: string, value: unknown, expected: number, by: string | null, at: number): Promise<boolean> {
    const json = JSON.stringify(value);
    if (expected === 0) {
      const r = await this.database.db
        .insertInto('config')
        .values({ key, value: json, version: 1, updated_at: at, updated_by: by })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    }
    const r = await this.database.db
      .updateTable('config')
      .set({ value: json, version: expected + 1, updated_at: at, updated_by: by })
      .where('key', '=', key)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
