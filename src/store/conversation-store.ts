import type { Database } from './database';
import { GroupCommitter } from './group-commit';
import { CompiledQuery, type Compilable, type Kysely, type Selectable } from 'kysely';
import { LRUCache } from 'lru-cache';
import { newConversation, newCustomer } from './rows';
import type { Statement } from './sqlite-writer';
import type { ConversationsTable, CustomersTable, EventsTable, Tables } from './tables';

export type CustomerRow = CustomersTable;
export type ConversationRow = ConversationsTable;
export type NewEvent = Omit<EventsTable, 'seq'>;
export type EventRow = Selectable<EventsTable>;

/** What one handled message changes: full new rows (last write wins) plus the events it logs. */
export interface ConversationChange {
  customer: CustomerRow;
  conversation: ConversationRow;
  events: NewEvent[];
}

/** A customer and their current conversation as stored. Read-only: they may be the kept copies. */
export interface Loaded {
  customer?: Readonly<CustomerRow>;
  conversation?: Readonly<ConversationRow>;
}

/** Customers whose rows are kept in memory: more than a shop has in conversation at once. */
const KEPT_CUSTOMERS = 20_000;

/** Write counts (`WriteWatch`) of a batch's rows when it was sent, in the order of its rows. */
interface SentCounts {
  version: number;
  customers: number[];
  conversations: number[];
}

/** A kept copy and the write counts of its rows when their batch was sent. */
interface Kept {
  rows: Loaded & { customer: Readonly<CustomerRow> };
  at: { version: number; customer: number; conversation: number };
}

/** A one-parameter query compiled on first use; later calls only swap the parameter. */
function compiledOnce<P, R>(
  build: (db: Kysely<Tables>, param: P) => Compilable<R>,
  database: Database,
): (param: P) => CompiledQuery<R> {
  let sqlText: string | undefined;
  return (param) => {
    sqlText ??= build(database.db, param).compile().sql;
    return CompiledQuery.raw(sqlText, [param]) as CompiledQuery<R>;
  };
}

/**
 * A one-row statement compiled once. Compiling with a sentinel in every column tells where each
 * column's value sits among the parameters (other parameters, e.g. literals in an ON CONFLICT
 * clause, stay as compiled), so later calls only swap the row's values in.
 */
function compiledRow<R extends object>(
  build: (row: R) => Compilable<unknown>,
  shape: R,
): (row: R) => Statement {
  let compiled: { sql: string; parameters: readonly unknown[]; slots: [keyof R, number][] } | undefined;
  const prepare = () => {
    const columns = Object.keys(shape) as (keyof R)[];
    const sentinel = Object.fromEntries(columns.map((c) => [c, `\u0000${String(c)}`])) as R;
    const { sql, parameters } = build(sentinel).compile();
    const slots = columns.map((c): [keyof R, number] => {
      const at = parameters.indexOf(`\u0000${String(c)}`);
      if (at < 0 || parameters.indexOf(`\u0000${String(c)}`, at + 1) >= 0)
        throw new Error(`compiled row statement: column ${String(c)} must appear once`);
      return [c, at];
    });
    return { sql, parameters, slots };
  };
  return (row) => {
    compiled ??= prepare();
    const parameters = compiled.parameters.slice();
    for (const [column, at] of compiled.slots) parameters[at] = row[column] ?? null;
    // Plain: the writer thread needs only these two (kysely's CompiledQuery also builds a node tree).
    return { sql: compiled.sql, parameters };
  };
}

const CUSTOMER_COLUMNS = Object.keys(newCustomer('', '', '', 0)) as (keyof CustomerRow)[];
const CONVERSATION_COLUMNS = Object.keys(newConversation('', '', '', 0)) as (keyof ConversationRow)[];

/** The stored row's values, each taken from `sent` where equal (same value, older object). */
function merge<R>(stored: Record<string, unknown>, sent: object, columns: readonly string[]): R {
  const mine = sent as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const value = stored[c];
    out[c] = value === mine[c] ? mine[c] : value;
  }
  return out as R;
}

function pick<R>(row: Record<string, unknown>, columns: readonly string[], prefix: string): R {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = row[prefix + c];
  return out as R;
}

const EVENT_CHUNK = 500; // SQLite allows 32 766 bound values per statement; 12 columns × 500 stays well under.

/** Customers, conversations and the append-only event log, written through one group commit. */
export class ConversationStore {
  private readonly committer: GroupCommitter<ConversationChange>;

  // The reads every message makes, compiled once: building a query is a good part of its cost.
  private readonly hot;
  // The writes of the group commit on SQLite, compiled once (PostgreSQL batches rows instead).
  private readonly upsert;
  /**
   * The rows of recent customers as their last commit left them, so that the next message reads
   * nothing. Only with the writer thread, where this process writes them: any other statement on
   * the two tables runs on the main connection, and its `WriteWatch` version makes every copy stale.
   */
  private readonly kept: LRUCache<string, Kept> | undefined;

  constructor(private readonly database: Database) {
    const keep = database.writer !== undefined && database.watch !== undefined;
    if (keep) this.kept = new LRUCache({ max: KEPT_CUSTOMERS });
    this.committer = new GroupCommitter((changes) => this.write(changes));
    this.hot = {
      customerWithConversation: compiledOnce(
        (db, key: string) =>
          db
            .selectFrom('customers')
            .leftJoin('conversations as v', 'v.id', 'customers.conversation_id')
            .selectAll('customers')
            // Conversation columns get a prefix: both tables have a `channel`.
            .select(CONVERSATION_COLUMNS.map((c) => `v.${c} as v_${c}` as const))
            .where('customers.key', '=', key),
        database,
      ),
      conversation: compiledOnce(
        (db, id: string) => db.selectFrom('conversations').selectAll().where('id', '=', id),
        database,
      ),
      event: compiledOnce(
        (db, id: string) => db.selectFrom('events').select('id').where('id', '=', id),
        database,
      ),
    };
    this.upsert = {
      // With copies kept, the writer thread sends back the rows as stored (RETURNING).
      customer: compiledRow<CustomerRow>(
        (row) => {
          const q = upsertCustomers(database.db, [row]);
          return keep ? q.returningAll() : q;
        },
        newCustomer('', '', '', 0),
      ),
      conversation: compiledRow<ConversationRow>(
        (row) => {
          const q = upsertConversations(database.db, [row]);
          return keep ? q.returningAll() : q;
        },
        newConversation('', '', '', 0),
      ),
      event: compiledRow<NewEvent>((row) => insertEvents(database.db, [row]), {
        id: '',
        conversation_id: '',
        customer_key: '',
        channel: '',
        type: '',
        actor: 'system',
        agent_id: null,
        at: 0,
        platform_at: null,
        intent: null,
        text: null,
        data: null,
      }),
    };
  }

  /** The customer and their current conversation: the kept copy while current, else one statement. */
  async load(customerKey: string): Promise<Loaded> {
    const copy = this.kept?.get(customerKey);
    if (copy && this.current(copy)) return copy.rows;
    const query = this.hot.customerWithConversation(customerKey);
    const row = (await this.database.db.executeQuery(query)).rows[0] as Record<string, unknown> | undefined;
    if (!row) return {};
    const customer = pick<CustomerRow>(row, CUSTOMER_COLUMNS, '');
    if (row.v_id === null) return { customer };
    return { customer, conversation: pick<ConversationRow>(row, CONVERSATION_COLUMNS, 'v_') };
  }

  async conversation(id: string): Promise<ConversationRow | undefined> {
    return (await this.database.db.executeQuery(this.hot.conversation(id))).rows[0];
  }

  async eventExists(id: string): Promise<boolean> {
    const r = await this.database.db
      .selectFrom('events')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** The conversation's events in log order (oldest first), at most `limit` of the newest. */
  async history(conversationId: string, limit = 200): Promise<EventRow[]> {
    const rows = await this.database.db
      .selectFrom('events')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse();
  }

  /** Resolves once the change is committed: only then may the channel be told the message is handled. */
  commit(change: ConversationChange): Promise<void> {
    return this.committer.submit(change);
  }

  flushed(): Promise<void> {
    return this.committer.flushed();
  }

  /** Nothing wrote the copy's rows since their batch was sent (see `WriteWatch`). */
  private current(copy: Kept): boolean {
    const watch = this.database.watch!;
    return (
      copy.at.version === watch.version &&
      copy.at.customer === watch.rowVersion('customers', copy.rows.customer.key) &&
      (copy.rows.conversation === undefined ||
        copy.at.conversation === watch.rowVersion('conversations', copy.rows.conversation.id))
    );
  }

  /** The write counts of a batch's rows as it is sent: its copies are current while they hold. */
  private countsOf(rows: { customers: CustomerRow[]; conversations: ConversationRow[] }): SentCounts {
    const watch = this.database.watch!;
    return {
      version: watch.version,
      customers: rows.customers.map((c) => watch.rowVersion('customers', c.key)),
      conversations: rows.conversations.map((c) => watch.rowVersion('conversations', c.id)),
    };
  }

  /**
   * Keeps the committed rows (`returned`: the customers' first, then the conversations', in the
   * order sent). A value equal to the one sent is taken from the sent row: the thread's copies are
   * fresh strings that would all outlive the next young-generation GC, while the sent ones are
   * mostly the previous copy's, already old.
   */
  private keepRows(
    returned: unknown[],
    rows: { customers: CustomerRow[]; conversations: ConversationRow[] },
    sent: SentCounts,
  ): void {
    const customerCount = rows.customers.length;
    const conversations = new Map<string, { row: ConversationRow; count: number }>();
    for (let i = customerCount; i < returned.length; i++) {
      const j = i - customerCount;
      const row = Object.freeze(
        merge<ConversationRow>(
          returned[i] as Record<string, unknown>,
          rows.conversations[j]!,
          CONVERSATION_COLUMNS,
        ),
      );
      conversations.set(row.id, { row, count: sent.conversations[j]! });
    }
    for (let i = 0; i < customerCount; i++) {
      const customer = Object.freeze(
        merge<CustomerRow>(returned[i] as Record<string, unknown>, rows.customers[i]!, CUSTOMER_COLUMNS),
      );
      const conversation =
        customer.conversation_id === null ? undefined : conversations.get(customer.conversation_id);
      // A customer whose conversation was not in the batch is read next time.
      if (customer.conversation_id !== null && !conversation) this.kept!.delete(customer.key);
      else
        this.kept!.set(customer.key, {
          rows: conversation ? { customer, conversation: conversation.row } : { customer },
          at: {
            version: sent.version,
            customer: sent.customers[i]!,
            conversation: conversation?.count ?? 0,
          },
        });
    }
  }

  private async write(changes: ConversationChange[]): Promise<void> {
    const customers = new Map<string, CustomerRow>();
    const conversations = new Map<string, ConversationRow>();
    const events: NewEvent[] = [];
    for (const c of changes) {
      customers.set(c.customer.key, c.customer);
      conversations.set(c.conversation.id, c.conversation);
      for (const e of c.events) events.push(e);
    }
    const rows = { customers: [...customers.values()], conversations: [...conversations.values()], events };
    const { writer } = this.database;
    if (writer) {
      // The rows as committed are current as long as no statement on the main connection may
      // have written them since the batch was sent: they carry the write counts of that moment.
      const sent = this.kept ? this.countsOf(rows) : undefined;
      const statements: Statement[] = [];
      for (const row of rows.customers) statements.push(this.upsert.customer(row));
      for (const row of rows.conversations) statements.push(this.upsert.conversation(row));
      for (const row of rows.events) statements.push(this.upsert.event(row));
      const returned = await writer.transaction(statements);
      if (sent) this.keepRows(returned, rows, sent);
      return;
    }
    await this.database.db.transaction().execute(async (trx) => {
      if (this.database.dialect === 'sqlite') {
        // In-process SQLite: one cached statement per row costs microseconds, while building a
        // multi-row query with Kysely cost more than running it (≈ 60 µs a message).
        const run = (q: Statement) => trx.executeQuery(CompiledQuery.raw(q.sql, q.parameters as unknown[]));
        for (const row of rows.customers) await run(this.upsert.customer(row));
        for (const row of rows.conversations) await run(this.upsert.conversation(row));
        for (const row of rows.events) await run(this.upsert.event(row));
        return;
      }
      // PostgreSQL: a round trip per statement costs more than building it, so rows go in batches.
      for (let i = 0; i < rows.customers.length; i += EVENT_CHUNK)
        await trx.executeQuery(upsertCustomers(trx, rows.customers.slice(i, i + EVENT_CHUNK)));
      for (let i = 0; i < rows.conversations.length; i += EVENT_CHUNK)
        await trx.executeQuery(upsertConversations(trx, rows.conversations.slice(i, i + EVENT_CHUNK)));
      for (let i = 0; i < rows.events.length; i += EVENT_CHUNK)
        await trx.executeQuery(insertEvents(trx, rows.events.slice(i, i + EVENT_CHUNK)));
    });
  }
}

type QueryBuilder = Pick<Kysely<Tables>, 'insertInto'>;

function upsertCustomers(db: QueryBuilder, rows: CustomerRow[]) {
  return db
    .insertInto('customers')
    .values(rows)
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        locale: eb.ref('excluded.locale'),
        greeted_day: eb.ref('excluded.greeted_day'),
        away_day: eb.ref('excluded.away_day'),
        conversation_id: eb.ref('excluded.conversation_id'),
      })),
    );
}

function upsertConversations(db: QueryBuilder, rows: ConversationRow[]) {
  return db
    .insertInto('conversations')
    .values(rows)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => {
        // The message path owns only some fields; routing changes the rest with conditional
        // updates, so a snapshot taken before an assignment must not undo it.
        const fromBot = <C extends 'status' | 'grp' | 'queued_at' | 'queue_key'>(col: C) =>
          eb
            .case()
            .when('conversations.status', '=', 'bot')
            .then(eb.ref(`excluded.${col}`))
            .else(eb.ref(`conversations.${col}`))
            .end();
        const keepEarlier = <
          C extends 'handoff_at' | 'awaiting_since' | 'overdue_due_at' | 'transfer_due_at',
        >(
          col: C,
        ) => eb.fn.coalesce(eb.ref(`conversations.${col}`), eb.ref(`excluded.${col}`));
        return {
          status: fromBot('status'),
          grp: fromBot('grp'),
          queued_at: fromBot('queued_at'),
          queue_key: fromBot('queue_key'),
          tier: eb.ref('excluded.tier'),
          intent: eb.ref('excluded.intent'),
          last_message_at: eb
            .case()
            .when('excluded.last_message_at', '>', eb.ref('conversations.last_message_at'))
            .then(eb.ref('excluded.last_message_at'))
            .else(eb.ref('conversations.last_message_at'))
            .end(),
          last_customer_at: eb.ref('excluded.last_customer_at'),
          handoff_at: keepEarlier('handoff_at'),
          handoff_notice_at: eb.ref('excluded.handoff_notice_at'),
          reply_turn: eb.ref('excluded.reply_turn'),
          awaiting_since: keepEarlier('awaiting_since'),
          overdue_due_at: keepEarlier('overdue_due_at'),
          transfer_due_at: keepEarlier('transfer_due_at'),
          // The customer wrote: the chat no longer waits on them.
          hold_due_at: eb.ref('excluded.hold_due_at'),
        };
      }),
    );
}

function insertEvents(db: QueryBuilder, rows: NewEvent[]) {
  return db
    .insertInto('events')
    .values(rows)
    .onConflict((oc) => oc.column('id').doNothing());
}
