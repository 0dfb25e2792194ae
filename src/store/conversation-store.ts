import type { Database } from './database';
import { GroupCommitter } from './group-commit';
import { CompiledQuery, type Compilable, type Kysely, type Selectable } from 'kysely';
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

const EVENT_CHUNK = 500; // SQLite allows 32 766 bound values per statement; 12 columns × 500 stays well under.

/** Customers, conversations and the append-only event log, written through one group commit. */
export class ConversationStore {
  private readonly committer: GroupCommitter<ConversationChange>;

  // The reads every message makes, compiled once: building a query is a good part of its cost.
  private readonly hot;

  constructor(private readonly database: Database) {
    this.committer = new GroupCommitter((changes) => this.write(changes));
    this.hot = {
      customer: compiledOnce(
        (db, key: string) => db.selectFrom('customers').selectAll().where('key', '=', key),
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
  }

  async load(customerKey: string): Promise<{ customer?: CustomerRow; conversation?: ConversationRow }> {
    const customer = (await this.database.db.executeQuery(this.hot.customer(customerKey))).rows[0];
    if (!customer?.conversation_id) return { customer };
    return { customer, conversation: await this.conversation(customer.conversation_id) };
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

  private async write(changes: ConversationChange[]): Promise<void> {
    const customers = new Map<string, CustomerRow>();
    const conversations = new Map<string, ConversationRow>();
    const events: NewEvent[] = [];
    for (const c of changes) {
      customers.set(c.customer.key, c.customer);
      conversations.set(c.conversation.id, c.conversation);
      events.push(...c.events);
    }
    await this.database.db.transaction().execute(async (trx) => {
      const customerRows = [...customers.values()];
      for (let i = 0; i < customerRows.length; i += EVENT_CHUNK) {
        await trx
          .insertInto('customers')
          .values(customerRows.slice(i, i + EVENT_CHUNK))
          .onConflict((oc) =>
            oc.column('key').doUpdateSet((eb) => ({
              name: eb.ref('excluded.name'),
              locale: eb.ref('excluded.locale'),
              greeted_day: eb.ref('excluded.greeted_day'),
              away_day: eb.ref('excluded.away_day'),
              conversation_id: eb.ref('excluded.conversation_id'),
            })),
          )
          .execute();
      }
      const conversationRows = [...conversations.values()];
      for (let i = 0; i < conversationRows.length; i += EVENT_CHUNK) {
        await trx
          .insertInto('conversations')
          .values(conversationRows.slice(i, i + EVENT_CHUNK))
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
          )
          .execute();
      }
      for (let i = 0; i < events.length; i += EVENT_CHUNK) {
        await trx
          .insertInto('events')
          .values(events.slice(i, i + EVENT_CHUNK))
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
    });
  }
}
