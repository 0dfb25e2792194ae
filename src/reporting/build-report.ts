import type { AgentFigures } from './agents';
import type { TierCompliance } from './compliance';
import { type ConversationFacts, type FactSet, measureConversations } from './conversation-facts';
import type { DayFigures } from './daily-rates';
import type { DistributionBucket } from './distribution';
import type { FirstResponseFigures, ResponseSummary } from './first-response';
import { handleTimeMs } from './handle-time';
import type { HourLoad } from './load-by-hour';
import { inPeriod } from './period';
import type { RoundReplyRate } from './reply-rates';
import type { AgentOnlineInterval, ReportEvent } from './report-event';
import { type ReportOptions, type ReportOptionsInput, resolveReportOptions } from './report-options';
import { ReportTallies } from './report-tallies';
import type { StaffingSuggestion } from './staffing';
import { finish, ROWS_PER_STEP, type Steps } from './steps';
import type { SecondsSummary } from './stats';

export interface ReportInput {
  events: readonly ReportEvent[];
  /** Agent online intervals; without them the per-agent online figures are left out. */
  presence?: readonly AgentOnlineInterval[];
}

export interface Report {
  period: { timeZone: string; from: string | null; to: string | null };
  input: {
    events: number;
    duplicateEvents: number;
    testAgentEvents: number;
    /** Conversations measured (after every exclusion, before the period filter). */
    conversations: number;
    spamConversations: number;
    testConversations: number;
    conversationsWithoutCustomerMessage: number;
    /** Tier names not in the options, counted under the default tier instead. */
    unknownTiers: Record<string, number>;
  };
  overall: FirstResponseFigures & {
    /** Conversations whose first customer message is in the period. */
    conversations: number;
    conversationsAwaitingHuman: number;
    averageResponseSeconds: number | null;
    replies: number;
    /** Rounds no agent ever answered (not part of the average). */
    unansweredRounds: number;
    reactionSeconds: ResponseSummary;
    roundReplyRates: RoundReplyRate[];
    /** Sums over the days (customer-days). */
    replyRate: { customersAsked: number; customersAnswered: number; rate: number | null };
    effectiveReplyRate: { consumers: number; invalid: number; rate: number | null };
    transfers: number;
    overdue: number;
  };
  tiers: TierCompliance[];
  distribution: { firstResponse: DistributionBucket[]; firstHumanResponse: DistributionBucket[] };
  days: DayFigures[];
  agents: AgentFigures[];
  hours: (HourLoad & { staffing: StaffingSuggestion })[];
  staffing: {
    /** Handle time per conversation an agent wrote in (see handle-time.ts); the mean feeds Erlang C. */
    handleTimeSeconds: SecondsSummary;
    observedDays: number;
    basis: ReportOptions['staffing']['basis'];
    concurrency: number;
    serviceLevel: number;
    targetWaitSeconds: number;
    tier: string;
  };
}

/**
 * The whole report: measure every conversation once (`measureConversations`), then tally the facts.
 * Pure: events and options in, figures out; the clock never enters (a period is data), so the same
 * log always gives the same report.
 */
export function buildReport(input: ReportInput, optionsInput: ReportOptionsInput = {}): Report {
  const options = resolveReportOptions(optionsInput);
  const facts = measureConversations(input.events, { testAgentIds: options.testAgentIds });
  return tallyFacts(facts, optionsInput, input.presence);
}

/**
 * The report from measured facts, in one pass over the conversations. Facts measured once (and
 * stored) give exactly what `buildReport` gives from the events, whatever the period, zone, tier
 * targets or thresholds: only what the facts were measured with (test agents, spam) must match.
 */
export function tallyFacts(
  facts: FactSet,
  optionsInput: ReportOptionsInput,
  presence?: readonly AgentOnlineInterval[],
): Report {
  return finish(tallyFactsSteps(facts, optionsInput, presence));
}

/** `tallyFacts` in steps of `ROWS_PER_STEP` conversations, then the figures in steps. */
export function* tallyFactsSteps(
  facts: FactSet,
  optionsInput: ReportOptionsInput,
  presence?: readonly AgentOnlineInterval[],
): Steps<Report> {
  const list = facts.conversations;
  const t = new ReportTallies(resolveReportOptions(optionsInput), facts.testAgents, 0, list.length);
  for (let k = 0; k < list.length; k += ROWS_PER_STEP) {
    addFacts(t, list, k, Math.min(list.length, k + ROWS_PER_STEP));
    yield;
  }
  return yield* t.reportSteps(presence);
}

/** Conversations `[fromIndex, toIndex)` of the list into the tallies. */
function addFacts(
  t: ReportTallies,
  list: readonly ConversationFacts[],
  fromIndex: number,
  toIndex: number,
): void {
  const { zone, period, counts, firstResponses, averages, compliance, roundRates, daily, hours, agents } = t;
  const creditBotReplies = t.options.creditBotReplies;

  for (let k = fromIndex; k < toIndex; k++) {
    const f = list[k]!;
    counts.events += f.events;
    counts.duplicateEvents += f.duplicateEvents;
    counts.testAgentEvents += f.testAgentEvents;
    if (f.status === 'spam') counts.spamConversations++;
    else if (f.status === 'test') counts.testConversations++;
    else if (f.status === 'noCustomer') counts.conversationsWithoutCustomerMessage++;
    const m = f.measured;
    if (m === null) continue;
    counts.conversations++;
    const tier = t.tierOf(m.tier);
    const first = m.first;

    // Conversation-level figures belong to the period of the customer's first message.
    if (inPeriod(period, first.startAt)) {
      t.conversations++;
      if (first.awaitsHuman) t.awaitingHuman++;
      firstResponses.add(first);
      compliance.addConversation(tier, first);
      hours.add(zone.local(first.startAt), first);
      agents.addConversation(m, first, m.assignments);
      for (const a of m.assignments) {
        if (a.reactedAt === null) t.unreacted++;
        else t.reactionMs.push(a.reactedAt - a.assignedAt);
      }
      t.transfers += m.transfers.length;
      t.overdue += m.overdue.length;
      const handle = handleTimeMs(m.lastAgentAt, first, t.capMs);
      if (handle !== null) t.handleMs.push(handle);
    }

    // Reply-level figures belong to the period of the message that started the wait.
    for (const round of m.rounds) {
      if (!inPeriod(period, round.startAt)) continue;
      const gap = averages.add(round);
      if (gap !== null) compliance.addReply(tier, gap);
    }
    const platformRounds = creditBotReplies ? (m.platformRounds ?? m.rounds) : m.rounds;
    for (const round of platformRounds) {
      if (inPeriod(period, round.startAt)) roundRates.add(round, zone.local(round.startAt).msOfDay);
      for (const at of round.messageAts) {
        if (inPeriod(period, at)) daily.addMessage(f.customerId, at, zone.local(at), round.answeredAt);
      }
    }
  }
}
