import type pg from 'pg';

/**
 * Reads rows through `COPY (query) TO STDOUT (FORMAT binary)`: the values arrive as raw bytes.
 *
 * Why: node-postgres returns a `bytea` column in text format, hex — twice the bytes on the wire,
 * decoded to a string, then parsed back to bytes — and its `binary: true` mode decodes every value
 * as UTF-8 text on the way (pg-protocol 1.16), which corrupts arbitrary bytes. Reading the 268 MB of
 * a month's stored facts took ~5 s as hex and well under 1 s this way (docs/benchmarks.md §7).
 *
 * `sql` is a whole COPY statement: COPY takes no parameters, so callers build it from values they
 * have checked (numbers). Each row is its fields (null for NULL), each field a `Uint8Array` over an
 * `ArrayBuffer` of its own: copied once out of the protocol's buffer, the caller may keep it.
 * `onRow`: each row is handed over as it arrives (and not returned), so a statement reading many
 * rows is worked on while the rest come in.
 */
export async function copyRowsBinary(
  pool: pg.Pool,
  sql: string,
  onRow?: (row: (Uint8Array | null)[]) => void,
): Promise<(Uint8Array | null)[][]> {
  const client = await pool.connect();
  try {
    const copy = new CopyOut(sql, onRow);
    client.query(copy as unknown as pg.QueryConfig);
    return await copy.done;
  } finally {
    client.release();
  }
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * A node-postgres "submittable" (as pg-cursor is): sends the statement and parses the binary COPY
 * format (signature, flags, header extension, then rows until a field count of -1) as the CopyData
 * messages arrive. The server sends a row per message; a row split across messages is carried over.
 */
class CopyOut {
  readonly done: Promise<(Uint8Array | null)[][]>;
  private readonly rows: (Uint8Array | null)[][] = [];
  /** Bytes of an unfinished header or row, copied (the protocol's buffer is reused). */
  private carry: Buffer | null = null;
  private header = false;
  private ended = false;
  private failed = false;
  private resolve!: (rows: (Uint8Array | null)[][]) => void;
  private reject!: (e: unknown) => void;

  constructor(
    private readonly text: string,
    private readonly onRow?: (row: (Uint8Array | null)[]) => void,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    if (this.failed) return;
    const data = this.carry ? Buffer.concat([this.carry, msg.chunk]) : msg.chunk;
    let at = 0;
    try {
      if (!this.header) {
        if (data.length < 19) {
          this.carry = Buffer.from(data);
          return;
        }
        if (!data.subarray(0, 11).equals(SIGNATURE)) throw new Error('COPY: not the binary format');
        at = 19 + data.readUInt32BE(15);
        this.header = true;
      }
      while (!this.ended && data.length - at >= 2) {
        const end = rowEnd(data, at);
        if (end < 0) break;
        const fields = data.readInt16BE(at);
        at += 2;
        if (fields === -1) {
          this.ended = true;
          break;
        }
        const row: (Uint8Array | null)[] = [];
        for (let f = 0; f < fields; f++) {
          const length = data.readInt32BE(at);
          at += 4;
          if (length < 0) row.push(null);
          else {
            row.push(new Uint8Array(data.subarray(at, at + length)));
            at += length;
          }
        }
        if (this.onRow) this.onRow(row);
        else this.rows.push(row);
      }
      this.carry = at < data.length ? Buffer.from(data.subarray(at)) : null;
    } catch (e) {
      this.handleError(e);
    }
  }

  handleError(e: unknown): void {
    // The client has dropped this query already (a ReadyForQuery after it is not ours).
    this.failed = true;
    this.reject(e);
  }

  handleReadyForQuery(): void {
    if (this.failed) return;
    if (!this.ended || this.carry) this.reject(new Error('COPY: the data ended early'));
    else this.resolve(this.rows);
  }

  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('not a COPY FROM');
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

/** Where the row (or end mark) starting at `at` ends, or -1 when `data` does not hold all of it. */
function rowEnd(data: Buffer, at: number): number {
  const fields = data.readInt16BE(at);
  let p = at + 2;
  if (fields === -1) return p;
  for (let f = 0; f < fields; f++) {
    if (p + 4 > data.length) return -1;
    const length = data.readInt32BE(p);
    p += 4 + Math.max(0, length);
    if (p > data.length) return -1;
  }
  return p;
}
