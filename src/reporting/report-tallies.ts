import { AgentTally } from './agents';
import { AverageResponseTally } from './average-response';
import { ComplianceTally } from './compliance';
import { type DayFigures, DailyRateTally } from './daily-rates';
import { distributionOf } from './distribution';
import { FirstResponseTally } from './first-response';
import { HourLoadTally } from './load-by-hour';
import type { Period } from './period';
import { RoundReplyRateTally } from './reply-rates';
import type { AgentOnlineInterval } from './report-event';
import type { ReportOptions } from './report-options';
import { suggestStaffing } from './staffing';
import { Durations, rate } from './stats';
import { finish, type Steps } from './steps';
import { createZoneClock, type ZoneClock } from './time-zone';
import type { Report } from './build-report';

/**
 * Every accumulator of one report and the assembly of the figures from them. The two ways of
 * feeding them (`tallyFacts` over fact objects, `tallyColumns` over columnar facts) share this, so
 * the figures are computed by the same code whichever way the facts are held.
 */
export class ReportTallies {
  readonly zone: ZoneClock;
  readonly period: Period;
  readonly tierNames: Set<string>;
  readonly firstResponses: FirstResponseTally;
  readonly averages = new AverageResponseTally();
  readonly compliance: ComplianceTally;
  readonly roundRates: RoundReplyRateTally;
  readonly daily: DailyRateTally;
  readonly hours = new HourLoadTally();
  readonly agents: AgentTally;
  readonly reactionMs: Durations;
  readonly handleMs: Durations;
  readonly capMs: number;
  readonly counts = {
    events: 0,
    duplicateEvents: 0,
    testAgentEvents: 0,
    conversations: 0,
    spamConversations: 0,
    testConversations: 0,
    conversationsWithoutCustomerMessage: 0,
  };
  readonly unknownTiers: Record<string, number> = {};
  conversations = 0;
  awaitingHuman = 0;
  unreacted = 0;
  transfers = 0;
  overdue = 0;

  constructor(
    readonly options: ReportOptions,
    testAgents: readonly string[],
    /** Customers are numbers below this (the columnar tally): the daily rates keep them densely. */
    customerKeySpace = 0,
    /** Conversations to come, when known: room for that many durations per list from the start. */
    expectedConversations = 0,
  ) {
    this.firstResponses = new FirstResponseTally(expectedConversations);
    this.reactionMs = new Durations(expectedConversations);
    this.handleMs = new Durations(expectedConversations);
    this.zone = createZoneClock(options.timeZone);
    this.period = { from: options.from, to: options.to };
    this.tierNames = new Set(Object.keys(options.tiers));
    this.compliance = new ComplianceTally(options.tiers);
    this.roundRates = new RoundReplyRateTally(options.roundThresholdsSeconds, options.roundWindow);
    this.daily = new DailyRateTally(
      options.effectiveReply.window,
      options.effectiveReply.limitSeconds * 1000,
      customerKeySpace,
    );
    this.agents = new AgentTally(new Set(testAgents));
    this.capMs = options.staffing.handleTimeCapSeconds * 1000;
  }

  /** The tier a conversation counts under: its own when configured, else the default (noted as unknown). */
  tierOf(named: string | null): string {
    const tier = named ?? this.options.defaultTier;
    if (this.tierNames.has(tier)) return tier;
    this.unknownTiers[tier] = (this.unknownTiers[tier] ?? 0) + 1;
    return this.options.defaultTier;
  }

  /**
   * Adds the figures another tally collected under the same options over another part of the
   * period (report-by-day.ts: a period's figures are its days' merged). Every figure is a count, an
   * exact sum or a summary of a multiset of durations, so it does not matter which tally saw what.
   * Not the input counts: a conversation with messages on two days is in both days' tallies, and
   * the merged report counts it once (`ColumnTally.addInput`).
   */
  absorb(other: ReportTallies): void {
    if (this.released || other.released) throw new Error('report tallies: the figures were already taken');
    this.firstResponses.absorb(other.firstResponses);
    this.averages.absorb(other.averages);
    this.compliance.absorb(other.compliance);
    this.roundRates.absorb(other.roundRates);
    this.daily.absorb(other.daily);
    this.hours.absorb(other.hours);
    this.agents.absorb(other.agents);
    this.reactionMs.append(other.reactionMs.values());
    this.handleMs.append(other.handleMs.values());
    this.conversations += other.conversations;
    this.awaitingHuman += other.awaitingHuman;
    this.unreacted += other.unreacted;
    this.transfers += other.transfers;
    this.overdue += other.overdue;
  }

  private released = false;

  /**
   * Gives the durations' and days' memory back to the scratch pool (scratch.ts) once every figure
   * is computed: the next report writes into memory already faulted in. The tallies are spent then.
   */
  private release(): void {
    this.released = true;
    this.firstResponses.release();
    this.reactionMs.release();
    this.handleMs.release();
    this.compliance.release();
    this.hours.release();
    this.agents.release();
    this.daily.release();
  }

  report(presence?: readonly AgentOnlineInterval[]): Report {
    return finish(this.reportSteps(presence));
  }

  /**
   * `report` in steps: each summary of up to a million durations (quickselects, tens of ms at a
   * month) is several steps, each day, agent and hour is a step of its own. Every figure is
   * computed by the same call from the same values either way. Summaries select in place, so they
   * reorder their durations; nothing read afterwards depends on that order (a distribution counts).
   */
  *reportSteps(presence?: readonly AgentOnlineInterval[]): Steps<Report> {
    if (this.released) throw new Error('report tallies: the figures were already taken');
    const { options, hours, firstResponses } = this;
    const zone = this.zone;
    const days = yield* this.daily.figureSteps((day) => zone.dateLabel(day));
    const firstResponseFigures = yield* firstResponses.figureSteps();
    const handleTimeSeconds = yield* this.handleMs.summarySteps();
    const reactionSeconds = { ...(yield* this.reactionMs.summarySteps()), unanswered: this.unreacted };
    const firstResponseDistribution = distributionOf(firstResponses.anyMs.values());
    yield;
    const firstHumanResponseDistribution = distributionOf(firstResponses.humanMs.values());
    yield;
    const agentFigures = yield* this.agents.figureSteps(this.averages, presence, this.period);
    const hourLoads = yield* hours.figureSteps();
    const tierFigures = yield* this.compliance.figureSteps();
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
    this.release();

    return {
      period: {
        timeZone: options.timeZone,
        from: options.from === undefined ? null : new Date(options.from).toISOString(),
        to: options.to === undefined ? null : new Date(options.to).toISOString(),
      },
      input: { ...this.counts, unknownTiers: this.unknownTiers },
      overall: {
        conversations: this.conversations,
        conversationsAwaitingHuman: this.awaitingHuman,
        ...firstResponseFigures,
        ...this.averages.overall(),
        reactionSeconds,
        roundReplyRates: this.roundRates.figures(),
        replyRate: { customersAsked: asked, customersAnswered: answered, rate: rate(answered, asked) },
        effectiveReplyRate: { consumers, invalid, rate: rate(consumers - invalid, consumers) },
        transfers: this.transfers,
        overdue: this.overdue,
      },
      tiers: tierFigures,
      distribution: {
        firstResponse: firstResponseDistribution,
        firstHumanResponse: firstHumanResponseDistribution,
      },
      days,
      agents: agentFigures,
      hours: hourLoads.map((load) => {
        const arrivalsPerHour =
          options.staffing.basis === 'peak' ? load.peakHumanArrivals : load.humanArrivalsPerDay;
        return {
          ...load,
          staffing: suggestStaffing(arrivalsPerHour, handleTimeSeconds.mean, staffingOptions),
        };
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
}
