import { type AgentAccumulator, addAssignment, addOverdue, addServed, addTransfer } from './agents';
import type { Report } from './build-report';
import type { ColumnPart, StringIds } from './fact-columns';
import { handleTimeOf } from './handle-time';
import type { AgentOnlineInterval } from './report-event';
import { type ReportOptionsInput, resolveReportOptions } from './report-options';
import { ReportTallies } from './report-tallies';
import { finish, ROWS_PER_STEP, type Steps } from './steps';
import { DAY_MS, HOUR_MS } from './time-zone';

const orNull = (t: number): number | null => (Number.isNaN(t) ? null : t);

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
  const tally = new ColumnTally(ids, testAgents, optionsInput);
  for (const part of parts) {
    const n = part.rows === null ? part.columns.size : part.rows.length;
    for (let k = 0; k < n; k += ROWS_PER_STEP) {
      tally.add(part, k, Math.min(n, k + ROWS_PER_STEP));
      yield;
    }
  }
  return yield* tally.tallies.reportSteps(presence);
}

/** The columnar tally of one report, fed a slice of a part at a time (`add`). */
export class ColumnTally {
  readonly tallies: ReportTallies;
  private readonly names: readonly string[];
  /** Per string id, resolved once: the agent's counters (false: none, a test agent), the tier (null: unknown). */
  private readonly slots = new Map<number, AgentAccumulator | false>();
  private readonly tiers = new Map<number, string | null>();

  constructor(ids: StringIds, testAgents: readonly string[], optionsInput: ReportOptionsInput) {
    // Customers are numbered below `ids.size` when the tally starts: every part was built before.
    this.tallies = new ReportTallies(resolveReportOptions(optionsInput), testAgents, ids.size);
    this.names = ids.names;
  }

  private name(i: number): string | null {
    return i < 0 ? null : this.names[i]!;
  }

  private slot(id: number): AgentAccumulator | undefined {
    if (id < 0) return undefined;
    let s = this.slots.get(id);
    if (s === undefined) {
      s = this.tallies.agents.slot(this.names[id]!) ?? false;
      this.slots.set(id, s);
    }
    return s === false ? undefined : s;
  }

  private tierOf(id: number): string {
    const t = this.tallies;
    let tier = this.tiers.get(id);
    if (tier === undefined) {
      const named = this.name(id) ?? t.options.defaultTier;
      tier = t.tierNames.has(named) ? named : null;
      this.tiers.set(id, tier);
    }
    // Unknown tiers are counted conversation by conversation.
    return tier ?? t.tierOf(this.name(id));
  }

  /** Tallies rows `[fromRow, toRow)` of a part: positions in its row list, or rows when it has none. */
  add(part: ColumnPart, fromRow: number, toRow: number): void {
    const t = this.tallies;
    const { zone, counts, firstResponses, averages, compliance, roundRates, daily, hours } = t;
    const from = t.period.from ?? Number.NEGATIVE_INFINITY;
    const to = t.period.to ?? Number.POSITIVE_INFINITY;
    const creditBotReplies = t.options.creditBotReplies;
    const slot = (id: number) => this.slot(id);
    const name = (i: number) => this.name(i);
    const c = part.columns;
    const rows = part.rows;
    for (let k = fromRow; k < toRow; k++) {
      const i = rows === null ? k : rows[k]!;
      counts.events += c.events[i]!;
      counts.duplicateEvents += c.duplicateEvents[i]!;
      counts.testAgentEvents += c.testAgentEvents[i]!;
      const status = c.status[i]!;
      if (status === 1) counts.spamConversations++;
      else if (status === 2) counts.testConversations++;
      else if (status === 3) counts.conversationsWithoutCustomerMessage++;
      if (status !== 0) continue;
      counts.conversations++;
      const tier = this.tierOf(c.tier[i]!);
      const startAt = c.startAt[i]!;

      // Conversation-level figures belong to the period of the customer's first message.
      if (startAt >= from && startAt < to) {
        t.conversations++;
        const awaits = c.awaitsHuman[i] === 1;
        if (awaits) t.awaitingHuman++;
        const firstReplyAt = orNull(c.firstReplyAt[i]!);
        const firstHumanAt = orNull(c.firstHumanAt[i]!);
        const handoffAt = orNull(c.handoffAt[i]!);
        firstResponses.addTimes(
          startAt,
          firstReplyAt,
          firstHumanAt,
          handoffAt,
          orNull(c.firstHumanAfterHandoffAt[i]!),
          awaits,
        );
        compliance.addFirst(tier, awaits, firstHumanAt === null ? null : firstHumanAt - startAt);
        const wall = startAt + zone.offset(startAt);
        const day = Math.floor(wall / DAY_MS);
        hours.addArrival(
          day,
          Math.floor((wall - day * DAY_MS) / HOUR_MS),
          startAt,
          firstReplyAt,
          firstHumanAt,
          awaits,
        );
        // The agent tally's `addConversation`, piece by piece in its order.
        const serving = c.servingAgent[i]!;
        for (let w = c.writerStart[i]!, end = c.writerStart[i + 1]!; w < end; w++)
          addServed(slot(c.writer[w]!), c.writerMessages[w]!, c.writer[w] !== serving);
        if (firstHumanAt !== null) slot(c.firstHumanAgent[i]!)?.firstResponseMs.push(firstHumanAt - startAt);
        const transferStart = c.transferStart[i]!;
        const transferEnd = c.transferStart[i + 1]!;
        for (let x = transferStart; x < transferEnd; x++) {
          const fromAgent = c.transferFrom[x]!;
          const toAgent = c.transferTo[x]!;
          if (fromAgent !== toAgent) addTransfer(slot(fromAgent), slot(toAgent));
        }
        const overdueStart = c.overdueStart[i]!;
        const overdueEnd = c.overdueStart[i + 1]!;
        for (let x = overdueStart; x < overdueEnd; x++) addOverdue(slot(c.overdueAgent[x]!));
        const assignEnd = c.assignStart[i + 1]!;
        for (let x = c.assignStart[i]!; x < assignEnd; x++)
          addAssignment(slot(c.assignAgent[x]!), c.assignedAt[x]!, orNull(c.reactedAt[x]!));
        for (let x = c.assignStart[i]!; x < assignEnd; x++) {
          const reactedAt = c.reactedAt[x]!;
          if (Number.isNaN(reactedAt)) t.unreacted++;
          else t.reactionMs.push(reactedAt - c.assignedAt[x]!);
        }
        t.transfers += transferEnd - transferStart;
        t.overdue += overdueEnd - overdueStart;
        const handle = handleTimeOf(orNull(c.lastAgentAt[i]!), handoffAt, startAt, t.capMs);
        if (handle !== null) t.handleMs.push(handle);
      }

      // Reply-level figures belong to the period of the message that started the wait.
      const messageStart = c.messageStart[i]!;
      let at = messageStart;
      for (let r = c.roundStart[i]!, end = c.roundStart[i + 1]!; r < end; r++) {
        const roundAt = c.message[at]!;
        at += c.roundMessages[r]!;
        if (roundAt < from || roundAt >= to) continue;
        const gap = averages.addRound(roundAt, orNull(c.roundAnsweredAt[r]!), name(c.roundAgent[r]!));
        if (gap !== null) compliance.addReply(tier, gap);
      }
      const platform = creditBotReplies && c.hasPlatformRounds[i] === 1;
      const counts_ = platform ? c.platformMessages : c.roundMessages;
      const answers = platform ? c.platformAnsweredAt : c.roundAnsweredAt;
      const first = platform ? c.platformStart[i]! : c.roundStart[i]!;
      const last = platform ? c.platformStart[i + 1]! : c.roundStart[i + 1]!;
      const customer = c.customer[i]!;
      // A customer's messages on one local day are or-ed together before touching the day's map.
      let day = Number.NaN;
      let flags = 0;
      at = messageStart;
      for (let r = first; r < last; r++) {
        const answeredAt = orNull(answers[r]!);
        const end = at + counts_[r]!;
        for (let x = at; x < end; x++) {
          const messageAt = c.message[x]!;
          if (messageAt < from || messageAt >= to) continue;
          const wall = messageAt + zone.offset(messageAt);
          const d = Math.floor(wall / DAY_MS);
          const msOfDay = wall - d * DAY_MS;
          if (x === at) roundRates.addRound(messageAt, answeredAt, msOfDay);
          const f = daily.flagsOf(messageAt, msOfDay, answeredAt);
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
}
