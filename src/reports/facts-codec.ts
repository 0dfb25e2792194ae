import type { ConversationFacts, MeasuredFacts, RoundFacts } from '../reporting/conversation-facts';

/**
 * A settled conversation as stored: the engine's facts plus what the report's filters read before
 * the engine (channel, the row's tier and group, every agent named on an event).
 */
export interface SettledConversation {
  facts: ConversationFacts;
  channel: string;
  rowTier: string | null;
  group: string | null;
  /** Agents on any event (sender, assignee, transfer source), test agents included: the `agent` filter. */
  mentions: string[];
}

/**
 * Block encoding: JSON of tuples, not objects — `{v, s, c}` with `s` a table of the strings that
 * repeat (agents, customers, channels, tiers, groups) and `c` one array per conversation whose
 * instants are offsets in ms from its first customer message. Parsing a tuple of small numbers is
 * several times cheaper than an object with 13-digit times and repeated keys (see docs/decisions.md).
 */
const VERSION = 1;
const STATUS = ['measured', 'spam', 'test', 'noCustomer'] as const;

interface Block {
  v: number;
  s: string[];
  c: unknown[][];
}

export function encodeSettled(list: readonly SettledConversation[]): string {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string | null): number | null => {
    if (s === null) return null;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const rows = list.map((x) => {
    const f = x.facts;
    const base = f.customerAts[0] ?? 0;
    const rel = (t: number | null) => (t === null ? null : t - base);
    const m = f.measured;
    let customerAts: number[] | 0 = f.customerAts.map((t) => t - base);
    let measured: unknown[] | 0 = 0;
    if (m !== null) {
      const messages = m.rounds.flatMap((r) => r.messageAts);
      // The rounds hold every customer message: store them once.
      if (sameNumbers(messages, f.customerAts)) customerAts = 0;
      measured = [
        rel(m.first.startAt),
        rel(m.first.firstReplyAt),
        rel(m.first.firstHumanAt),
        str(m.first.firstHumanAgentId),
        rel(m.first.handoffAt),
        rel(m.first.firstHumanAfterHandoffAt),
        m.first.awaitsHuman ? 1 : 0,
        str(m.tier),
        m.agentMessages.flatMap(([a, n]) => [str(a), n]),
        str(m.servingAgentId),
        m.transfers.flatMap((t) => [str(t.from), str(t.to)]),
        m.overdue.map(str),
        m.assignments.flatMap((a) => [str(a.agentId), rel(a.assignedAt), rel(a.reactedAt)]),
        rel(m.lastAgentAt),
        messages.map((t) => t - base),
        m.rounds.flatMap((r) => [r.messageAts.length, rel(r.answeredAt), str(r.agentId)]),
        m.platformRounds === null
          ? 0
          : m.platformRounds.flatMap((r) => [r.messageAts.length, rel(r.answeredAt)]),
      ];
    }
    return [
      f.id,
      str(f.customerId),
      STATUS.indexOf(f.status),
      f.events,
      f.duplicateEvents,
      f.testAgentEvents,
      str(x.channel),
      str(x.rowTier),
      str(x.group),
      x.mentions.map(str),
      base,
      customerAts,
      measured,
    ];
  });
  const block: Block = { v: VERSION, s: strings, c: rows };
  return JSON.stringify(block);
}

export function decodeSettled(text: string): SettledConversation[] {
  const block = JSON.parse(text) as Block;
  if (block.v !== VERSION) throw new Error(`settled facts: unknown block version ${block.v}`);
  const s = block.s;
  const out: SettledConversation[] = new Array(block.c.length);
  for (let k = 0; k < block.c.length; k++) out[k] = decodeOne(block.c[k]!, s);
  return out;
}

const at = (base: number, t: unknown): number | null => (t === null ? null : base + (t as number));
const name = (s: string[], i: unknown): string | null => (i === null ? null : s[i as number]!);

function decodeOne(r: unknown[], s: string[]): SettledConversation {
  const base = r[10] as number;
  const m = r[12] as unknown[] | 0;
  let measured: MeasuredFacts | null = null;
  let customerAts: number[];
  if (m === 0) {
    customerAts = shift(r[11] as number[], base);
  } else {
    const messages = shift(m[14] as number[], base);
    customerAts = r[11] === 0 ? messages : shift(r[11] as number[], base);
    const am = m[8] as number[];
    const agentMessages: [string, number][] = new Array(am.length / 2);
    for (let i = 0; i < am.length; i += 2) agentMessages[i / 2] = [s[am[i]!]!, am[i + 1]!];
    const tr = m[10] as (number | null)[];
    const transfers: MeasuredFacts['transfers'] = new Array(tr.length / 2);
    for (let i = 0; i < tr.length; i += 2) transfers[i / 2] = { from: name(s, tr[i]), to: s[tr[i + 1]!]! };
    const as = m[12] as (number | null)[];
    const assignments: MeasuredFacts['assignments'] = new Array(as.length / 3);
    for (let i = 0; i < as.length; i += 3)
      assignments[i / 3] = {
        agentId: s[as[i]!]!,
        assignedAt: base + as[i + 1]!,
        reactedAt: at(base, as[i + 2]),
      };
    const od = m[11] as (number | null)[];
    const overdue: (string | null)[] = new Array(od.length);
    for (let i = 0; i < od.length; i++) overdue[i] = name(s, od[i]);
    const pr = m[16] as (number | null)[] | 0;
    measured = {
      first: {
        startAt: base + (m[0] as number),
        firstReplyAt: at(base, m[1]),
        firstHumanAt: at(base, m[2]),
        firstHumanAgentId: name(s, m[3]),
        handoffAt: at(base, m[4]),
        firstHumanAfterHandoffAt: at(base, m[5]),
        awaitsHuman: m[6] === 1,
      },
      tier: name(s, m[7]),
      agentMessages,
      servingAgentId: name(s, m[9]),
      transfers,
      overdue,
      assignments,
      lastAgentAt: at(base, m[13]),
      rounds: rounds(messages, m[15] as (number | null)[], 3, base, s),
      platformRounds: pr === 0 ? null : rounds(messages, pr, 2, base, s),
    };
  }
  const mentionIds = r[9] as number[];
  const mentions: string[] = new Array(mentionIds.length);
  for (let i = 0; i < mentionIds.length; i++) mentions[i] = s[mentionIds[i]!]!;
  return {
    facts: {
      id: r[0] as string,
      customerId: s[r[1] as number]!,
      status: STATUS[r[2] as number]!,
      events: r[3] as number,
      duplicateEvents: r[4] as number,
      testAgentEvents: r[5] as number,
      customerAts,
      measured,
    },
    channel: s[r[6] as number]!,
    rowTier: name(s, r[7]),
    group: name(s, r[8]),
    mentions,
  };
}

/** Offsets → instants, in place (the parsed array is ours). */
function shift(offsets: number[], base: number): number[] {
  for (let i = 0; i < offsets.length; i++) offsets[i]! += base;
  return offsets;
}

/** Rounds from the message list and `[count, answeredAt, agent?]` per round. */
function rounds(
  messages: number[],
  flat: (number | null)[],
  width: 2 | 3,
  base: number,
  s: string[],
): RoundFacts[] {
  const out: RoundFacts[] = new Array(flat.length / width);
  let next = 0;
  for (let i = 0; i < flat.length; i += width) {
    const count = flat[i]!;
    // One message (the usual round) needs no copy of the list.
    const messageAts = count === 1 ? [messages[next]!] : messages.slice(next, next + count);
    next += count;
    out[i / width] = {
      startAt: messageAts[0]!,
      messageAts,
      answeredAt: at(base, flat[i + 1]),
      agentId: width === 3 ? name(s, flat[i + 2]) : null,
    };
  }
  return out;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
