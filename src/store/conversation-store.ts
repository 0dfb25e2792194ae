import type { Database } from './database';
import { GroupCommitter } from './group-commit';
import type { Selectable } from 'kysely';
import type { ConversationsTable, CustomersTable, EventsTable } from './tables';

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

const EVENT_CHUNK = 500; // SQLite allows 32 766 bound values per statement; 12 columns × 500 stays well under.

/** Customers, conversations and the append-only event log, written through one group commit. */
export class ConversationStore {
  private readonly committer: GroupCommitter<ConversationChange>;

  constructor(private readonly database: Database) {
    this.committer = new GroupCommitter((changes) => this.write(changes));
  }

  async load(customerKey: string): Promise<{ customer?: CustomerRow; conversation?: ConversationRow }> {
    const customer = await this.database.db
      .selectFrom('customers')
      .selectAll()
      .where('key', '=', customerKey)
      .executeTakeFirst();
    if (!customer?.conversation_id) return { customer };
    return { customer, conversation: await this.conversation(customer.conversation_id) };
  }

  async conversation(id: string): Promise<ConversationRow | undefined> {
    return this.database.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
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
