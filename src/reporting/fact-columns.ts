import type { ConversationFacts } from './conversation-facts';

/**
 * Conversation facts held column by column: one typed array per field for a block of
 * conversations, lists (customer messages, rounds, agents, transfers…) as one flat array each with
 * a start offset per conversation. Nothing per conversation is an object, so a month of ~1 M
 * conversations is a few hundred typed arrays: no garbage collector work to keep it, and tallies
 * that are tight loops (`tallyColumns`). Same content as `ConversationFacts` (see `columnsOf`).
 *
 * Strings (agents, customers, channels, tiers, groups) are numbers from a `StringIds` that the
 * owner keeps for as long as it keeps the columns; a missing string is -1, a missing instant NaN.
 */
export interface FactColumns {
  size: number;
  /** `STATUSES` index. */
  status: Uint8Array;
  events: Int32Array;
  duplicateEvents: Int32Array;
  testAgentEvents: Int32Array;
  customer: Int32Array;
  /** What the service's filters read: the conversation row's channel, tier and group. */
  channel: Int32Array;
  rowTier: Int32Array;
  group: Int32Array;
  /** Agents on any event, test agents included (the `agent` filter). */
  mentionStart: Int32Array;
  mention: Int32Array;
  /** Every customer message, ascending. */
  customerAtStart: Int32Array;
  customerAt: Float64Array;
  // Measured conversations only (others: NaN / -1 / empty lists).
  startAt: Float64Array;
  firstReplyAt: Float64Array;
  firstHumanAt: Float64Array;
  firstHumanAgent: Int32Array;
  handoffAt: Float64Array;
  firstHumanAfterHandoffAt: Float64Array;
  awaitsHuman: Uint8Array;
  tier: Int32Array;
  servingAgent: Int32Array;
  lastAgentAt: Float64Array;
  /** Messages per agent, in the order they first wrote. */
  writerStart: Int32Array;
  writer: Int32Array;
  writerMessages: Int32Array;
  transferStart: Int32Array;
  transferFrom: Int32Array;
  transferTo: Int32Array;
  overdueStart: Int32Array;
  overdueAgent: Int32Array;
  assignStart: Int32Array;
  assignAgent: Int32Array;
  assignedAt: Float64Array;
  reactedAt: Float64Array;
  /** The rounds' customer messages in order; human rounds and bot-credited rounds both cut this list. */
  messageStart: Int32Array;
  message: Float64Array;
  roundStart: Int32Array;
  roundMessages: Int32Array;
  roundAnsweredAt: Float64Array;
  roundAgent: Int32Array;
  /** Bot-credited rounds where they differ from the human ones (`hasPlatformRounds`), else empty. */
  hasPlatformRounds: Uint8Array;
  platformStart: Int32Array;
  platformMessages: Int32Array;
  platformAnsweredAt: Float64Array;
}

export const STATUSES = ['measured', 'spam', 'test', 'noCustomer'] as const;

/** Every column's name and array type, in a fixed order (what a codec writes). */
export const COLUMN_TYPES = {
  status: Uint8Array,
  events: Int32Array,
  duplicateEvents: Int32Array,
  testAgentEvents: Int32Array,
  customer: Int32Array,
  channel: Int32Array,
  rowTier: Int32Array,
  group: Int32Array,
  mentionStart: Int32Array,
  mention: Int32Array,
  customerAtStart: Int32Array,
  customerAt: Float64Array,
  startAt: Float64Array,
  firstReplyAt: Float64Array,
  firstHumanAt: Float64Array,
  firstHumanAgent: Int32Array,
  handoffAt: Float64Array,
  firstHumanAfterHandoffAt: Float64Array,
  awaitsHuman: Uint8Array,
  tier: Int32Array,
  servingAgent: Int32Array,
  lastAgentAt: Float64Array,
  writerStart: Int32Array,
  writer: Int32Array,
  writerMessages: Int32Array,
  transferStart: Int32Array,
  transferFrom: Int32Array,
  transferTo: Int32Array,
  overdueStart: Int32Array,
  overdueAgent: Int32Array,
  assignStart: Int32Array,
  assignAgent: Int32Array,
  assignedAt: Float64Array,
  reactedAt: Float64Array,
  messageStart: Int32Array,
  message: Float64Array,
  roundStart: Int32Array,
  roundMessages: Int32Array,
  roundAnsweredAt: Float64Array,
  roundAgent: Int32Array,
  hasPlatformRounds: Uint8Array,
  platformStart: Int32Array,
  platformMessages: Int32Array,
  platformAnsweredAt: Float64Array,
} as const;

export type ColumnName = keyof typeof COLUMN_TYPES;
/** Columns holding string ids (remapped when columns move from one `StringIds` to another). */
export const STRING_COLUMNS: readonly ColumnName[] = [
  'customer',
  'channel',
  'rowTier',
  'group',
  'mention',
  'firstHumanAgent',
  'tier',
  'servingAgent',
  'writer',
  'transferFrom',
  'transferTo',
  'overdueAgent',
  'assignAgent',
  'roundAgent',
];

/** Strings as dense numbers, for as long as the columns using them live. */
export class StringIds {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  id(s: string | null): number {
    if (s === null) return -1;
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(s);
      this.ids.set(s, i);
    }
    return i;
  }

  /** The id of a string seen before, or -1. */
  find(s: string): number {
    return this.ids.get(s) ?? -1;
  }

  name(i: number): string | null {
    return i < 0 ? null : this.names[i]!;
  }

  get size(): number {
    return this.names.length;
  }
}

/** A conversation's facts with what the service's filters read (as `SettledConversation` stores them). */
export interface FactsWithFilters {
  facts: ConversationFacts;
  channel: string;
  rowTier: string | null;
  group: string | null;
  mentions: readonly string[];
}

/** Growable typed array, trimmed at the end. */
class Grow<T extends Float64Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2 + 16);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

const f64 = (n = 0) => new Grow(new Float64Array(n), (k) => new Float64Array(k));
const i32 = (n = 0) => new Grow(new Int32Array(n), (k) => new Int32Array(k));
const u8 = (n = 0) => new Grow(new Uint8Array(n), (k) => new Uint8Array(k));
const time = (t: number | null) => (t === null ? Number.NaN : t);

/** Facts → columns, strings numbered by `ids`. */
export function columnsOf(list: readonly FactsWithFilters[], ids: StringIds): FactColumns {
  const n = list.length;
  const g = {
    status: u8(n),
    events: i32(n),
    duplicateEvents: i32(n),
    testAgentEvents: i32(n),
    customer: i32(n),
    channel: i32(n),
    rowTier: i32(n),
    group: i32(n),
    mentionStart: i32(n + 1),
    mention: i32(),
    customerAtStart: i32(n + 1),
    customerAt: f64(),
    startAt: f64(n),
    firstReplyAt: f64(n),
    firstHumanAt: f64(n),
    firstHumanAgent: i32(n),
    handoffAt: f64(n),
    firstHumanAfterHandoffAt: f64(n),
    awaitsHuman: u8(n),
    tier: i32(n),
    servingAgent: i32(n),
    lastAgentAt: f64(n),
    writerStart: i32(n + 1),
    writer: i32(),
    writerMessages: i32(),
    transferStart: i32(n + 1),
    transferFrom: i32(),
    transferTo: i32(),
    overdueStart: i32(n + 1),
    overdueAgent: i32(),
    assignStart: i32(n + 1),
    assignAgent: i32(),
    assignedAt: f64(),
    reactedAt: f64(),
    messageStart: i32(n + 1),
    message: f64(),
    roundStart: i32(n + 1),
    roundMessages: i32(),
    roundAnsweredAt: f64(),
    roundAgent: i32(),
    hasPlatformRounds: u8(n),
    platformStart: i32(n + 1),
    platformMessages: i32(),
    platformAnsweredAt: f64(),
  };
  const starts = () => {
    g.mentionStart.push(g.mention.length);
    g.customerAtStart.push(g.customerAt.length);
    g.writerStart.push(g.writer.length);
    g.transferStart.push(g.transferFrom.length);
    g.overdueStart.push(g.overdueAgent.length);
    g.assignStart.push(g.assignAgent.length);
    g.messageStart.push(g.message.length);
    g.roundStart.push(g.roundMessages.length);
    g.platformStart.push(g.platformMessages.length);
  };
  starts();
  for (const x of list) {
    const f = x.facts;
    g.status.push(STATUSES.indexOf(f.status));
    g.events.push(f.events);
    g.duplicateEvents.push(f.duplicateEvents);
    g.testAgentEvents.push(f.testAgentEvents);
    g.customer.push(ids.id(f.customerId));
    g.channel.push(ids.id(x.channel));
    g.rowTier.push(ids.id(x.rowTier));
    g.group.push(ids.id(x.group));
    for (const a of x.mentions) g.mention.push(ids.id(a));
    for (const at of f.customerAts) g.customerAt.push(at);
    const m = f.measured;
    g.startAt.push(time(m?.first.startAt ?? null));
    g.firstReplyAt.push(time(m?.first.firstReplyAt ?? null));
    g.firstHumanAt.push(time(m?.first.firstHumanAt ?? null));
    g.firstHumanAgent.push(ids.id(m?.first.firstHumanAgentId ?? null));
    g.handoffAt.push(time(m?.first.handoffAt ?? null));
    g.firstHumanAfterHandoffAt.push(time(m?.first.firstHumanAfterHandoffAt ?? null));
    g.awaitsHuman.push(m?.first.awaitsHuman ? 1 : 0);
    g.tier.push(ids.id(m?.tier ?? null));
    g.servingAgent.push(ids.id(m?.servingAgentId ?? null));
    g.lastAgentAt.push(time(m?.lastAgentAt ?? null));
    g.hasPlatformRounds.push(m?.platformRounds ? 1 : 0);
    if (m) {
      for (const [agentId, messages] of m.agentMessages) {
        g.writer.push(ids.id(agentId));
        g.writerMessages.push(messages);
      }
      for (const t of m.transfers) {
        g.transferFrom.push(ids.id(t.from));
        g.transferTo.push(ids.id(t.to));
      }
      for (const a of m.overdue) g.overdueAgent.push(ids.id(a));
      for (const a of m.assignments) {
        g.assignAgent.push(ids.id(a.agentId));
        g.assignedAt.push(a.assignedAt);
        g.reactedAt.push(time(a.reactedAt));
      }
      for (const r of m.rounds) {
        for (const at of r.messageAts) g.message.push(at);
        g.roundMessages.push(r.messageAts.length);
        g.roundAnsweredAt.push(time(r.answeredAt));
        g.roundAgent.push(ids.id(r.agentId));
      }
      for (const r of m.platformRounds ?? []) {
        g.platformMessages.push(r.messageAts.length);
        g.platformAnsweredAt.push(time(r.answeredAt));
      }
    }
    starts();
  }
  const out = { size: n } as FactColumns;
  for (const name of Object.keys(COLUMN_TYPES) as ColumnName[])
    (out as unknown as Record<string, unknown>)[name] = g[name].done();
  return out;
}

/** Conversations of a block to read: all of them, or the rows listed (ascending). */
export interface ColumnPart {
  columns: FactColumns;
  rows: Int32Array | null;
}

/** Whether row `i` has a customer message in `[from, to)` (the service's period rule). */
export function rowHasCustomerMessageIn(c: FactColumns, i: number, from: number, to: number): boolean {
  for (let k = c.customerAtStart[i]!, end = c.customerAtStart[i + 1]!; k < end; k++) {
    const at = c.customerAt[k]!;
    if (at >= from && at < to) return true;
  }
  return false;
}
