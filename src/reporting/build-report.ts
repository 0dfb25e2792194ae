import { type AgentFigures, AgentTally } from './agents';
import { AverageResponseTally } from './average-response';
import { ComplianceTally, type TierCompliance } from './compliance';
import { type FactSet, measureConversations } from './conversation-facts';
import { type DayFigures, DailyRateTally } from './daily-rates';
import { type DistributionBucket, distributionOf } from './distribution';
import { type FirstResponseFigures, FirstResponseTally, type ResponseSummary } from './first-response';
import { handleTimeMs } from './handle-time';
import { type HourLoad, HourLoadTally } from './load-by-hour';
import { inPeriod, type Period } from './period';
import { type RoundReplyRate, RoundReplyRateTally } from './reply-rates';
import type { AgentOnlineInterval, ReportEvent } from './report-event';
import { type ReportOptions, type ReportOptionsInput, resolveReportOptions } from './report-options';
import { type StaffingSuggestion, suggestStaffing } from './staffing';
import { rate, type SecondsSummary, summarizeMs } from './stats';
import { createZoneClock } from './time-zone';

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
  const options = resolveReportOptions(optionsInput);
  const zone = createZoneClock(options.timeZone);
  const period: Period = { from: options.from, to: options.to };
  const tierNames = new Set(Object.keys(options.tiers));
  const testAgents = new Set(facts.testAgents);

  const firstResponses = new FirstResponseTally();
  const averages = new AverageResponseTally();
  const compliance = new ComplianceTally(options.tiers);
  const roundRates = new RoundReplyRateTally(options.roundThresholdsSeconds, options.roundWindow);
  const daily = new DailyRateTally(options.effectiveReply.window, options.effectiveReply.limitSeconds * 1000);
  const hours = new HourLoadTally();
  const agents = new AgentTally(testAgents);
  const reactionMs: number[] = [];
  const handleMs: number[] = [];
  const capMs = options.staffing.handleTimeCapSeconds * 1000;
  const counts = {
    events: 0,
    duplicateEvents: 0,
    testAgentEvents: 0,
    conversations: 0,
    spamConversations: 0,
    testConversations: 0,
    conversationsWithoutCustomerMessage: 0,
  };
  const unknownTiers: Record<string, number> = {};
  let conversations = 0;
  let awaitingHuman = 0;
  let unreacted = 0;
  let transfers = 0;
  let overdue = 0;

  for (const f of facts.conversations) {
    counts.events += f.events;
    counts.duplicateEvents += f.duplicateEvents;
    counts.testAgentEvents += f.testAgentEvents;
    if (f.status === 'spam') counts.spamConversations++;
    else if (f.status === 'test') counts.testConversations++;
    else if (f.status === 'noCustomer') counts.conversationsWithoutCustomerMessage++;
    const m = f.measured;
    if (m === null) continue;
    counts.conversations++;
    let tier = m.tier ?? options.defaultTier;
    if (!tierNames.has(tier)) {
      unknownTiers[tier] = (unknownTiers[tier] ?? 0) + 1;
      tier = options.defaultTier;
    }
    const first = m.first;

    // Conversation-level figures belong to the period of the customer's first message.
    if (inPeriod(period, first.startAt)) {
      conversations++;
      if (first.awaitsHuman) awaitingHuman++;
      firstResponses.add(first);
      compliance.addConversation(tier, first);
      hours.add(zone.local(first.startAt), first);
      agents.addConversation(m, first, m.assignments);
      for (const a of m.assignments) {
        if (a.reactedAt === null) unreacted++;
        else reactionMs.push(a.reactedAt - a.assignedAt);
      }
      transfers += m.transfers.length;
      overdue += m.overdue.length;
      const handle = handleTimeMs(m.lastAgentAt, first, capMs);
      if (handle !== null) handleMs.push(handle);
    }

    // Reply-level figures belong to the period of the message that started the wait.
    for (const round of m.rounds) {
      if (!inPeriod(period, round.startAt)) continue;
      const gap = averages.add(round);
      if (gap !== null) compliance.addReply(tier, gap);
    }
    const platformRounds = options.creditBotReplies ? (m.platformRounds ?? m.rounds) : m.rounds;
    for (const round of platformRounds) {
      if (inPeriod(period, round.startAt)) roundRates.add(round, zone.local(round.startAt).msOfDay);
      for (const at of round.messageAts) {
        if (inPeriod(period, at)) daily.addMessage(f.customerId, at, zone.local(at), round.answeredAt);
      }
    }
  }

  const days = daily.figures((day) => zone.dateLabel(day));
  const firstResponseFigures = firstResponses.figures();
  const handleTimeSeconds = summarizeMs(handleMs);
  const staffingTier = options.staffing.tier ?? options.defaultTier;
  const staffingOptions = {
    chatsPerAgentHour: options.staffing.chatsPerAgentHour,
    concurrency: options.staffing.concurrency,
    serviceLevel: options.staffing.serviceLevel,
    targetWaitSeconds: options.tiers[staffingTier]!.firstReplySeconds,
  };
  const sum = (pick: (d: DayFigures) => number) => days.reduce((total, d) => total + pick(d), 0);
  const asked = sum((d) => d.customersAsked);
  const answered = sum((d) => d.customersAnswered);
  const consumers = sum((d) => d.effective.consumers);
  const invalid = sum((d) => d.effective.invalid);

  return {
    period: {
      timeZone: options.timeZone,
      from: options.from === undefined ? null : new Date(options.from).toISOString(),
      to: options.to === undefined ? null : new Date(options.to).toISOString(),
    },
    input: { ...counts, unknownTiers },
    overall: {
      conversations,
      conversationsAwaitingHuman: awaitingHuman,
      ...firstResponseFigures,
      ...averages.overall(),
      reactionSeconds: { ...summarizeMs(reactionMs), unanswered: unreacted },
      roundReplyRates: roundRates.figures(),
      replyRate: { customersAsked: asked, customersAnswered: answered, rate: rate(answered, asked) },
      effectiveReplyRate: { consumers, invalid, rate: rate(consumers - invalid, consumers) },
      transfers,
      overdue,
    },
    tiers: compliance.figures(),
    distribution: {
      firstResponse: distributionOf(firstResponses.anyMs),
      firstHumanResponse: distributionOf(firstResponses.humanMs),
    },
    days,
    agents: agents.figures(averages, presence, period),
    hours: hours.figures().map((load) => {
      const arrivalsPerHour =
        options.staffing.basis === 'peak' ? load.peakHumanArrivals : load.humanArrivalsPerDay;
      return { ...load, staffing: suggestStaffing(arrivalsPerHour, handleTimeSeconds.mean, staffingOptions) };
    }),
    staffing: {
      handleTimeSeconds,
      observedDays: hours.observedDays(),
      basis: options.staffing.basis,
      concurrency: options.staffing.concurrency,
      serviceLevel: options.staffing.serviceLevel,
      targetWaitSeconds: staffingOptions.targetWaitSeconds,
      tier: staffingTier,
    },
  };
}
