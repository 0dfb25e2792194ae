import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { WriterData } from './sqlite-writer';

/**
 * Copies the WAL back into the database file, on its own connection and thread. A checkpoint
 * writes and fsyncs the database file (tens of ms on this machine, ~90 ms seen): run by SQLite's
 * automatic checkpoint it would happen inside the commit that crossed the WAL limit, and every
 * message waiting on that commit would wait for it. PASSIVE never blocks the writer: it copies
 * what no reader still needs, and the writer starts the WAL over once all of it was copied.
 */
const port = parentPort!;
const { path, checkpointMs } = workerData as WriterData & { checkpointMs: number };
const db = new SQLite(path);
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch (e) {
    // A busy database is retried at the next tick; anything else is reported and retried too.
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
}, checkpointMs);

port.on('message', (request: 'close') => {
  if (request !== 'close') return;
  clearInterval(timer);
  db.close();
  port.close();
});
