import { agentActivityOf } from './agent-activity';
import { groupEvents, prepareOne, testAgentsOf } from './conversations';
import { type FirstResponseFacts, firstResponseOf } from './first-response';
import { type Assignment, assignmentsOf } from './reaction-time';
import type { ReportEvent } from './report-event';
import { type Round, segmentRounds } from './rounds';

/** A round as the tallies read it (see `Round`): `agentId` is set exactly when an agent answered. */
export type RoundFacts = Pick<Round, 'startAt' | 'messageAts' | 'answeredAt' | 'agentId'>;

/**
 * Everything the report's tallies need from one measured conversation. Durations are kept as the
 * instants they come from and never as verdicts, and nothing here depends on the report's period,
 * zone, tier targets or thresholds: the same facts serve any report (see `tallyFacts`).
 */
export interface MeasuredFacts {
  /** First-response instants; `first.startAt` is the customer's first message. */
  first: FirstResponseFacts;
  /** Last tier named in the conversation, not resolved against the configured tiers. */
  tier: string | null;
  /** Messages per agent, in the order they first wrote. */
  agentMessages: [agentId: string, messages: number][];
  servingAgentId: string | null;
  transfers: { from: string | null; to: string }[];
  overdue: (string | null)[];
  assignments: Assignment[];
  /** Last agent message (handle time). */
  lastAgentAt: number | null;
  /** Rounds where only agents answer (`segmentRounds(events, false)`). */
  rounds: RoundFacts[];
  /** Rounds with bot replies credited (`agentId` null), when they differ from `rounds` (null: the same). */
  platformRounds: RoundFacts[] | null;
}

export interface ConversationFacts {
  id: string;
  /** Customer of the first customer message (of the first event when there is none). */
  customerId: string;
  /** Measured, or left out of every figure: spam, test chat, or no customer message. */
  status: 'measured' | 'spam' | 'test' | 'noCustomer';
  /** Events given; of which duplicates and test-agent events dropped (the report's input counts). */
  events: number;
  duplicateEvents: number;
  testAgentEvents: number;
  /** Every customer message, ascending (which periods the conversation belongs to). */
  customerAts: number[];
  measured: MeasuredFacts | null;
}

/**
 * Facts of a set of conversations, with the agents that were test agents when they were measured
 * (the agent tallies leave them out, e.g. as the giving side of a transfer).
 */
export interface FactSet {
  conversations: ConversationFacts[];
  testAgents: string[];
}

export interface MeasureOptions {
  testAgentIds?: readonly string[];
}

/**
 * Measures every conversation of a log once. What the measurement depends on besides the events
 * is only the test agents (their events are dropped, a chat only they answered is a test chat)
 * and the spam flags on the events: whoever stores facts must re-measure when those change.
 */
export function measureConversations(events: readonly ReportEvent[], options: MeasureOptions = {}): FactSet {
  const testAgents = testAgentsOf(events, options.testAgentIds ?? []);
  const conversations: ConversationFacts[] = [];
  for (const [id, group] of groupEvents(events)) {
    const given = group.events.length;
    const customerAts: number[] = [];
    for (const e of group.events)
      if ((e.kind ?? 'message') === 'message' && e.from === 'customer') customerAts.push(e.at);
    customerAts.sort((a, b) => a - b);
    const customerId = group.events[0]!.customerId;
    const one = prepareOne(id, group.events, group.spam, testAgents);
    const c = one.conversation;
    conversations.push({
      id,
      customerId: c?.customerId ?? customerId,
      status: one.status,
      events: given,
      duplicateEvents: one.duplicateEvents,
      testAgentEvents: one.testAgentEvents,
      customerAts,
      measured: c === undefined ? null : measureOne(c.events, c.startAt, c.tier),
    });
  }
  return { conversations, testAgents: [...testAgents].sort() };
}

/** One conversation's facts from its sorted, cleaned events (see `prepareOne`). */
function measureOne(events: ReportEvent[], startAt: number, tier: string | undefined): MeasuredFacts {
  const first = firstResponseOf({ id: '', customerId: '', events, startAt, tier: '' });
  const activity = agentActivityOf(events);
  let lastAgentAt: number | null = null;
  for (const e of events) if ((e.kind ?? 'message') === 'message' && e.from === 'agent') lastAgentAt = e.at;
  const rounds = segmentRounds(events, false).map(roundFacts);
  // The platform rates read only when a round was answered, not by whom.
  const platform = segmentRounds(events, true).map((r) => ({ ...roundFacts(r), agentId: null }));
  return {
    first,
    tier: tier ?? null,
    agentMessages: [...activity.messagesByAgent],
    servingAgentId: activity.servingAgentId,
    transfers: activity.transfers,
    overdue: activity.overdue,
    assignments: assignmentsOf(events),
    lastAgentAt,
    rounds,
    platformRounds: sameRounds(rounds, platform) ? null : platform,
  };
}

function roundFacts(r: Round): RoundFacts {
  return { startAt: r.startAt, messageAts: r.messageAts, answeredAt: r.answeredAt, agentId: r.agentId };
}

/** Whether crediting the bot changes nothing the platform rates read (rounds and their answers). */
function sameRounds(a: readonly RoundFacts[], b: readonly RoundFacts[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.answeredAt !== b[i]!.answeredAt || a[i]!.messageAts.length !== b[i]!.messageAts.length)
      return false;
  }
  return true;
}

/** Whether a conversation has a customer message in `[from, to)` (the service's period rule). */
export function hasCustomerMessageIn(
  f: Pick<ConversationFacts, 'customerAts'>,
  from: number,
  to: number,
): boolean {
  for (const at of f.customerAts) if (at >= from && at < to) return true;
  return false;
}
