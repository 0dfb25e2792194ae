import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRowsBinary } from '../../src/reports/pg-copy';
import { type Database, openDatabase } from '../../src/store/database';
import { freshStorage } from '../support/storage';

/** PostgreSQL's binary COPY format of `rows` (bytea fields, null for NULL), as the server would send it. */
function binaryCopy(rows: (Buffer | null)[][]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const field of row) {
      const length = Buffer.alloc(4);
      length.writeInt32BE(field === null ? -1 : field.length);
      parts.push(length);
      if (field) parts.push(field);
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

/** A pool whose client answers the COPY with `data` cut into CopyData messages at `cuts`. */
function fakePool(data: Buffer, cuts: number[]): pg.Pool {
  const client = {
    query(copy: {
      submit(c: { query(text: string): void }): void;
      handleCopyData(m: { chunk: Buffer }): void;
      handleCommandComplete(): void;
      handleReadyForQuery(): void;
    }) {
      copy.submit({ query() {} });
      let at = 0;
      for (const cut of [...cuts, data.length]) {
        // A reused buffer, as the protocol parser's: the message must be copied before it changes.
        const chunk = Buffer.from(data.subarray(at, cut));
        copy.handleCopyData({ chunk });
        chunk.fill(0);
        at = cut;
      }
      copy.handleCommandComplete();
      copy.handleReadyForQuery();
    },
    release() {},
  };
  return { connect: async () => client } as unknown as pg.Pool;
}

describe('copyRowsBinary', () => {
  const rows = [
    [randomBytes(70_000), Buffer.from('x')],
    [null, Buffer.alloc(0)],
    [randomBytes(3), randomBytes(1_000)],
  ];
  const data = binaryCopy(rows);

  it('reads rows however the messages cut them (header, lengths and values split)', async () => {
    for (const cuts of [[], [5], [19], [20, 23], [19 + 6 + 100, 19 + 6 + 70_000 + 3], [data.length - 1]]) {
      const got = await copyRowsBinary(fakePool(data, cuts), 'COPY');
      expect(got.map((r) => r.map((f) => (f === null ? null : Buffer.from(f))))).toEqual(rows);
      // Each value owns its buffer (decodeBlock may renumber it in place).
      expect(got[0]![0]!.byteOffset).toBe(0);
      expect(got[0]![0]!.buffer.byteLength).toBe(70_000);
    }
  });

  it('hands rows over as they arrive when asked to, and returns none', async () => {
    const seen: (Buffer | null)[][] = [];
    const got = await copyRowsBinary(fakePool(data, [19 + 6 + 100]), 'COPY', (row) =>
      seen.push(row.map((f) => (f === null ? null : Buffer.from(f)))),
    );
    expect(got).toEqual([]);
    expect(seen).toEqual(rows);
  });

  it('fails on data that ends early or is not the binary format', async () => {
    await expect(copyRowsBinary(fakePool(data.subarray(0, data.length - 2), []), 'COPY')).rejects.toThrow(
      /ended early/,
    );
    await expect(copyRowsBinary(fakePool(Buffer.from('1\tx\n'.repeat(10)), []), 'COPY')).rejects.toThrow(
      /binary format/,
    );
  });
});

describe.runIf(Boolean(process.env.DATABASE_URL))('copyRowsBinary on PostgreSQL', () => {
  const storage = freshStorage('postgres');
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: storage.dataDir, url: storage.url!, schema: storage.schema! });
  });
  afterAll(async () => {
    await database.close();
    await storage.cleanup();
  });

  it('gives back bytea values byte for byte (large, empty, NULL), and server errors', async () => {
    const pool = database.pg!.pool;
    await pool.query('CREATE TABLE copy_test (k integer, v bytea)');
    const values = [randomBytes(2_500_000), Buffer.alloc(0), null, Buffer.from([0, 0xff, 0x80, 0xc3])];
    for (const [k, v] of values.entries()) await pool.query('INSERT INTO copy_test VALUES ($1, $2)', [k, v]);
    const got = await copyRowsBinary(
      pool,
      'COPY (SELECT v FROM copy_test ORDER BY k) TO STDOUT (FORMAT binary)',
    );
    expect(got.map(([v]) => (v === null ? null : Buffer.from(v!)))).toEqual(values);
    await expect(
      copyRowsBinary(pool, 'COPY (SELECT v FROM no_such_table) TO STDOUT (FORMAT binary)'),
    ).rejects.toThrow(/no_such_table/);
    // The connection went back to the pool in a usable state.
    expect((await pool.query('SELECT count(*)::int AS n FROM copy_test')).rows[0]).toEqual({ n: 4 });
    // Several columns per row, handed over one by one (what the settler reads: day, block, bytes).
    const keys: number[] = [];
    await copyRowsBinary(
      pool,
      'COPY (SELECT k, v FROM copy_test ORDER BY k) TO STDOUT (FORMAT binary)',
      (row) => keys.push(new DataView(row[0]!.buffer, row[0]!.byteOffset, 4).getInt32(0)),
    );
    expect(keys).toEqual([0, 1, 2, 3]);
  });
});
