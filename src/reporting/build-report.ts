import { agentActivityOf } from './agent-activity';
import { type AgentFigures, AgentTally } from './agents';
import { AverageResponseTally } from './average-response';
import { ComplianceTally, type TierCompliance } from './compliance';
import { prepareConversations } from './conversations';
import { type DayFigures, DailyRateTally } from './daily-rates';
import { type DistributionBucket, distributionOf } from './distribution';
import {
  type FirstResponseFigures,
  FirstResponseTally,
  firstResponseOf,
  type ResponseSummary,
} from './first-response';
import { handleTimeMs } from './handle-time';
import { type HourLoad, HourLoadTally } from './load-by-hour';
import { inPeriod, type Period } from './period';
import { assignmentsOf } from './reaction-time';
import { type RoundReplyRate, RoundReplyRateTally } from './reply-rates';
import type { AgentOnlineInterval, ReportEvent } from './report-event';
import { type ReportOptions, type ReportOptionsInput, resolveReportOptions } from './report-options';
import { segmentRounds } from './rounds';
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
 * The whole report in one pass over the conversations. Pure: events and options in, figures
 * out; the clock never enters (a period is data), so the same log always gives the same report.
 */
export function buildReport(input: ReportInput, optionsInput: ReportOptionsInput = {}): Report {
  const options = resolveReportOptions(optionsInput);
  const zone = createZoneClock(options.timeZone);
  const period: Period = { from: options.from, to: options.to };
  const prepared = prepareConversations(input.events, {
    testAgentIds: options.testAgentIds,
    tierNames: new Set(Object.keys(options.tiers)),
    defaultTier: options.defaultTier,
  });

  const firstResponses = new FirstResponseTally();
  const averages = new AverageResponseTally();
  const compliance = new ComplianceTally(options.tiers);
  const roundRates = new RoundReplyRateTally(options.roundThresholdsSeconds, options.roundWindow);
  const daily = new DailyRateTally(options.effectiveReply.window, options.effectiveReply.limitSeconds * 1000);
  const hours = new HourLoadTally();
  const agents = new AgentTally(prepared.testAgents);
  const reactionMs: number[] = [];
  const handleMs: number[] = [];
  const capMs = options.staffing.handleTimeCapSeconds * 1000;
  let conversations = 0;
  let awaitingHuman = 0;
  let unreacted = 0;
  let transfers = 0;
  let overdue = 0;

  for (const conversation of prepared.conversations) {
    // Conversation-level figures belong to the period of the customer's first message.
    if (inPeriod(period, conversation.startAt)) {
      const facts = firstResponseOf(conversation);
      conversations++;
      if (facts.awaitsHuman) awaitingHuman++;
      firstResponses.add(facts);
      compliance.addConversation(conversation.tier, facts);
      hours.add(zone.local(conversation.startAt), facts);
      const activity = agentActivityOf(conversation.events);
      const assignments = assignmentsOf(conversation.events);
      agents.addConversation(activity, facts, assignments);
      for (const a of assignments) {
        if (a.reactedAt === null) unreacted++;
        else reactionMs.push(a.reactedAt - a.assignedAt);
      }
      transfers += activity.transfers.length;
      overdue += activity.overdue.length;
      const handle = handleTimeMs(conversation, facts, capMs);
      if (handle !== null) handleMs.push(handle);
    }

    // Reply-level figures belong to the period of the message that started the wait.
    const humanRounds = segmentRounds(conversation.events, false);
    for (const round of humanRounds) {
      if (!inPeriod(period, round.startAt)) continue;
      const gap = averages.add(round);
      if (gap !== null) compliance.addReply(conversation.tier, gap);
    }
    const platformRounds = options.creditBotReplies ? segmentRounds(conversation.events, true) : humanRounds;
    for (const round of platformRounds) {
      if (inPeriod(period, round.startAt)) roundRates.add(round, zone.local(round.startAt).msOfDay);
      for (const at of round.messageAts) {
        if (inPeriod(period, at))
          daily.addMessage(conversation.customerId, at, zone.local(at), round.answeredAt);
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
    input: {
      events: prepared.counts.events,
      duplicateEvents: prepared.counts.duplicateEvents,
      testAgentEvents: prepared.counts.testAgentEvents,
      conversations: prepared.conversations.length,
      spamConversations: prepared.counts.spamConversations,
      testConversations: prepared.counts.testConversations,
      conversationsWithoutCustomerMessage: prepared.counts.conversationsWithoutCustomerMessage,
      unknownTiers: prepared.unknownTiers,
    },
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
    agents: agents.figures(averages, input.presence, period),
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
