import { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';

export interface WriterData {
  path: string;
  synchronous: 'NORMAL' | 'FULL';
}
/**
 * A batch. `define` numbers the SQL texts the thread has not seen yet; `statements` is flat —
 * statement number, parameter count, parameters, next statement… — because cloning one array
 * costs a fraction of cloning an array per statement.
 */
export interface WriterRequest {
  id: number;
  define: [number, string][];
  statements: unknown[];
}
export interface WriterReply {
  id: number;
  error?: string;
}

/**
 * Runs the group commit's transactions in a worker thread with its own SQLite connection.
 * better-sqlite3 is synchronous: on the main thread each commit (inserts, index updates, WAL
 * checkpoints) stalls every request in flight; here the main thread only posts the statements and
 * awaits the thread's answer, which comes after COMMIT returned — the same durability as before.
 */
export class SqliteWriter {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly numbered = new Map<string, number>();
  private nextId = 1;

  constructor(private readonly data: WriterData) {}

  /** Runs the statements as one transaction; resolves once it committed, rejects if it rolled back. */
  transaction(queries: readonly CompiledQuery[]): Promise<void> {
    const worker = this.start();
    const define: [number, string][] = [];
    const statements: unknown[] = [];
    for (const q of queries) {
      let n = this.numbered.get(q.sql);
      if (n === undefined) {
        n = this.numbered.size;
        this.numbered.set(q.sql, n);
        define.push([n, q.sql]);
      }
      statements.push(n, q.parameters.length);
      for (const p of q.parameters) statements.push(p);
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The thread keeps the process alive only while it owes an answer.
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, define, statements } satisfies WriterRequest);
    });
  }

  /** Stops the thread after the transactions already sent (their callers are answered first). */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    // Referenced until it exits: an unreferenced thread let a process whose last work was
    // `await close()` end there, with the close unfinished.
    worker.ref();
    await new Promise<void>((resolve) => {
      const stuck = setTimeout(() => void worker.terminate(), 10_000);
      worker.once('exit', () => {
        clearTimeout(stuck);
        resolve();
      });
      worker.postMessage('close');
    });
  }

  /** Starts the thread (also done on first use): its start-up then does not delay the first reply. */
  start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./sqlite-writer-thread.ts', import.meta.url).href, ...this.data },
    });
    worker.unref();
    worker.on('message', (reply: WriterReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.error === undefined) waiter?.resolve();
      else waiter?.reject(new Error(reply.error));
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      this.numbered.clear();
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`SQLite writer thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
