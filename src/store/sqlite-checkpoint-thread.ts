import { closeSync, fdatasyncSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { CheckpointSettings, ThreadData } from './sqlite-writer';

/**
 * Copies the WAL back into the database file, on its own connection and thread. A checkpoint
 * writes and fsyncs the database file (tens of ms on a slow disk, ~90 ms seen): run by SQLite's
 * automatic checkpoint it would happen inside the commit that crossed the WAL limit, and every
 * message waiting on that commit would wait for it. PASSIVE never blocks the writer: it copies
 * what no reader still needs.
 *
 * SQLite starts the WAL over when a commit begins with all of it copied. Under steady load that
 * never happens: the writer has always appended more by the time a copy ends, and the WAL grew
 * without bound (1.9 GB after 30 s at 4 600 messages a second, bench/lib/wal-growth.ts). So once
 * the WAL is past `restartFrames`, the writer thread finishes the job after its next commit
 * (sqlite-writer-thread.ts): it copies the frames written meanwhile and starts the WAL over. That
 * part needs the write lock, and SQLite waits for a lock held elsewhere in sleeps of 1, 2, 5, 10,
 * 15 ms…: done from this thread, every commit that met its lock slept through that schedule.
 */
const port = parentPort!;
const { path, everyMs, restartFrames, restartDue } = workerData as ThreadData & CheckpointSettings;
const db = new SQLite(path);
db.pragma('busy_timeout = 5000');
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
/**
 * fdatasync on a file of SQLite's: it only makes durable earlier what SQLite syncs anyway. A
 * passive checkpoint that never catches up never syncs the database file, so the RESTART's sync
 * flushed up to 256 MB of copied pages, in the writer thread.
 */
function sync(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
/** Copies what it can; returns the WAL's length in frames. */
const framesAfter = () => (checkpoint.get() as { log: number }).log;

/** Ticks skipped so far waiting for the writer to restart the WAL. */
let waited = 0;

const timer = setInterval(() => {
  // Our checkpoint running meanwhile would make the writer's RESTART give up (busy): wait for it,
  // a few ticks at most (the writer restarts after its next commit; other connections write too).
  if (Atomics.load(restartDue, 0) === 1 && waited++ < 5) return;
  waited = 0;
  try {
    let log = framesAfter();
    if (log < restartFrames) return;
    // The writer copies what is left and syncs both files, holding its lock, and a sync costs by
    // what is unsynced: so copy again what came in meanwhile until little is left (each pass takes
    // a fraction of the last), then flush both files from here.
    for (let pass = 0; pass < 5; pass++) {
      const before = log;
      log = framesAfter();
      if (log - before < 100) break;
    }
    sync(path);
    sync(`${path}-wal`);
    Atomics.store(restartDue, 0, 1);
  } catch (e) {
    // A busy database is retried at the next tick; anything else is reported and retried too.
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
}, everyMs);

port.on('message', (request: 'close') => {
  if (request !== 'close') return;
  clearInterval(timer);
  db.close();
  port.close();
});
