import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { ThreadData, WriterReply, WriterRequest } from './sqlite-writer';

/**
 * The SQLite writer thread: its own connection to the database file, running each batch it is sent
 * as one transaction. It knows no tables or queries: the main thread sends compiled statements.
 */
const port = parentPort!;
const { path, synchronous, restartDue } = workerData as ThreadData;
const db = new SQLite(path);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${synchronous}`);
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
// The checkpoint thread copies the WAL back (see sqlite-checkpoint-thread.ts), not our commits.
db.pragma('wal_autocheckpoint = 0');
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');

/**
 * Once the checkpoint thread has copied a WAL past its limit: copies what was committed since and
 * starts the WAL over (sqlite-checkpoint-thread.ts says why here). A reader still on an older
 * snapshot would make it wait in SQLite's busy loop: with no busy timeout it gives up instead, and
 * the next copy asks again.
 */
function restartWal(): void {
  if (Atomics.exchange(restartDue, 0, 0) !== 1) return;
  db.pragma('busy_timeout = 0');
  try {
    restart.get();
  } finally {
    db.pragma('busy_timeout = 5000');
  }
}

const statements = new Map<number, SQLite.Statement>();
const batchTransaction = db.transaction((batch: WriterRequest['statements']) => {
  const returned: unknown[] = [];
  for (let i = 0; i < batch.length; ) {
    const statement = statements.get(batch[i] as number)!;
    const count = batch[i + 1] as number;
    const parameters = batch.slice(i + 2, i + 2 + count);
    // A statement with RETURNING is a reader: its row goes back to the main thread.
    if (statement.reader) returned.push(statement.get(parameters));
    else statement.run(parameters);
    i += 2 + count;
  }
  return returned;
});

port.on('message', (request: WriterRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    for (const [n, sql] of request.define) statements.set(n, db.prepare(sql));
    // IMMEDIATE takes the write lock at BEGIN: the batch never fails half-way waiting for a lock.
    const returned = batchTransaction.immediate(request.statements);
    reply = returned.length ? { id: request.id, returned } : { id: request.id };
  } catch (e) {
    reply = { id: request.id, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
  // After the answer: the batch's callers do not wait for it.
  try {
    restartWal();
  } catch (e) {
    // Busy (another checkpoint ran) comes back as a row, not here; the next copy asks again.
    console.error('SQLite WAL restart failed (tried again after the next checkpoint):', e);
  }
});
