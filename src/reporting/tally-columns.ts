import { type AgentAccumulator, addAssignment, addOverdue, addServed, addTransfer } from './agents';
import type { AgentSums } from './average-response';
import type { Report } from './build-report';
import { addFirstTo, addReplyTo, type TierSlot } from './compliance';
import type { ColumnPart, FactColumns, StringIds } from './fact-columns';
import { handleTimeAt } from './handle-time';
import type { AgentOnlineInterval } from './report-event';
import { type ReportOptionsInput, resolveReportOptions } from './report-options';
import { ReportTallies } from './report-tallies';
import { finish, ROWS_PER_STEP, type Steps } from './steps';
import { DAY_MS, HOUR_MS } from './time-zone';

/**
 * `tallyFacts` over columnar facts: the same accumulators fed in the same order from typed arrays,
 * without an object per conversation, round or message. Gives exactly what `tallyFacts` gives over
 * the same facts (test/reporting/tally-columns.test.ts checks it under many options).
 */
export function tallyColumns(
  parts: readonly ColumnPart[],
  ids: StringIds,
  testAgents: readonly string[],
  optionsInput: ReportOptionsInput,
  presence?: readonly AgentOnlineInterval[],
): Report {
  return finish(tallyColumnsSteps(parts, ids, testAgents, optionsInput, presence));
}

/** `tallyColumns` in steps of `ROWS_PER_STEP` rows, then the figures in steps (`ReportTallies.reportSteps`). */
export function* tallyColumnsSteps(
  parts: readonly ColumnPart[],
  ids: StringIds,
  testAgents: readonly string[],
  optionsInput: ReportOptionsInput,
  presence?: readonly AgentOnlineInterval[],
): Steps<Report> {
  let rows = 0;
  for (const part of parts) rows += part.rows === null ? part.columns.size : part.rows.length;
  const tally = new ColumnTally(ids, testAgents, optionsInput, rows);
  for (const part of parts) {
    const n = part.rows === null ? part.columns.size : part.rows.length;
    for (let k = 0; k < n; k += ROWS_PER_STEP) {
      tally.add(part, k, Math.min(n, k + ROWS_PER_STEP));
      yield;
    }
  }
  return yield* tally.tallies.reportSteps(presence);
}

/** How a tier string counts: its compliance counters, or unknown (counted per conversation as such). */
interface TierRef {
  known: boolean;
  slot: TierSlot | undefined;
  name: string | null;
}

/** What a string id stands for in this report, resolved on first use (see `ColumnTally.ref`). */
interface Ref {
  /** As an agent: their counters (null: none, a test agent; undefined: not asked yet). */
  agent: AgentAccumulator | null | undefined;
  /** As the agent of an answered round: their reply sums. */
  sums: AgentSums | undefined;
  tier: TierRef | undefined;
}

const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;

/**
 * The columnar tally of one report, fed a slice of a part at a time (`add`). Agents and tiers are
 * resolved once per string id into plain references, every instant stays a number (NaN for none),
 * durations go into typed arrays: the loop looks nothing up by name and allocates nothing per row.
 */
export class ColumnTally {
  readonly tallies: ReportTallies;
  private readonly names: readonly string[];
  /**
   * String id → index in `refs` + 1 (0: not resolved yet), in pages allocated on first use: the
   * ids looked up (agents, tiers) are few and mostly numbered early, customers (most ids) never.
   */
  private readonly pages: (Int32Array | undefined)[] = [];
  private readonly refs: Ref[] = [];
  private nullTier: TierRef | undefined;
  private lastTierId = Number.NaN;
  private lastTier: TierRef | undefined;
  private readonly from: number;
  private readonly to: number;
  private readonly creditBotReplies: boolean;

  /** `rows`: how many rows will be added, when known (room for their durations). */
  constructor(ids: StringIds, testAgents: readonly string[], optionsInput: ReportOptionsInput, rows = 0) {
    // Customers are numbered below `ids.size` when the tally starts: every part was built before.
    this.tallies = new ReportTallies(resolveReportOptions(optionsInput), testAgents, ids.size, rows);
    this.names = ids.names;
    this.from = this.tallies.period.from ?? Number.NEGATIVE_INFINITY;
    this.to = this.tallies.period.to ?? Number.POSITIVE_INFINITY;
    this.creditBotReplies = this.tallies.options.creditBotReplies;
  }

  private ref(id: number): Ref {
    const page = this.pages[id >>> PAGE_BITS];
    const k = page === undefined ? 0 : page[id & (PAGE - 1)]!;
    if (k > 0) return this.refs[k - 1]!;
    const ref: Ref = { agent: undefined, sums: undefined, tier: undefined };
    this.refs.push(ref);
    let p = page;
    if (p === undefined) {
      p = new Int32Array(PAGE);
      this.pages[id >>> PAGE_BITS] = p;
    }
    p[id & (PAGE - 1)] = this.refs.length;
    return ref;
  }

  /** The agent's counters (created on first use, as `AgentTally.slot` does); undefined: none or a test agent. */
  private agent(id: number): AgentAccumulator | undefined {
    if (id < 0) return undefined;
    const ref = this.ref(id);
    let a = ref.agent;
    if (a === undefined) {
      a = this.tallies.agents.slot(this.names[id]!) ?? null;
      ref.agent = a;
    }
    return a ?? undefined;
  }

  private sums(id: number): AgentSums {
    const ref = this.ref(id);
    let sums = ref.sums;
    if (sums === undefined) {
      sums = this.tallies.averages.sumsOf(this.names[id]!);
      ref.sums = sums;
    }
    return sums;
  }

  private tierRef(id: number): TierRef {
    // The tier of the row before (common: a handful of tiers): no lookup.
    if (id === this.lastTierId) return this.lastTier!;
    const t = this.tallies;
    let tier = id < 0 ? this.nullTier : this.ref(id).tier;
    if (tier === undefined) {
      const name = id < 0 ? null : this.names[id]!;
      const known = t.tierNames.has(name ?? t.options.defaultTier);
      tier = { known, slot: known ? t.compliance.slot(name ?? t.options.defaultTier) : undefined, name };
      if (id < 0) this.nullTier = tier;
      else this.ref(id).tier = tier;
    }
    this.lastTierId = id;
    this.lastTier = tier;
    return tier;
  }

  /** Tallies rows `[fromRow, toRow)` of a part: positions in its row list, or rows when it has none. */
  add(part: ColumnPart, fromRow: number, toRow: number): void {
    const t = this.tallies;
    const compliance = t.compliance;
    const c = part.columns;
    const rows = part.rows;
    for (let k = fromRow; k < toRow; k++) {
      const i = rows === null ? k : rows[k]!;
      if (!this.countInput(c, i)) continue;
      const tierRef = this.tierRef(c.tier[i]!);
      // Unknown tiers are counted conversation by conversation (`tierOf`), then count as the default.
      const tier = tierRef.known ? tierRef.slot : compliance.slot(t.tierOf(tierRef.name));
      // Conversation-level figures belong to the period of the customer's first message.
      const startAt = c.startAt[i]!;
      if (startAt >= this.from && startAt < this.to) {
        this.addStart(c, i, tier);
        this.addAgents(c, i);
      }
      // Reply-level figures belong to the period of the message that started the wait.
      this.addRounds(c, i, tier);
      this.addMessages(c, i);
    }
  }

  /**
   * Only the input counts of rows `[fromRow, toRow)` (events, exclusions, unknown tiers), as `add`
   * counts them: for a report whose figures are other tallies' merged (report-by-day.ts), which count
   * a conversation once per day it has messages on.
   */
  addInput(part: ColumnPart, fromRow: number, toRow: number): void {
    const c = part.columns;
    const rows = part.rows;
    for (let k = fromRow; k < toRow; k++) {
      const i = rows === null ? k : rows[k]!;
      if (!this.countInput(c, i)) continue;
      const tierRef = this.tierRef(c.tier[i]!);
      if (!tierRef.known) this.tallies.tierOf(tierRef.name);
    }
  }

  /** A row's input counts; true when it is measured (the only rows with figures). */
  private countInput(c: FactColumns, i: number): boolean {
    const counts = this.tallies.counts;
    counts.events += c.events[i]!;
    counts.duplicateEvents += c.duplicateEvents[i]!;
    counts.testAgentEvents += c.testAgentEvents[i]!;
    const status = c.status[i]!;
    if (status === 1) counts.spamConversations++;
    else if (status === 2) counts.testConversations++;
    else if (status === 3) counts.conversationsWithoutCustomerMessage++;
    if (status !== 0) return false;
    counts.conversations++;
    return true;
  }

  // The pieces of a row below are separate functions on purpose: each is optimised with its own
  // inlining budget, so the accumulators' small methods are inlined and no instant (a double
  // beyond the small-integer range) is boxed to be passed to a call. Only columns and row numbers
  // cross these calls.

  /** First responses, compliance, hour of arrival, reactions, handle time of a row started in the period. */
  private addStart(c: FactColumns, i: number, tier: TierSlot | undefined): void {
    const t = this.tallies;
    const startAt = c.startAt[i]!;
    t.conversations++;
    const awaits = c.awaitsHuman[i] === 1;
    if (awaits) t.awaitingHuman++;
    const firstReplyAt = c.firstReplyAt[i]!;
    const firstHumanAt = c.firstHumanAt[i]!;
    const handoffAt = c.handoffAt[i]!;
    t.firstResponses.addInstants(
      startAt,
      firstReplyAt,
      firstHumanAt,
      handoffAt,
      c.firstHumanAfterHandoffAt[i]!,
      awaits,
    );
    // NaN (no human response) minus anything stays NaN: "none" for the tier too.
    if (tier !== undefined && awaits) addFirstTo(tier, firstHumanAt - startAt);
    const wall = startAt + t.zone.offset(startAt);
    const day = Math.floor(wall / DAY_MS);
    t.hours.addArrivalAt(
      day,
      Math.floor((wall - day * DAY_MS) / HOUR_MS),
      startAt,
      firstReplyAt,
      firstHumanAt,
      awaits,
    );
    const assignEnd = c.assignStart[i + 1]!;
    for (let x = c.assignStart[i]!; x < assignEnd; x++) {
      const reactedAt = c.reactedAt[x]!;
      if (Number.isNaN(reactedAt)) t.unreacted++;
      else t.reactionMs.push(reactedAt - c.assignedAt[x]!);
    }
    t.transfers += c.transferStart[i + 1]! - c.transferStart[i]!;
    t.overdue += c.overdueStart[i + 1]! - c.overdueStart[i]!;
    const handle = handleTimeAt(c.lastAgentAt[i]!, handoffAt, startAt, t.capMs);
    if (!Number.isNaN(handle)) t.handleMs.push(handle);
  }

  /** The agent tally's `addConversation`, piece by piece in its order. */
  private addAgents(c: FactColumns, i: number): void {
    const serving = c.servingAgent[i]!;
    for (let w = c.writerStart[i]!, end = c.writerStart[i + 1]!; w < end; w++) {
      const writer = c.writer[w]!;
      addServed(this.agent(writer), c.writerMessages[w]!, writer !== serving);
    }
    const firstHumanAt = c.firstHumanAt[i]!;
    if (!Number.isNaN(firstHumanAt))
      this.agent(c.firstHumanAgent[i]!)?.firstResponseMs.push(firstHumanAt - c.startAt[i]!);
    for (let x = c.transferStart[i]!, end = c.transferStart[i + 1]!; x < end; x++) {
      const fromAgent = c.transferFrom[x]!;
      const toAgent = c.transferTo[x]!;
      if (fromAgent !== toAgent) addTransfer(this.agent(fromAgent), this.agent(toAgent));
    }
    for (let x = c.overdueStart[i]!, end = c.overdueStart[i + 1]!; x < end; x++)
      addOverdue(this.agent(c.overdueAgent[x]!));
    for (let x = c.assignStart[i]!, end = c.assignStart[i + 1]!; x < end; x++)
      addAssignment(this.agent(c.assignAgent[x]!), c.assignedAt[x]!, c.reactedAt[x]!);
  }

  /** Reply gaps of the rounds started in the period: the average response and the tier's replies. */
  private addRounds(c: FactColumns, i: number, tier: TierSlot | undefined): void {
    const averages = this.tallies.averages;
    const from = this.from;
    const to = this.to;
    let at = c.messageStart[i]!;
    for (let r = c.roundStart[i]!, end = c.roundStart[i + 1]!; r < end; r++) {
      const roundAt = c.message[at]!;
      at += c.roundMessages[r]!;
      if (roundAt < from || roundAt >= to) continue;
      // `AverageResponseTally.addRound`: answered when both the reply and its agent are known.
      const answeredAt = c.roundAnsweredAt[r]!;
      const agent = c.roundAgent[r]!;
      if (Number.isNaN(answeredAt) || agent < 0) averages.addUnanswered();
      else {
        const gap = averages.addAnswered(roundAt, answeredAt, this.sums(agent));
        if (tier !== undefined) addReplyTo(tier, gap);
      }
    }
  }

  /** Every customer message in the period: round reply rates and the customer's day (daily rates). */
  private addMessages(c: FactColumns, i: number): void {
    const { zone, roundRates, daily } = this.tallies;
    const from = this.from;
    const to = this.to;
    const platform = this.creditBotReplies && c.hasPlatformRounds[i] === 1;
    const counts = platform ? c.platformMessages : c.roundMessages;
    const answers = platform ? c.platformAnsweredAt : c.roundAnsweredAt;
    const first = platform ? c.platformStart[i]! : c.roundStart[i]!;
    const last = platform ? c.platformStart[i + 1]! : c.roundStart[i + 1]!;
    const customer = c.customer[i]!;
    // A customer's messages on one local day are or-ed together before touching the day's map.
    let day = Number.NaN;
    let flags = 0;
    let at = c.messageStart[i]!;
    for (let r = first; r < last; r++) {
      const answeredAt = answers[r]!;
      const end = at + counts[r]!;
      for (let x = at; x < end; x++) {
        const messageAt = c.message[x]!;
        if (messageAt < from || messageAt >= to) continue;
        const wall = messageAt + zone.offset(messageAt);
        const d = Math.floor(wall / DAY_MS);
        const msOfDay = wall - d * DAY_MS;
        if (x === at) roundRates.addRoundAt(messageAt, answeredAt, msOfDay);
        const f = daily.flagsAt(messageAt, msOfDay, answeredAt);
        if (d === day) flags |= f;
        else {
          if (!Number.isNaN(day)) daily.merge(day, customer, flags);
          day = d;
          flags = f;
        }
      }
      at = end;
    }
    if (!Number.isNaN(day)) daily.merge(day, customer, flags);
  }
}
