import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type StorageKind = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL too when DATABASE_URL is set (CI sets it), so every storage test runs on both. */
export function storageKinds(): StorageKind[] {
  return process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh place to keep data: a temp dir (SQLite) or a new schema on the PostgreSQL server. */
export function freshStorage(kind: StorageKind) {
  const dataDir = mkdtempSync(join(tmpdir(), 'firstreply-test-'));
  const schema = kind === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  return {
    dataDir,
    url: kind === 'postgres' ? process.env.DATABASE_URL : undefined,
    schema,
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      if (schema && process.env.DATABASE_URL) {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    },
  };
}
