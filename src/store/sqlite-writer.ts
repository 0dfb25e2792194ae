import { Worker } from 'node:worker_threads';

export interface WriterData {
  path: string;
  synchronous: 'NORMAL' | 'FULL';
}
/** What both threads are started with. */
export interface ThreadData extends WriterData {
  /** 1 once the checkpoint thread has copied a WAL past the limit, until the writer restarts it. */
  restartDue: Int32Array;
}
/** The WAL checkpoints' cadence and limit (tests shorten them). */
export interface CheckpointSettings {
  /** How often the checkpoint thread copies the WAL into the database file. */
  everyMs: number;
  /** A WAL of this many frames (pages) is started over by the writer thread once copied. */
  restartFrames: number;
}
/**
 * Every second; 65 536 frames is 256 MB at SQLite's 4 KB pages. At 4 600 messages a second the WAL
 * grows ~60 MB a second (bench/lib/wal-growth.ts), so a restart, which holds up the next commit
 * while it copies the last frames, comes every ~4 s. At everyday rates SQLite starts the WAL over
 * by itself long before.
 */
const CHECKPOINTS: CheckpointSettings = { everyMs: 1000, restartFrames: 65_536 };
/** A statement for the thread: SQL text and its parameters (a kysely `CompiledQuery` is one). */
export interface Statement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
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
  /** The row each statement with a RETURNING clause gave, in order. */
  returned?: unknown[];
}

/**
 * Runs the group commit's transactions in a worker thread with its own SQLite connection.
 * better-sqlite3 is synchronous: on the main thread each commit (inserts, index updates, WAL
 * checkpoints) stalls every request in flight; here the main thread only posts the statements and
 * awaits the thread's answer, which comes after COMMIT returned — the same durability as before.
 * WAL checkpoints run in a second thread (sqlite-checkpoint-thread.ts), so that no commit waits
 * for one.
 */
export class SqliteWriter {
  private worker: Worker | undefined;
  private checkpointer: Worker | undefined;
  private readonly waiting = new Map<
    number,
    { resolve: (returned: unknown[]) => void; reject: (e: Error) => void }
  >();
  private readonly numbered = new Map<string, number>();
  private nextId = 1;
  /** Shared by both threads (sqlite-checkpoint-thread.ts says why the writer restarts the WAL). */
  private readonly restartDue = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly data: WriterData,
    private readonly checkpoints: CheckpointSettings = CHECKPOINTS,
  ) {}

  /**
   * Runs the statements as one transaction; resolves once it committed, with the rows the
   * statements with a RETURNING clause gave (in order); rejects if it rolled back.
   */
  transaction(queries: readonly Statement[]): Promise<unknown[]> {
    const worker = this.start();
    const define: [number, string][] = [];
    // One array reused from batch to batch (postMessage copies it at once), filled by index: a
    // fresh array grown push by push, with an iterator per loop, was a sixth of a message's garbage.
    const statements = this.scratch;
    let at = 0;
    for (let q = 0; q < queries.length; q++) {
      const { sql, parameters } = queries[q]!;
      let n = this.numbered.get(sql);
      if (n === undefined) {
        n = this.numbered.size;
        this.numbered.set(sql, n);
        define.push([n, sql]);
      }
      at = put(statements, at, n);
      at = put(statements, at, parameters.length);
      for (let i = 0; i < parameters.length; i++) at = put(statements, at, parameters[i]);
    }
    // Shorter than the last batch: cut (V8 trims the store when the array shrinks by much).
    if (statements.length > at) statements.length = at;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The thread keeps the process alive only while it owes an answer.
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, define, statements } satisfies WriterRequest);
    });
  }

  private readonly scratch: unknown[] = [];

  /** Stops the threads after the transactions already sent (their callers are answered first). */
  async close(): Promise<void> {
    const threads = [this.worker, this.checkpointer].filter((w) => w !== undefined);
    this.worker = undefined;
    this.checkpointer = undefined;
    await Promise.all(threads.map(stop));
  }

  /** Starts the thread (also done on first use): its start-up then does not delay the first reply. */
  start(): Worker {
    if (this.worker) return this.worker;
    const worker = thread('./sqlite-writer-thread.ts', { ...this.data, restartDue: this.restartDue });
    this.checkpointer ??= this.startCheckpointer();
    worker.on('message', (reply: WriterReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (reply.error === undefined) waiter?.resolve(reply.returned ?? []);
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

  private startCheckpointer(): Worker {
    const checkpointer = thread('./sqlite-checkpoint-thread.ts', {
      ...this.data,
      ...this.checkpoints,
      restartDue: this.restartDue,
    });
    checkpointer.on('message', (m: { error: string }) =>
      console.error(`SQLite checkpoint failed (retried in ${this.checkpoints.everyMs} ms): ${m.error}`),
    );
    checkpointer.on('error', (e) => console.error('SQLite checkpoint thread failed:', e));
    checkpointer.on('exit', () => {
      if (this.checkpointer !== checkpointer) return; // closed
      // Without it the WAL would grow without bound: start another, after a pause (no crash loop).
      this.checkpointer = undefined;
      setTimeout(() => {
        if (this.worker) this.checkpointer ??= this.startCheckpointer();
      }, 5 * this.checkpoints.everyMs).unref();
    });
    return checkpointer;
  }
}

/** Writes `value` at `at` (overwriting, or appending at the end: the array stays packed). */
function put(array: unknown[], at: number, value: unknown): number {
  if (at < array.length) array[at] = value;
  else array.push(value);
  return at + 1;
}

/** A worker thread running a TypeScript module of this folder; it does not keep the process alive. */
function thread(entry: string, data: object): Worker {
  const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
    workerData: { entry: new URL(entry, import.meta.url).href, ...data },
  });
  worker.unref();
  return worker;
}

/** Asks a thread to finish and waits for it to exit (terminating it if it does not). */
async function stop(worker: Worker): Promise<void> {
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
