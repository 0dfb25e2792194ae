import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConversationChange, ConversationStore } from '../../src/store/conversation-store';
import { openDatabase } from '../../src/store/database';
import { newConversation, newCustomer } from '../../src/store/rows';
import { SqliteWriter } from '../../src/store/sqlite-writer';
import { freshStorage, type StorageKind, storageKinds } from '../support/storage';

function change(customer: string, i: number, at: number): ConversationChange {
  const key = `api:${customer}`;
  const conversationId = `conv-${customer}`;
  return {
    customer: {
      ...newCustomer(key, 'api', customer, at),
      locale: 'zh',
      greeted_day: '2026-11-23',
      conversation_id: conversationId,
    },
    conversation: {
      ...newConversation(conversationId, key, 'api', at),
      last_message_at: at + i,
      last_customer_at: at + i,
      reply_turn: i,
    },
    events: [
      {
        id: `${customer}-${i}`,
        conversation_id: conversationId,
        customer_key: key,
        channel: 'api',
        type: 'message.received',
        actor: 'customer',
        agent_id: null,
        at: at + i,
        platform_at: null,
        intent: null,
        text: `m${i}`,
        data: null,
      },
    ],
  };
}

// SQLite writes in its writer thread by default; the inline mode (main thread) must behave the same.
const setups: [StorageKind, 'thread' | 'inline'][] = [
  ...storageKinds().map((k): [StorageKind, 'thread' | 'inline'] => [k, 'thread']),
  ['sqlite', 'inline'],
];

describe.each(setups)('conversation store on %s (%s writer)', (kind, writer) => {
  let storage: ReturnType<typeof freshStorage>;
  beforeEach(() => {
    storage = freshStorage(kind);
  });
  const open = () =>
    openDatabase({
      dataDir: storage.dataDir,
      ...(storage.url ? { url: storage.url } : {}),
      ...(storage.schema ? { schema: storage.schema } : {}),
      sqliteWriter: writer,
    });
  afterEach(async () => storage.cleanup());

  it('commits concurrent changes together, keeps the last state, and survives a restart', async () => {
    const db = await open();
    const store = new ConversationStore(db);
    const t = Date.parse('2026-11-23T02:00:00Z');
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.commit(change(`c${i % 30}`, i, t))));
    // A retried event id (channel redelivery) is stored once.
    await store.commit(change('c0', 0, t));
    await db.close();

    const again = await open();
    const reopened = new ConversationStore(again);
    const { customer, conversation } = await reopened.load('api:c7');
    expect(customer?.conversation_id).toBe('conv-c7');
    expect(conversation?.reply_turn).toBe(277); // the last of c7's ten changes (7, 37, …, 277)
    const history = await reopened.history('conv-c7');
    expect(history.map((e) => e.text)).toEqual(Array.from({ length: 10 }, (_, k) => `m${7 + 30 * k}`));
    expect(typeof history[0]!.at).toBe('number');
    const n = await again.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(300);
    await again.close();
  });

  it('fails every waiting caller of a batch that cannot commit, and keeps serving the next', async () => {
    const db = await open();
    const store = new ConversationStore(db);
    const bad = change('x', 1, Date.now());
    (bad.events[0] as { conversation_id: unknown }).conversation_id = null; // violates NOT NULL
    const results = await Promise.allSettled([store.commit(bad), store.commit(change('y', 1, Date.now()))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(store.commit(change('z', 1, Date.now()))).resolves.toBeUndefined();
    expect((await store.load('api:z')).conversation?.id).toBe('conv-z');
    expect((await store.load('api:y')).customer).toBeUndefined();
    await db.close();
  });
});

describe('SQLite main connection', () => {
  let storage: ReturnType<typeof freshStorage>;
  beforeEach(() => {
    storage = freshStorage('sqlite');
  });
  afterEach(async () => storage.cleanup());

  it('serves queries one at a time in arrival order, never inside another caller’s transaction', async () => {
    const db = await openDatabase({ dataDir: storage.dataDir, sqliteWriter: 'inline' });
    const order: string[] = [];
    const inTransaction = db.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('customers')
        .values(newCustomer('api:t', 'api', 't', 1))
        .execute();
      await new Promise((r) => setTimeout(r, 30));
      order.push('transaction');
      throw new Error('roll back');
    });
    const reads = Array.from({ length: 20 }, (_, i) =>
      db.db
        .selectFrom('customers')
        .select('key')
        .execute()
        .then((rows) => order.push(`read ${i}: ${rows.length}`)),
    );
    await expect(inTransaction).rejects.toThrow('roll back');
    await Promise.all(reads);
    // Had a read run inside the transaction, it would have seen its uncommitted row.
    expect(order).toEqual(['transaction', ...Array.from({ length: 20 }, (_, i) => `read ${i}: 0`)]);
    await db.close();
  });
});

describe('SQLite writer thread', () => {
  let storage: ReturnType<typeof freshStorage>;
  beforeEach(() => {
    storage = freshStorage('sqlite');
  });
  afterEach(async () => storage.cleanup());

  it('is used by default, and a transaction on the main connection that reads then writes never fails while it commits', async () => {
    const db = await openDatabase({ dataDir: storage.dataDir });
    expect(db.writer).toBeDefined();
    const store = new ConversationStore(db);
    const t = Date.parse('2026-11-23T02:00:00Z');
    await store.commit(change('routing', 0, t));
    // Routing's steps read, then write, in one transaction on the main connection. The writer
    // thread commits in between on its own connection: a deferred BEGIN would fail such a step
    // with SQLITE_BUSY_SNAPSHOT.
    const step = (i: number) =>
      db.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('customers')
          .select('vip')
          .where('key', '=', 'api:routing')
          .executeTakeFirstOrThrow();
        await new Promise((r) => setImmediate(r));
        await trx
          .updateTable('customers')
          .set({ vip: row.vip + 1 })
          .where('key', '=', 'api:routing')
          .execute();
        return i;
      });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => [store.commit(change(`w${i % 20}`, i, t)), step(i)]).flat(),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const row = await db.db
      .selectFrom('customers')
      .select('vip')
      .where('key', '=', 'api:routing')
      .executeTakeFirstOrThrow();
    expect(row.vip).toBe(200);
    await db.close();
  });

  it('copies the WAL back into the database file from its own thread, not in commits', async () => {
    const db = await openDatabase({ dataDir: storage.dataDir });
    const store = new ConversationStore(db);
    const file = join(storage.dataDir, 'firstreply.db');
    // No connection of ours checkpoints on commit…
    const autoCheckpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
      db.db,
    );
    expect(autoCheckpoint.rows[0]?.wal_autocheckpoint).toBe(0);
    const t = Date.parse('2026-11-23T02:00:00Z');
    const before = statSync(file).size;
    for (let i = 0; i < 40; i++) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => store.commit(change(`c${i}-${j}`, i, t))));
    }
    // …yet the rows reach the database file while it runs (otherwise the WAL would only grow).
    const deadline = Date.now() + 5000;
    while (statSync(file).size < before + 200_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(statSync(file).size).toBeGreaterThanOrEqual(before + 200_000);
    await db.close();
  });

  it('starts the WAL over under steady writes (SQLite alone never does)', async () => {
    const path = join(storage.dataDir, 'steady.db');
    const setup = new SQLite(path);
    setup.pragma('journal_mode = WAL');
    setup.exec('create table t (x blob)');
    setup.close();
    const limit = 100; // frames (pages of 4 KB)
    const writer = new SqliteWriter({ path, synchronous: 'NORMAL' }, { everyMs: 20, restartFrames: limit });
    const insert = { sql: 'insert into t (x) values (randomblob(3000))', parameters: [] };
    // The WAL header's checkpoint sequence number (bytes 12–15) counts the times it was started over.
    const restarts = () => {
      const header = Buffer.alloc(16);
      const fd = openSync(`${path}-wal`, 'r');
      try {
        readSync(fd, header, 0, 16, 0);
      } finally {
        closeSync(fd);
      }
      return header.readUInt32BE(12);
    };
    await writer.transaction([insert]);
    const before = restarts();
    // Four batches always in flight: no commit ever begins with the WAL wholly copied, which is
    // when SQLite would start it over by itself. Until three restarts, or 10 s (how long a
    // checkpoint's copy and sync take depends on the machine's load).
    let commits = 1;
    let after = before;
    const until = Date.now() + 10_000;
    await Promise.all(
      Array.from({ length: 4 }, async (_, lane) => {
        while (after - before < 3 && Date.now() < until) {
          await writer.transaction([insert]);
          commits++;
          if (lane === 0 && commits % 50 === 0) after = restarts();
        }
      }),
    );
    await writer.close();
    expect(after - before).toBeGreaterThanOrEqual(3);
    // Each commit appends at least one page: the WAL passed its limit many times over meanwhile.
    expect(commits).toBeGreaterThan(3 * limit);
    const check = new SQLite(path);
    expect(check.prepare('select count(*) as n from t').get()).toEqual({ n: commits });
    check.close();
  });

  it('keeps the process alive until close() has stopped the thread', () => {
    // The thread is unreferenced while idle; a script that ends with `await db.close()` used to
    // exit inside the close (unsettled promise) without running the rest.
    const root = join(import.meta.dirname, '..', '..');
    const child = spawnSync('npx', ['tsx', 'test/fixtures/open-close-database.ts', storage.dataDir], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('closed\n');
    expect(child.status).toBe(0);
  });

  it('answers a commit only once its rows can be read from another connection', async () => {
    const db = await openDatabase({ dataDir: storage.dataDir });
    const store = new ConversationStore(db);
    const t = Date.parse('2026-11-23T02:00:00Z');
    for (let i = 0; i < 20; i++) {
      await store.commit(change('seen', i, t));
      const row = await db.db
        .selectFrom('conversations')
        .select('reply_turn')
        .where('id', '=', 'conv-seen')
        .executeTakeFirst();
      expect(row?.reply_turn).toBe(i);
    }
    await db.close();
  });
});

describe('rows kept after a commit (SQLite, writer thread)', () => {
  let storage: ReturnType<typeof freshStorage>;
  beforeEach(() => {
    storage = freshStorage('sqlite');
  });
  afterEach(async () => storage.cleanup());
  const t = Date.parse('2026-11-23T02:00:00Z');

  /** A write through a connection of its own, as another process would make it. */
  function behindTheStore(statement: string): void {
    const other = new SQLite(join(storage.dataDir, 'firstreply.db'));
    other.prepare(statement).run();
    other.close();
  }

  /** What the database holds, read past the store. */
  async function stored(db: Awaited<ReturnType<typeof openDatabase>>, key: string) {
    const customer = await db.db
      .selectFrom('customers')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    const conversation = await db.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', customer!.conversation_id!)
      .executeTakeFirst();
    return { customer, conversation };
  }

  it('serves the next load from memory, exactly as stored', async () => {
    const db = await openDatabase({ dataDir: storage.dataDir });
    const store = new ConversationStore(db);
    await store.commit(change('kept', 3, t));
    const loaded = await store.load('api:kept');
    expect(loaded).toEqual(await stored(db, 'api:kept'));
    expect(Object.isFrozen(loaded.conversation)).toBe(true);
    // Another process writing the file is not seen: the copy came from memory (one process owns it).
    behindTheStore("update conversations set status = 'closed' where id = 'conv-kept'");
    expect((await store.load('api:kept')).conversation?.status).toBe('bot');
    await db.close();
  });

  it('keeps what the database made of the change, not what was sent', async () => {
    const db = await openDatabase({ dataDir: storage.dataDir });
    const store = new ConversationStore(db);
    await store.commit(change('clock', 9, t));
    // A clock that stepped back: the upsert keeps the later last_message_at.
    await store.commit(change('clock', 2, t));
    const loaded = await store.load('api:clock');
    expect(loaded.conversation?.last_message_at).toBe(t + 9);
    expect(loaded.conversation?.reply_turn).toBe(2);
    expect(loaded).toEqual(await stored(db, 'api:clock'));
    await db.close();
  });

  it('reads again after any write to the tables on the main connection', async () => {
    const db = await openDatabase({ dataDir: storage.dataDir });
    const store = new ConversationStore(db);
    await store.commit(change('routed', 1, t));
    await store.commit(change('other', 1, t));
    expect((await store.load('api:routed')).conversation?.status).toBe('bot');
    // Routing takes the chat in a transaction, as routing-store does.
    await db.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('conversations')
        .set({ status: 'assigned' })
        .where('id', '=', 'conv-routed')
        .execute();
    });
    expect((await store.load('api:routed')).conversation?.status).toBe('assigned');
    // A message handled from the older copy: the upsert keeps the assignment, and so does the store.
    await store.commit(change('routed', 2, t));
    expect((await store.load('api:routed')).conversation?.status).toBe('assigned');
    expect(await store.load('api:routed')).toEqual(await stored(db, 'api:routed'));
    // A customer row written elsewhere (an admin marking a VIP) is read again too.
    await db.db.updateTable('customers').set({ vip: 1 }).where('key', '=', 'api:other').execute();
    expect((await store.load('api:other')).customer?.vip).toBe(1);
    await db.close();
  });

  it('keeps a customer’s copy when another chat is written by its id', async () => {
    const db = await openDatabase({ dataDir: storage.dataDir });
    const store = new ConversationStore(db);
    await store.commit(change('mine', 1, t));
    await store.commit(change('theirs', 1, t));
    // Routing assigns the other chat: a one-row update by id, as routing-store writes them.
    await db.db
      .updateTable('conversations')
      .set({ status: 'assigned', agent_id: 'a1' })
      .where('id', '=', 'conv-theirs')
      .where('status', '=', 'bot')
      .execute();
    expect((await store.load('api:theirs')).conversation?.status).toBe('assigned');
    // This customer's copy is still the one in memory: a change behind the store's back stays unseen.
    behindTheStore("update conversations set reply_turn = 99 where id = 'conv-mine'");
    expect((await store.load('api:mine')).conversation?.reply_turn).toBe(1);
    // A write that may touch many chats makes every copy stale.
    await db.db.updateTable('conversations').set({ overdue: 0 }).where('agent_id', '=', 'a1').execute();
    expect((await store.load('api:mine')).conversation?.reply_turn).toBe(99);
    await db.close();
  });

  it('reads again when routing wrote while the batch was committing', async () => {
    const db = await openDatabase({ dataDir: storage.dataDir });
    const store = new ConversationStore(db);
    await store.commit(change('race', 1, t));
    // Routing assigns the chat after the writer thread committed the batch, before its answer is read.
    const writer = db.writer!;
    const send = writer.transaction.bind(writer);
    writer.transaction = (queries) => {
      const answer = send(queries);
      const until = Date.now() + 200;
      while (Date.now() < until); // the thread commits meanwhile
      void db.db
        .updateTable('conversations')
        .set({ status: 'assigned' })
        .where('id', '=', 'conv-race')
        .execute();
      return answer;
    };
    await store.commit(change('race', 2, t));
    writer.transaction = send;
    expect((await store.load('api:race')).conversation?.status).toBe('assigned');
    expect(await store.load('api:race')).toEqual(await stored(db, 'api:race'));
    await db.close();
  });
});
