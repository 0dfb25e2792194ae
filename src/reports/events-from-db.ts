import { existsSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { compareEvents } from '../reporting/conversations';
import { type ReportEvent, UNKNOWN_AGENT } from '../reporting/report-event';
import { type SpamRules, spamCheck } from '../shop/settings';
import type { Database } from '../store/database';
import type { Pacer } from './pacer';
import { type ReportDb, reportDb } from './report-tables';

/**
 * The database event log → the engine's `ReportEvent`. One mapping for the summary reports and the
 * live tally, so both measure exactly what `npm run report` measures on an imported log.
 *
 * | events.type                 | ReportEvent                                                    |
 * |-----------------------------|----------------------------------------------------------------|
 * | message.received            | message from customer                                          |
 * | bot.replied                 | message from bot (greeting, template, hand-off, away, queue)   |
 * | agent.replied               | message from agent `agent_id`                                  |
 * | conversation.handoff        | handoff                                                        |
 * | conversation.assigned       | assigned to `agent_id`                                         |
 * | conversation.transferred    | transfer to `agent_id`, from `data.from`; a transfer to a group |
 * |                             | becomes a transfer to whoever is assigned next (see below)     |
 * | conversation.overdue        | overdue, charged to `agent_id`                                 |
 * | conversation.closed         | closed                                                         |
 *
 * Not mapped: `customer.notified` (a system notice, not a reply), `conversation.requeued`,
 * `on_hold`, `resumed`, `delivery.failed`, agent status events and alerts (no conversation).
 * The tier comes from the conversation row (the tier routing filed it under, last one wins);
 * spam from the manual flag, else the shop's spam rules applied to the customer's messages.
 */
export const MAPPED_TYPES = [
  'message.received',
  'bot.replied',
  'agent.replied',
  'conversation.handoff',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.overdue',
  'conversation.closed',
] as const;
const MAPPED = new Set<string>(MAPPED_TYPES);

/** Whether an event type is measured (see the table above). */
export const isMapped = (type: string): boolean => MAPPED.has(type);

/** The columns of an event row the mapping reads (`data` only of transfers, `text` only of customer messages). */
export interface EventRowLite {
  seq?: number;
  conversation_id: string;
  customer_key: string;
  channel: string;
  type: string;
  agent_id: string | null;
  at: number;
  data: string | null;
  text: string | null;
}

/** A conversation with its events mapped, before the engine sees it. */
export interface LoadedConversation {
  id: string;
  customerKey: string;
  channel: string;
  events: ReportEvent[];
  /** Transfers to a group: resolved against the next assignment when the conversation is finished. */
  groupTransfers?: { at: number; from: string | null }[];
  /** A customer message tripped the spam rules (texts are checked as they are read). */
  ruleSpam: boolean;
  /** From the conversation row. */
  tier: string | null;
  status: string | null;
  startedAt: number | null;
  closedAt: number | null;
  lastMessageAt: number | null;
  group: string | null;
  /** Manual flag: true/false overrides the rule; undefined = not flagged. */
  manualSpam: boolean | undefined;
}

export function newLoadedConversation(
  row: Pick<EventRowLite, 'conversation_id' | 'customer_key' | 'channel'>,
): LoadedConversation {
  return {
    id: row.conversation_id,
    customerKey: row.customer_key,
    channel: row.channel,
    events: [],
    ruleSpam: false,
    tier: null,
    status: null,
    startedAt: null,
    closedAt: null,
    lastMessageAt: null,
    group: null,
    manualSpam: undefined,
  };
}

const agentIds = new Map<string, string>();
/** Agent ids repeat millions of times in a big log: keep one string per agent. */
function intern(id: string): string {
  let s = agentIds.get(id);
  if (s === undefined) {
    if (agentIds.size > 100_000) agentIds.clear();
    agentIds.set(id, id);
    s = id;
  }
  return s;
}

/**
 * Adds one row to its conversation. `withIds` keeps `seq` as the event id (the live tally reads
 * the same event twice around its start; the engine then counts it once). Returns false for rows
 * that are not measured.
 */
export function addRow(
  conversation: LoadedConversation,
  row: EventRowLite,
  spamRules?: SpamRules,
  withIds = false,
): boolean {
  return addEvent(
    conversation,
    row.type,
    row.agent_id,
    Number(row.at),
    row.data,
    row.text,
    withIds && row.seq !== undefined ? String(row.seq) : undefined,
    spamRules,
  );
}

/** The mapping itself, on positional values (the bulk scan reads rows as arrays). */
export function addEvent(
  c: LoadedConversation,
  type: string,
  agentId: string | null,
  at: number,
  data: string | null,
  text: string | null,
  eventId: string | undefined,
  spamRules: SpamRules | undefined,
): boolean {
  const conversationId = c.id;
  const customerId = c.customerKey;
  let e: ReportEvent;
  switch (type) {
    case 'message.received':
      e = { conversationId, customerId, at, from: 'customer' };
      if (spamRules && text && spamCheck(text, spamRules).length > 0) c.ruleSpam = true;
      break;
    case 'bot.replied':
      e = { conversationId, customerId, at, from: 'bot' };
      break;
    case 'agent.replied':
      e = {
        conversationId,
        customerId,
        at,
        from: 'agent',
        agentId: agentId === null ? UNKNOWN_AGENT : intern(agentId),
      };
      break;
    case 'conversation.handoff':
      e = { conversationId, customerId, at, kind: 'handoff' };
      break;
    case 'conversation.assigned':
      if (agentId === null) return false;
      e = { conversationId, customerId, at, kind: 'assigned', agentId: intern(agentId) };
      break;
    case 'conversation.transferred': {
      const d = parseData(data);
      const from = typeof d.from === 'string' ? intern(d.from) : null;
      if (typeof d.group === 'string' && d.to === undefined) {
        // To a group: `agent_id` is whoever did it, not a receiver. The chat went back to the queue;
        // the next assignment is where it really went.
        if (!c.groupTransfers) c.groupTransfers = [];
        c.groupTransfers.push({ at, from });
        return true;
      }
      const to = typeof d.to === 'string' ? intern(d.to) : agentId === null ? undefined : intern(agentId);
      if (to === undefined) return false;
      e = from
        ? { conversationId, customerId, at, kind: 'transfer', agentId: to, fromAgentId: from }
        : { conversationId, customerId, at, kind: 'transfer', agentId: to };
      break;
    }
    case 'conversation.overdue':
      e =
        agentId === null
          ? { conversationId, customerId, at, kind: 'overdue' }
          : { conversationId, customerId, at, kind: 'overdue', agentId: intern(agentId) };
      break;
    case 'conversation.closed':
      e = { conversationId, customerId, at, kind: 'closed' };
      break;
    default:
      return false;
  }
  if (eventId !== undefined) e.eventId = eventId;
  c.events.push(e);
  return true;
}

function parseData(data: string | null): Record<string, unknown> {
  if (!data) return {};
  try {
    const v = JSON.parse(data) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Whether the conversation is out of every figure as spam: the manual flag wins over the rule. */
export function isSpam(c: Pick<LoadedConversation, 'manualSpam' | 'ruleSpam'>): boolean {
  return c.manualSpam ?? c.ruleSpam;
}

/**
 * The conversation's events as the engine reads them: a transfer to a group becomes a transfer
 * from the agent who gave it up to the agent assigned next (a group transfer never picked up counts
 * no transfer: it had no receiver); the tier goes on the first event; spam removes it.
 */
export function finishEvents(c: LoadedConversation): ReportEvent[] {
  let events = c.events;
  if (c.groupTransfers?.length) {
    events = [...events].sort(compareEvents);
    for (const g of c.groupTransfers) {
      const i = events.findIndex((e) => e.kind === 'assigned' && e.at >= g.at);
      const next = events[i];
      if (!next || next.agentId === undefined) continue;
      events[i] = {
        conversationId: next.conversationId,
        customerId: next.customerId,
        at: next.at,
        kind: 'transfer',
        agentId: next.agentId,
        ...(next.eventId !== undefined ? { eventId: next.eventId } : {}),
        ...(g.from ? { fromAgentId: g.from } : {}),
      };
    }
  }
  if (events.length === 0) return events;
  const extra = { ...(c.tier ? { tier: c.tier } : {}), ...(isSpam(c) ? { spam: true } : {}) };
  if (Object.keys(extra).length === 0) return events;
  if (events === c.events) events = [...events];
  events[0] = { ...events[0]!, ...extra };
  return events;
}

export interface LoadOptions {
  /** Period `[from, to)`: conversations with a customer message inside it are loaded, whole. */
  from: number;
  to: number;
  /** Spam rules to check customer texts against (none: texts are not even read). */
  spamRules?: SpamRules | undefined;
  /** Keep `seq` as event ids (live tally). */
  withIds?: boolean;
  /** Rows per time-window query (memory bound); default 6 h of events per query. */
  chunkMs?: number;
  /** Lets the event loop in between rows (a month is millions); none: one stretch. */
  pacer?: Pacer;
}

export interface LoadStats {
  rowsScanned: number;
  headFetched: number;
  tailFetched: number;
  queries: number;
}

/** Context read around the period with one range scan; conversations reaching further are read by id. */
const MARGIN_MS = 2 * 3_600_000;
const ID_CHUNK = 500;

export function rulesActive(rules: SpamRules | undefined): SpamRules | undefined {
  return rules && (rules.keywords.length > 0 || rules.patterns.length > 0 || rules.maxLinks > 0)
    ? rules
    : undefined;
}

function eventColumns(db: ReportDb, withText: boolean) {
  return db
    .selectFrom('events')
    .select(['seq', 'conversation_id', 'customer_key', 'channel', 'type', 'agent_id', 'at'])
    .select(sql<string | null>`case when type = 'conversation.transferred' then data end`.as('data'))
    .select(
      withText
        ? sql<string | null>`case when type = 'message.received' then text end`.as('text')
        : sql<null>`null`.as('text'),
    );
}

/** An event row as the bulk scan reads it. */
type RawRow = [
  conversationId: string,
  customerKey: string,
  channel: string,
  type: string,
  agentId: string | null,
  at: number,
  data: string | null,
  text: string | null,
  seq: number,
];

/**
 * Bulk reads as arrays, not objects: a month is millions of rows. SQLite through a second
 * connection on the same file (better-sqlite3's raw iterator: rows are mapped as they are read);
 * PostgreSQL with `rowMode: 'array'`; anything else through Kysely.
 */
interface RowSource {
  /** `where` uses `?` placeholders; they are renumbered for PostgreSQL. */
  scan(
    where: string,
    params: readonly unknown[],
    withText: boolean,
    each: (row: RawRow) => void,
    pacer?: Pacer,
  ): Promise<number>;
  close(): void;
}

const TYPE_LIST = MAPPED_TYPES.map((t) => `'${t}'`).join(', ');
const selectRaw = (withText: boolean) =>
  `SELECT conversation_id, customer_key, channel, type, agent_id, at,
     CASE WHEN type = 'conversation.transferred' THEN data END,
     ${withText ? "CASE WHEN type = 'message.received' THEN text END" : 'NULL'}, seq
   FROM events WHERE type IN (${TYPE_LIST}) AND `;

function rowSource(database: Database): RowSource {
  if (database.dialect === 'sqlite' && existsSync(database.where)) {
    const raw = new SQLite(database.where, { fileMustExist: true });
    raw.pragma('busy_timeout = 5000');
    const statements = new Map<string, SQLite.Statement>();
    return {
      async scan(where, params, withText, each, pacer) {
        const text = selectRaw(withText) + where;
        let stmt = statements.get(text);
        if (!stmt) {
          stmt = raw.prepare(text).raw(true);
          statements.set(text, stmt);
        }
        let n = 0;
        // The iterator stays open across turns: this connection is the scan's own, read-only.
        for (const row of stmt.iterate(...params) as IterableIterator<RawRow>) {
          each(row);
          n++;
          if (pacer?.due()) await pacer.turn();
        }
        return n;
      },
      close: () => raw.close(),
    };
  }
  if (database.dialect === 'postgres' && database.pg) {
    const pool = database.pg.pool;
    return {
      async scan(where, params, withText, each, pacer) {
        let i = 0;
        const text = selectRaw(withText) + where.replace(/\?/g, () => `$${++i}`);
        const r = await pool.query<RawRow>({ text, values: [...params], rowMode: 'array' });
        for (const row of r.rows) {
          row[5] = Number(row[5]);
          each(row);
          if (pacer?.due()) await pacer.turn();
        }
        return r.rows.length;
      },
      close: () => undefined,
    };
  }
  throw new Error(`reports cannot read a ${database.dialect} database at ${database.where}`);
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * Every conversation with a customer message in `[from, to)`, with **all** its events: the figures
 * are anchored at customer messages, and events outside the period are context (was this the
 * first message? when was it answered?), so a conversation is never cut at the period's edge.
 *
 * One range scan on `events.at` covers the period ± 2 h; conversations that started earlier are
 * completed by id (`events_conversation` index), and so are those that may have events after the
 * scan: every one not closed (or, with the bot only, not quiet) before the scan ends.
 */
export async function loadConversations(
  database: Database,
  options: LoadOptions,
): Promise<{ conversations: Map<string, LoadedConversation>; stats: LoadStats }> {
  const db = reportDb(database);
  const { from, to } = options;
  const spamRules = rulesActive(options.spamRules);
  const withText = spamRules !== undefined;
  const withIds = options.withIds ?? false;
  const pacer = options.pacer;
  const lo = from - MARGIN_MS;
  const hi = to + MARGIN_MS;
  const chunk = options.chunkMs ?? 6 * 3_600_000;
  const stats: LoadStats = { rowsScanned: 0, headFetched: 0, tailFetched: 0, queries: 0 };
  const source = rowSource(database);
  try {
    const all = new Map<string, LoadedConversation>();
    const asked = new Set<string>();
    const add = (c: LoadedConversation, r: RawRow) =>
      addEvent(c, r[3], r[4], r[5], r[6], r[7], withIds ? String(r[8]) : undefined, spamRules);
    for (let a = lo; a < hi; a += chunk) {
      const b = Math.min(hi, a + chunk);
      stats.queries++;
      stats.rowsScanned += await source.scan(
        'at >= ? AND at < ?',
        [a, b],
        withText,
        (r) => {
          let c = all.get(r[0]);
          if (c === undefined) {
            c = newLoadedConversation({ conversation_id: r[0], customer_key: r[1], channel: r[2] });
            all.set(r[0], c);
          }
          add(c, r);
          if (r[3] === 'message.received' && r[5] >= from && r[5] < to) asked.add(r[0]);
        },
        pacer,
      );
    }
    const conversations = new Map<string, LoadedConversation>();
    for (const id of asked) {
      conversations.set(id, all.get(id)!);
      if (pacer?.due()) await pacer.turn();
    }
    all.clear();

    // Conversation rows: one range on started_at for most, by id for the few that started earlier.
    const apply = (r: ConversationRowLite) => {
      const c = conversations.get(r.id);
      if (c) applyConversationRow(c, r);
    };
    for (let a = lo; a < to; a += chunk) {
      const rows = await conversationColumns(db)
        .where('started_at', '>=', a)
        .where('started_at', '<', Math.min(to, a + chunk))
        .execute();
      stats.queries++;
      for (const r of rows) {
        apply(r);
        if (pacer?.due()) await pacer.turn();
      }
    }
    // Those without their row yet (a row always has `started_at`).
    const early: string[] = [];
    for (const c of conversations.values()) {
      if (c.startedAt === null) early.push(c.id);
      if (pacer?.due()) await pacer.turn();
    }
    for (let i = 0; i < early.length; i += ID_CHUNK) {
      const rows = await conversationColumns(db)
        .where('id', 'in', early.slice(i, i + ID_CHUNK))
        .execute();
      stats.queries++;
      for (const r of rows) apply(r);
      if (pacer?.due()) await pacer.turn();
    }

    // Head: events before the scan of conversations that started before it.
    const head: string[] = [];
    const tail: string[] = [];
    for (const c of conversations.values()) {
      if (c.startedAt === null || c.startedAt < lo) head.push(c.id);
      if (pacer?.due()) await pacer.turn();
    }
    stats.headFetched = head.length;
    for (let i = 0; i < head.length; i += ID_CHUNK) {
      const ids = head.slice(i, i + ID_CHUNK);
      stats.queries++;
      await source.scan(
        `conversation_id IN (${placeholders(ids.length)}) AND at < ?`,
        [...ids, lo],
        withText,
        (r) => add(conversations.get(r[0])!, r),
        pacer,
      );
      // A chunk may match no row at all: a turn between chunks too.
      if (pacer?.due()) await pacer.turn();
    }

    // Tail: events after the scan of conversations that may still have had some.
    for (const c of conversations.values()) {
      if (mayContinueAfter(c, hi)) tail.push(c.id);
      if (pacer?.due()) await pacer.turn();
    }
    stats.tailFetched = tail.length;
    for (let i = 0; i < tail.length; i += ID_CHUNK) {
      const ids = tail.slice(i, i + ID_CHUNK);
      stats.queries++;
      await source.scan(
        `conversation_id IN (${placeholders(ids.length)}) AND at >= ?`,
        [...ids, hi],
        withText,
        (r) => add(conversations.get(r[0])!, r),
        pacer,
      );
      // Most of these chunks match no row (the conversation ended before the scan's end): a turn
      // between chunks, not only between rows (a month is ~2 000 such queries, ~1 s).
      if (pacer?.due()) await pacer.turn();
    }

    await applyManualFlags(db, conversations);
    return { conversations, stats };
  } finally {
    source.close();
  }
}

/**
 * Whether a conversation can have events at or after `hi`. Closed before it: no (a customer writing
 * after the close starts a new conversation, and agents cannot write to a closed one). With the bot
 * only and quiet for a minute before it: no (every bot-phase event moves `last_message_at`).
 */
function mayContinueAfter(c: LoadedConversation, hi: number): boolean {
  if (c.status === 'closed' && c.closedAt !== null) return c.closedAt >= hi;
  if (c.status === 'bot' && c.lastMessageAt !== null) return c.lastMessageAt >= hi - 60_000;
  return true;
}

function applyConversationRow(c: LoadedConversation, r: ConversationRowLite): void {
  c.tier = r.tier;
  c.status = r.status;
  c.startedAt = Number(r.started_at);
  c.closedAt = r.closed_at === null ? null : Number(r.closed_at);
  c.lastMessageAt = Number(r.last_message_at);
  c.group = r.grp;
}

interface ConversationRowLite {
  id: string;
  tier: string | null;
  status: string;
  started_at: number;
  last_message_at: number;
  closed_at: number | null;
  grp: string | null;
}

function conversationColumns(db: ReportDb) {
  return db
    .selectFrom('conversations')
    .select(['id', 'tier', 'status', 'started_at', 'last_message_at', 'closed_at', 'grp']);
}

/**
 * Manual spam flags. Flags are few (a supervisor sets each one by hand), so all are read; a flag on a
 * conversation outside the set is ignored.
 */
export async function applyManualFlags(
  db: ReportDb,
  conversations: Map<string, LoadedConversation>,
): Promise<void> {
  const flags = await db.selectFrom('report_flags').select(['conversation_id', 'spam']).execute();
  for (const f of flags) {
    const c = conversations.get(f.conversation_id);
    if (c) c.manualSpam = Number(f.spam) === 1;
  }
}

/** Events of conversations by id (all of them), for the live tally when a conversation turns up. */
export async function loadConversationsById(
  database: Database,
  ids: readonly string[],
  spamRules: SpamRules | undefined,
  withIds: boolean,
): Promise<Map<string, LoadedConversation>> {
  const rules = rulesActive(spamRules);
  const db = reportDb(database);
  const out = new Map<string, LoadedConversation>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const slice = ids.slice(i, i + ID_CHUNK);
    const rows = await eventColumns(db, rules !== undefined)
      .where('conversation_id', 'in', slice)
      .where('type', 'in', MAPPED_TYPES)
      .execute();
    for (const row of rows) {
      let c = out.get(row.conversation_id);
      if (c === undefined) {
        c = newLoadedConversation(row);
        out.set(row.conversation_id, c);
      }
      addRow(c, row, rules, withIds);
    }
    const convRows = await conversationColumns(db).where('id', 'in', slice).execute();
    for (const r of convRows) {
      const c = out.get(r.id);
      if (c) applyConversationRow(c, r);
    }
  }
  return out;
}

export { eventColumns };

/**
 * Conversations by id, whole, with their rows and manual flags: what `loadConversations` gives for
 * them, read through the `events_conversation` index (settling, and the not-yet-settled ones a
 * report needs besides the settled facts).
 */
export async function loadConversationsWhole(
  database: Database,
  ids: readonly string[],
  spamRules: SpamRules | undefined,
  pacer?: Pacer,
): Promise<Map<string, LoadedConversation>> {
  const db = reportDb(database);
  const rules = rulesActive(spamRules);
  const source = rowSource(database);
  const out = new Map<string, LoadedConversation>();
  try {
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const slice = ids.slice(i, i + ID_CHUNK);
      await source.scan(
        `conversation_id IN (${placeholders(slice.length)})`,
        slice,
        rules !== undefined,
        (r) => {
          let c = out.get(r[0]);
          if (c === undefined) {
            c = newLoadedConversation({ conversation_id: r[0], customer_key: r[1], channel: r[2] });
            out.set(r[0], c);
          }
          addEvent(c, r[3], r[4], r[5], r[6], r[7], undefined, rules);
        },
        pacer,
      );
      for (const r of await conversationColumns(db).where('id', 'in', slice).execute()) {
        const c = out.get(r.id);
        if (c) applyConversationRow(c, r);
      }
      // Settling reads a day this way in the background: let requests in between chunks.
      await (pacer ? pacer.turn() : yieldToLoop());
    }
  } finally {
    source.close();
  }
  await applyManualFlags(db, out);
  return out;
}

/** Ids and start of the conversations whose row says they started in `[from, to)`. */
export async function conversationsStartedIn(
  database: Database,
  from: number,
  to: number,
): Promise<{ id: string; startedAt: number }[]> {
  const rows = await reportDb(database)
    .selectFrom('conversations')
    .select(['id', 'started_at'])
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .execute();
  return rows.map((r) => ({ id: r.id, startedAt: Number(r.started_at) }));
}
