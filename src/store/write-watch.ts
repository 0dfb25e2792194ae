/**
 * Counts the statements on SQLite's main connection that may change the rows the message path
 * keeps in memory (customers, conversations: conversation-store.ts). A copy is valid only while the
 * counts are what they were when the copy was read. A count moves before a statement runs and again
 * after, so a copy read while one ran is never taken for current.
 *
 * An UPDATE of one row by its key (`update "conversations" set … where "id" = ? and …`, as routing
 * and the workspace write) moves that row's count only; any other statement that is not a plain
 * SELECT and names one of the tables moves the count of every row (`version`).
 */
export class WriteWatch {
  version = 0;
  private readonly names: RegExp;
  private readonly single: RegExp;
  /** Table → key → count. Nested, so that a lookup (two per message) builds no string. */
  private readonly rows = new Map<string, Map<string, number>>();
  private rowCount = 0;

  /** `tables`: table name → its key column. */
  constructor(private readonly tables: Readonly<Record<string, string>>) {
    const names = Object.keys(tables).join('|');
    this.names = new RegExp(`\\b(${names})\\b`, 'i');
    // One row: the WHERE starts with its key, and only ANDs follow (no OR, no parentheses).
    this.single = new RegExp(`^update "(${names})" set .* where "(\\w+)" = \\?((?: and [^()]*)?)$`, 's');
  }

  /** The count of one row (`table`, key): it moves with writes to that row and with `version`. */
  rowVersion(table: string, key: string): number {
    return this.rows.get(table)?.get(key) ?? 0;
  }

  /** Runs a statement, moving the counts around it when it may write a watched table. */
  around<T>(sql: string, parameters: readonly unknown[], run: () => Promise<T>): Promise<T> {
    if (/^\s*select\b/i.test(sql) || !this.names.test(sql)) return run();
    const row = this.rowOf(sql, parameters);
    const bump = row === undefined ? () => this.everything() : () => this.bump(row);
    bump();
    return run().finally(bump);
  }

  /** The row a one-row UPDATE writes; undefined for any other statement. */
  private rowOf(sql: string, parameters: readonly unknown[]): { table: string; key: string } | undefined {
    // A quote would be a literal, whose text could hold a `?` that is not a parameter.
    const m = sql.includes("'") ? null : this.single.exec(sql);
    if (!m || this.tables[m[1]!] !== m[2] || / or /i.test(m[3]!)) return undefined;
    // The key's value is the parameter of the `?` after `where "<key>" =`.
    const at = sql.lastIndexOf(` where "${m[2]}" = ?`);
    let index = 0;
    for (let i = sql.indexOf('?'); i >= 0 && i < at; i = sql.indexOf('?', i + 1)) index++;
    const key = parameters[index];
    return typeof key === 'string' ? { table: m[1]!, key } : undefined;
  }

  private bump(row: { table: string; key: string }): void {
    let keys = this.rows.get(row.table);
    if (!keys) {
      keys = new Map();
      this.rows.set(row.table, keys);
    }
    const count = keys.get(row.key);
    if (count !== undefined) keys.set(row.key, count + 1);
    // Bounded: past this many rows, every copy goes stale at once and the counts start over.
    else if (this.rowCount >= 100_000) this.everything();
    else {
      keys.set(row.key, 1);
      this.rowCount++;
    }
  }

  private everything(): void {
    this.version++;
    this.rows.clear();
    this.rowCount = 0;
  }
}
