import { sql } from 'kysely';
import { newId } from '../shared/ids';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../store/database';
import type { AgentsTable, AgentStatus, ConversationsTable, EventsTable, Tables } from '../store/tables';
import type { AgentView } from './pick-agent';

/** Chats counted ahead of a new one at most (see queuePosition). */
export const QUEUE_COUNT_CAP = 500;

export type AgentRow = Selectable<AgentsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
type Db = Kysely<Tables> | Transaction<Tables>;

export interface Deadlines {
  overdueAt: number | null;
  transferAt: number | null;
}

export function toAgentView(a: AgentRow): AgentView {
  return {
    id: a.id,
    name: a.name,
    level: a.level,
    rank: a.rank,
    cap: a.cap,
    groups: JSON.parse(a.groups) as string[],
    test: a.test === 1,
    status: a.status,
    active: a.active_count,
    lastAssignedAt: a.last_assigned_at,
  };
}

const rows = (r: { numUpdatedRows: bigint } | undefined) => Number(r?.numUpdatedRows ?? 0n);

/**
 * Every routing change is one transaction of conditional updates: the agent's slot is reserved
 * (`active_count < cap`) and the chat claimed (`status = 'waiting'`) together, or nothing happens.
 * That holds with any number of server processes on one PostgreSQL database.
 */
export type LoggedEvent = Omit<EventsTable, 'seq'>;

export class RoutingStore {
  /** Called with the events of every committed routing step (the live hub listens here). */
  onCommitted: (events: LoggedEvent[]) => void = () => {};

  constructor(readonly database: Database) {}

  /** Runs one routing step in a transaction; its events are announced only once it committed. */
  private async step<T>(body: (trx: Transaction<Tables>, log: LoggedEvent[]) => Promise<T>): Promise<T> {
    const log: LoggedEvent[] = [];
    const result = await this.database.db.transaction().execute((trx) => body(trx, log));
    if (log.length) this.onCommitted(log);
    return result;
  }

  /** Logs an event outside any other change (auto-away, forced status…). */
  async logEvent(
    chat: Pick<ConversationRow, 'id' | 'customer_key' | 'channel'>,
    type: string,
    at: number,
    agentId: string | null,
    data: unknown,
    text: string | null = null,
  ) {
    return this.step(async (trx, log) => {
      log.push(await insertEvent(trx, chat, type, at, agentId, data, text));
    });
  }

  private get db() {
    return this.database.db;
  }

  async agents(): Promise<AgentRow[]> {
    return this.db.selectFrom('agents').selectAll().orderBy('id').execute();
  }

  async agent(id: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async agentByLogin(login: string): Promise<AgentRow | undefined> {
    return this.db.selectFrom('agents').selectAll().where('login', '=', login).executeTakeFirst();
  }

  async conversation(id: string): Promise<ConversationRow | undefined> {
    return this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The waiting chats in queue order (oldest queue key first). */
  async queue(limit: number): Promise<ConversationRow[]> {
    return (
      this.db
        .selectFrom('conversations')
        .selectAll()
        // A literal, not a parameter: only then can the planners use the partial queue index.
        .where('status', '=', sql.lit('waiting'))
        .orderBy('queue_key')
        .orderBy('id')
        .limit(limit)
        .execute()
    );
  }

  async queueLength(): Promise<number> {
    const r = await this.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', sql.lit('waiting'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * 1-based place in the queue of a waiting chat, counting at most `cap` chats ahead (counting is
   * linear in the queue; past a few hundred the exact figure tells a customer nothing more).
   */
  async queuePosition(queueKey: number, id: string, cap = QUEUE_COUNT_CAP): Promise<number> {
    const ahead = this.db
      .selectFrom('conversations')
      .select(sql.lit(1).as('one'))
      .where('status', '=', sql.lit('waiting'))
      .where((eb) =>
        eb.or([eb('queue_key', '<', queueKey), eb.and([eb('queue_key', '=', queueKey), eb('id', '<', id)])]),
      )
      .limit(cap);
    const r = await this.db
      .selectFrom(ahead.as('ahead'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n) + 1;
  }

  async agentChats(agentId: string): Promise<ConversationRow[]> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('agent_id', '=', agentId)
      .where('status', '=', sql.lit('assigned'))
      .orderBy('assigned_at')
      .execute();
  }

  async lastAgentOf(customerKey: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('customers')
      .select('last_agent_id')
      .where('key', '=', customerKey)
      .executeTakeFirst();
    return r?.last_agent_id ?? null;
  }

  /** Reserve the agent's slot and claim the waiting chat, atomically. False when either is gone. */
  async claim(
    chat: ConversationRow,
    agentId: string,
    now: number,
    due: Deadlines,
    explanation: unknown,
  ): Promise<boolean> {
    return this.step(async (trx, log) => {
      const reserved = await trx
        .updateTable('agents')
        .set((eb) => ({ active_count: eb('active_count', '+', 1), last_assigned_at: now }))
        .where('id', '=', agentId)
        .where('status', '=', 'online')
        .where((eb) => eb('active_count', '<', eb.ref('cap')))
        .executeTakeFirst();
      if (!rows(reserved)) return false;
      const claimed = await trx
        .updateTable('conversations')
        .set({
          status: 'assigned',
          agent_id: agentId,
          assigned_at: now,
          overdue_due_at: due.overdueAt,
          transfer_due_at: due.transferAt,
          overdue: 0,
          on_hold: 0,
          hold_due_at: null,
        })
        .where('id', '=', chat.id)
        .where('status', '=', 'waiting')
        .executeTakeFirst();
      if (!rows(claimed)) throw new ClaimLost(); // rolls the reservation back
      await trx
        .updateTable('customers')
        .set({ last_agent_id: agentId })
        .where('key', '=', chat.customer_key)
        .execute();
      log.push(await insertEvent(trx, chat, 'conversation.assigned', now, agentId, explanation));
      return true;
    }).catch((e: unknown) => {
      if (e instanceof ClaimLost) return false;
      throw e;
    });
  }

  /**
   * Move an assigned chat from one agent to another: the new slot is reserved, the chat re-pointed
   * only if it is still the old agent's, the old slot released. `excludeOld` marks the old agent as
   * one who let the chat go overdue.
   */
  async transfer(
    chat: ConversationRow,
    from: string,
    to: string,
    now: number,
    due: Deadlines,
    detail: { kind: 'auto' | 'manual'; note?: string; excludeOld: boolean; explanation?: unknown },
  ): Promise<boolean> {
    return this.step(async (trx, log) => {
      const reserved = await trx
        .updateTable('agents')
        .set((eb) => ({ active_count: eb('active_count', '+', 1), last_assigned_at: now }))
        .where('id', '=', to)
        .where('status', '=', 'online')
        .where((eb) => eb('active_count', '<', eb.ref('cap')))
        .executeTakeFirst();
      if (!rows(reserved)) return false;
      const excluded = new Set<string>(JSON.parse(chat.excluded_agents ?? '[]') as string[]);
      if (detail.excludeOld) excluded.add(from);
      const moved = await trx
        .updateTable('conversations')
        .set((eb) => ({
          agent_id: to,
          assigned_at: now,
          hops: detail.kind === 'auto' ? eb('hops', '+', 1) : eb.ref('hops'),
          excluded_agents: JSON.stringify([...excluded]),
          overdue_due_at: due.overdueAt,
          transfer_due_at: due.transferAt,
          overdue: 0,
        }))
        .where('id', '=', chat.id)
        .where('status', '=', 'assigned')
        .where('agent_id', '=', from)
        .executeTakeFirst();
      if (!rows(moved)) throw new ClaimLost();
      if (!chat.on_hold) await releaseSlot(trx, from);
      await trx
        .updateTable('customers')
        .set({ last_agent_id: to })
        .where('key', '=', chat.customer_key)
        .execute();
      log.push(
        await insertEvent(
          trx,
          chat,
          'conversation.transferred',
          now,
          to,
          { from, to, ...detail },
          detail.note ?? null,
        ),
      );
      return true;
    }).catch((e: unknown) => {
      if (e instanceof ClaimLost) return false;
      throw e;
    });
  }

  /** Take the chat off an agent and put it at the head of the queue (agent gone offline/invisible). */
  async requeue(chat: ConversationRow, now: number, reason: string): Promise<boolean> {
    return this.step(async (trx, log) => {
      const r = await trx
        .updateTable('conversations')
        .set({
          status: 'waiting',
          agent_id: null,
          // Back to the head: older than anything queued normally.
          queue_key: (chat.queue_key ?? now) - 365 * 24 * 3600 * 1000,
          overdue_due_at: null,
          transfer_due_at: null,
          hold_due_at: null,
          on_hold: 0,
        })
        .where('id', '=', chat.id)
        .where('status', '=', 'assigned')
        .where('agent_id', '=', chat.agent_id)
        .executeTakeFirst();
      if (!rows(r)) return false;
      if (!chat.on_hold && chat.agent_id) await releaseSlot(trx, chat.agent_id);
      log.push(await insertEvent(trx, chat, 'conversation.requeued', now, chat.agent_id, { reason }));
      return true;
    });
  }

  async close(chat: ConversationRow, agentId: string, now: number): Promise<boolean> {
    return this.step(async (trx, log) => {
      const r = await trx
        .updateTable('conversations')
        .set({
          status: 'closed',
          closed_at: now,
          overdue_due_at: null,
          transfer_due_at: null,
          hold_due_at: null,
        })
        .where('id', '=', chat.id)
        .where('status', '=', 'assigned')
        .where('agent_id', '=', agentId)
        .executeTakeFirst();
      if (!rows(r)) return false;
      if (!chat.on_hold) await releaseSlot(trx, agentId);
      log.push(await insertEvent(trx, chat, 'conversation.closed', now, agentId, null));
      return true;
    });
  }

  /** Flag the chat overdue once; the agent joins its never-again list. Returns the agent's overdue run. */
  async markOverdue(chat: ConversationRow, now: number): Promise<number | undefined> {
    return this.step(async (trx, log) => {
      const excluded = new Set<string>(JSON.parse(chat.excluded_agents ?? '[]') as string[]);
      if (chat.agent_id) excluded.add(chat.agent_id);
      const r = await trx
        .updateTable('conversations')
        .set({ overdue: 1, overdue_due_at: null, excluded_agents: JSON.stringify([...excluded]) })
        .where('id', '=', chat.id)
        .where('status', '=', 'assigned')
        .where('overdue', '=', 0)
        .where('agent_id', '=', chat.agent_id)
        .where('overdue_due_at', '<=', now)
        .executeTakeFirst();
      if (!rows(r) || !chat.agent_id) return undefined;
      await trx
        .updateTable('agents')
        .set((eb) => ({ overdue_in_row: eb('overdue_in_row', '+', 1) }))
        .where('id', '=', chat.agent_id)
        .execute();
      log.push(
        await insertEvent(trx, chat, 'conversation.overdue', now, chat.agent_id, {
          awaitingSince: chat.awaiting_since,
          tier: chat.tier,
        }),
      );
      const a = await trx
        .selectFrom('agents')
        .select('overdue_in_row')
        .where('id', '=', chat.agent_id)
        .executeTakeFirst();
      return a?.overdue_in_row;
    });
  }

  /** The chat has waited on the customer long enough: free the agent's slot. */
  async hold(chat: ConversationRow, now: number): Promise<boolean> {
    return this.step(async (trx, log) => {
      const r = await trx
        .updateTable('conversations')
        .set({ on_hold: 1, hold_due_at: null })
        .where('id', '=', chat.id)
        .where('status', '=', 'assigned')
        .where('on_hold', '=', 0)
        .where('hold_due_at', '<=', now)
        .executeTakeFirst();
      if (!rows(r) || !chat.agent_id) return false;
      await releaseSlot(trx, chat.agent_id);
      log.push(await insertEvent(trx, chat, 'conversation.on_hold', now, chat.agent_id, null));
      return true;
    });
  }

  /** The customer wrote again: the chat takes its slot back, even over the cap (the agent keeps it). */
  async unhold(chatId: string, now: number): Promise<boolean> {
    return this.step(async (trx, log) => {
      const chat = await trx
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', chatId)
        .executeTakeFirst();
      if (!chat?.agent_id) return false;
      const r = await trx
        .updateTable('conversations')
        .set({ on_hold: 0 })
        .where('id', '=', chatId)
        .where('status', '=', 'assigned')
        .where('on_hold', '=', 1)
        .executeTakeFirst();
      if (!rows(r)) return false;
      await trx
        .updateTable('agents')
        .set((eb) => ({ active_count: eb('active_count', '+', 1) }))
        .where('id', '=', chat.agent_id)
        .execute();
      log.push(await insertEvent(trx, chat, 'conversation.resumed', now, chat.agent_id, null));
      return true;
    });
  }

  async postponeTransfer(chatId: string, at: number | null): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ transfer_due_at: at })
      .where('id', '=', chatId)
      .execute();
  }

  async setStatus(agentId: string, status: AgentStatus, now: number): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ status, status_changed_at: now })
      .where('id', '=', agentId)
      .execute();
  }

  /** Chats whose deadline (overdue, transfer, hold) has passed. */
  async due(
    now: number,
    limit = 200,
  ): Promise<{ overdue: ConversationRow[]; transfer: ConversationRow[]; hold: ConversationRow[] }> {
    const base = () => this.db.selectFrom('conversations').selectAll().where('status', '=', 'assigned');
    const [overdue, transfer, hold] = await Promise.all([
      base().where('overdue', '=', 0).where('overdue_due_at', '<=', now).limit(limit).execute(),
      base().where('transfer_due_at', '<=', now).limit(limit).execute(),
      base().where('on_hold', '=', 0).where('hold_due_at', '<=', now).limit(limit).execute(),
    ]);
    return { overdue, transfer, hold };
  }

  /** The earliest deadline still ahead, to set the next timer. */
  async nextDeadline(): Promise<number | null> {
    const r = await this.db
      .selectFrom('conversations')
      .select((eb) => [
        eb.fn.min('overdue_due_at').as('o'),
        eb.fn.min('transfer_due_at').as('t'),
        eb.fn.min('hold_due_at').as('h'),
      ])
      .where('status', '=', 'assigned')
      .executeTakeFirst();
    const all = [r?.o, r?.t, r?.h].filter((x): x is number => x !== null && x !== undefined).map(Number);
    return all.length ? Math.min(...all) : null;
  }

  /** Counters back in line with the chats that really hold a slot. Returns how many agents drifted. */
  async recount(): Promise<number> {
    const counts = await this.db
      .selectFrom('conversations')
      .select(['agent_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'assigned')
      .where('on_hold', '=', 0)
      .groupBy('agent_id')
      .execute();
    const byAgent = new Map(counts.map((c) => [c.agent_id, Number(c.n)]));
    let drifted = 0;
    for (const a of await this.agents()) {
      const real = byAgent.get(a.id) ?? 0;
      if (real !== a.active_count) {
        drifted++;
        await this.db.updateTable('agents').set({ active_count: real }).where('id', '=', a.id).execute();
      }
    }
    return drifted;
  }
}

class ClaimLost extends Error {}

async function releaseSlot(trx: Db, agentId: string): Promise<void> {
  await trx
    .updateTable('agents')
    .set((eb) => ({ active_count: eb('active_count', '-', 1) }))
    .where('id', '=', agentId)
    .where('active_count', '>', 0)
    .execute();
}

export async function insertEvent(
  db: Db,
  chat: Pick<ConversationRow, 'id' | 'customer_key' | 'channel'>,
  type: string,
  at: number,
  agentId: string | null,
  data: unknown,
  text: string | null = null,
): Promise<Omit<EventsTable, 'seq'>> {
  const row = {
    id: newId(),
    conversation_id: chat.id,
    customer_key: chat.customer_key,
    channel: chat.channel,
    type,
    actor: (type === 'agent.replied' ? 'agent' : 'system') as EventsTable['actor'],
    agent_id: agentId,
    at,
    platform_at: null,
    intent: null,
    text,
    data: data === null ? null : JSON.stringify(data),
  };
  await db.insertInto('events').values(row).execute();
  return row;
}
