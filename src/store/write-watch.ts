/**
 * Counts the statements on SQLite's main connection that may change the rows the message path
 * keeps in memory (customers, conversations: conversation-store.ts). A copy is valid only while the
 * count is what it was when the copy was read. The count moves before a statement runs and again
 * after, so a copy read while one ran is never taken for current. Errs on the safe side: any
 * statement that is not a plain SELECT and names one of the tables counts.
 */
export class WriteWatch {
  version = 0;
  private readonly names: RegExp;

  constructor(tables: readonly string[]) {
    this.names = new RegExp(`\\b(${tables.join('|')})\\b`, 'i');
  }

  /** Runs a statement, moving the version around it when it may write a watched table. */
  around<T>(sql: string, run: () => Promise<T>): Promise<T> {
    if (/^\s*select\b/i.test(sql) || !this.names.test(sql)) return run();
    this.version++;
    return run().finally(() => {
      this.version++;
    });
  }
}
