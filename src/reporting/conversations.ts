import type { ReportEvent } from './report-event';
import { finish, type Steps } from './steps';

/** A conversation ready for measuring: its events sorted, exclusions applied. */
export interface Conversation {
  id: string;
  /** Customer of the conversation's first customer message. */
  customerId: string;
  /** Sorted by time (see `compareEvents`); test-agent events removed. */
  events: ReportEvent[];
  /** The customer's first message: every conversation-level figure is anchored here. */
  startAt: number;
  /** Last tier named in the conversation, or the default tier. */
  tier: string;
}

export interface PreparedConversations {
  conversations: Conversation[];
  counts: {
    events: number;
    duplicateEvents: number;
    testAgentEvents: number;
    spamConversations: number;
    testConversations: number;
    conversationsWithoutCustomerMessage: number;
  };
  /** Tier names found in events but not configured, with how many conversations named them. */
  unknownTiers: Record<string, number>;
  testAgents: ReadonlySet<string>;
}

export interface PrepareOptions {
  testAgentIds: readonly string[];
  tierNames: ReadonlySet<string>;
  defaultTier: string;
}

/**
 * Order at the same millisecond: the customer's message before anything that answers it,
 * routing facts (hand-off → assignment → transfer) before the agent's reply they lead to.
 */
function rankOf(e: ReportEvent): number {
  switch (e.kind ?? 'message') {
    case 'message':
      return e.from === 'customer' ? 0 : e.from === 'bot' ? 1 : 5;
    case 'handoff':
      return 2;
    case 'assigned':
      return 3;
    case 'transfer':
      return 4;
    case 'overdue':
      return 6;
    default:
      return 7;
  }
}

function compareText(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

/** Time, then rank, then ids: the same events give the same order whatever order they came in. */
export function compareEvents(a: ReportEvent, b: ReportEvent): number {
  return (
    a.at - b.at ||
    rankOf(a) - rankOf(b) ||
    compareText(a.eventId, b.eventId) ||
    compareText(a.agentId, b.agentId) ||
    compareText(a.text, b.text)
  );
}

export interface Group {
  events: ReportEvent[];
  spam: boolean;
}

/** Events by conversation, in order of first appearance; any spam-flagged event marks its conversation. */
export function groupEvents(events: readonly ReportEvent[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  addToGroups(groups, events, 0, events.length);
  return groups;
}

/** `groupEvents` for events `[from, to)`, into `groups`. */
function addToGroups(
  groups: Map<string, Group>,
  events: readonly ReportEvent[],
  from: number,
  to: number,
): void {
  for (let k = from; k < to; k++) {
    const e = events[k]!;
    let group = groups.get(e.conversationId);
    if (group === undefined) {
      group = { events: [], spam: false };
      groups.set(e.conversationId, group);
    }
    if (e.spam) group.spam = true;
    group.events.push(e);
  }
}

/**
 * One pass groups events by conversation; then each conversation is sorted once, de-duplicated
 * and cleared of test agents: O(n log k) for conversations of k events, never a quadratic scan.
 * De-duplicating per conversation after the sort keeps the hash sets small (a million-entry set
 * was half the engine's time) and makes the survivor independent of input order.
 */
export function prepareConversations(
  events: readonly ReportEvent[],
  options: PrepareOptions,
): PreparedConversations {
  return finish(prepareConversationsSteps(events, options));
}

/** Events per step of `prepareConversationsSteps`' passes over the log; conversations per step of its preparing. */
const EVENTS_PER_STEP = 65_536;
const CONVERSATIONS_PER_STEP = 512;

/** `prepareConversations` in steps (a month is ~10 M events, ~1 M conversations). */
export function* prepareConversationsSteps(
  events: readonly ReportEvent[],
  options: PrepareOptions,
): Steps<PreparedConversations> {
  const testAgents = new Set(options.testAgentIds);
  for (let k = 0; k < events.length; k += EVENTS_PER_STEP) {
    addTestAgents(testAgents, events, k, Math.min(events.length, k + EVENTS_PER_STEP));
    yield;
  }

  const counts = {
    events: events.length,
    duplicateEvents: 0,
    testAgentEvents: 0,
    spamConversations: 0,
    testConversations: 0,
    conversationsWithoutCustomerMessage: 0,
  };
  const groups = new Map<string, Group>();
  for (let k = 0; k < events.length; k += EVENTS_PER_STEP) {
    addToGroups(groups, events, k, Math.min(events.length, k + EVENTS_PER_STEP));
    yield;
  }
  const conversations: Conversation[] = [];
  const unknownTiers: Record<string, number> = {};
  let n = 0;
  for (const [id, group] of groups) {
    if (++n % CONVERSATIONS_PER_STEP === 0) yield;
    const one = prepareOne(id, group.events, group.spam, testAgents);
    counts.duplicateEvents += one.duplicateEvents;
    counts.testAgentEvents += one.testAgentEvents;
    if (one.status === 'spam') counts.spamConversations++;
    else if (one.status === 'test') counts.testConversations++;
    else if (one.status === 'noCustomer') counts.conversationsWithoutCustomerMessage++;
    if (one.conversation === undefined) continue;
    let tier = one.conversation.tier;
    if (tier !== undefined && !options.tierNames.has(tier)) {
      unknownTiers[tier] = (unknownTiers[tier] ?? 0) + 1;
      tier = undefined;
    }
    conversations.push({ ...one.conversation, tier: tier ?? options.defaultTier });
  }
  return { conversations, counts, unknownTiers, testAgents };
}

/** How one conversation fares before measuring: excluded (and why), or ready with its raw tier. */
export interface PreparedOne {
  status: 'measured' | 'spam' | 'test' | 'noCustomer';
  duplicateEvents: number;
  testAgentEvents: number;
  /** Measured only; `tier` is the last one named, unresolved (undefined: none). */
  conversation?: Omit<Conversation, 'tier'> & { tier: string | undefined };
}

/** Sorts, de-duplicates and clears one conversation of test agents; sorts `events` in place. */
export function prepareOne(
  id: string,
  events: ReportEvent[],
  spam: boolean,
  testAgents: ReadonlySet<string>,
): PreparedOne {
  const counts = { duplicateEvents: 0, testAgentEvents: 0 };
  if (spam) return { status: 'spam', ...counts };
  const sorted = keepOnce(events.sort(compareEvents), counts);
  const measured: ReportEvent[] = [];
  let testAgentMessages = false;
  for (const e of sorted) {
    if (e.testAgent || (e.agentId !== undefined && testAgents.has(e.agentId))) {
      counts.testAgentEvents++;
      if ((e.kind ?? 'message') === 'message') testAgentMessages = true;
    } else {
      measured.push(e);
    }
  }
  let first: ReportEvent | undefined;
  let hasAgentMessage = false;
  let tier: string | undefined;
  for (const e of measured) {
    if ((e.kind ?? 'message') === 'message') {
      if (first === undefined && e.from === 'customer') first = e;
      if (e.from === 'agent') hasAgentMessage = true;
    }
    if (e.tier !== undefined) tier = e.tier;
  }
  // Testers talk to test customers: a chat only a test agent answered is a test chat.
  if (testAgentMessages && !hasAgentMessage) return { status: 'test', ...counts };
  // Outreach the customer never answered: nothing to respond to.
  if (first === undefined) return { status: 'noCustomer', ...counts };
  return {
    status: 'measured',
    ...counts,
    conversation: { id, customerId: first.customerId, events: measured, startAt: first.at, tier },
  };
}

/** The test agents of a log: the configured ones plus any agent on an event flagged `testAgent`. */
export function testAgentsOf(events: readonly ReportEvent[], testAgentIds: readonly string[]): Set<string> {
  const testAgents = new Set(testAgentIds);
  addTestAgents(testAgents, events, 0, events.length);
  return testAgents;
}

function addTestAgents(
  testAgents: Set<string>,
  events: readonly ReportEvent[],
  from: number,
  to: number,
): void {
  for (let k = from; k < to; k++) {
    const e = events[k]!;
    if (e.testAgent && e.agentId !== undefined) testAgents.add(e.agentId);
  }
}

/**
 * Drops repeated eventIds within a sorted conversation (a re-import or re-delivery is one event);
 * the first in sorted order stays. Ids are only compared inside their conversation.
 */
function keepOnce(sorted: ReportEvent[], counts: { duplicateEvents: number }): ReportEvent[] {
  if (sorted.length < 2) return sorted;
  const seen = new Set<string>();
  let kept = 0;
  for (const e of sorted) {
    if (e.eventId !== undefined) {
      if (seen.has(e.eventId)) {
        counts.duplicateEvents++;
        continue;
      }
      seen.add(e.eventId);
    }
    sorted[kept++] = e;
  }
  sorted.length = kept;
  return sorted;
}
