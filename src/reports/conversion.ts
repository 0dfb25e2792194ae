import { agentActivityOf } from '../reporting/agent-activity';
import type { ConversationFacts } from '../reporting/conversation-facts';
import type { Conversation } from '../reporting/conversations';
import { inPeriod, type Period } from '../reporting/period';
import { rate } from '../reporting/stats';
import { finish, ROWS_PER_STEP, type Steps } from '../reporting/steps';

export interface OrderLite {
  order_id: string;
  customer_key: string;
  paid_at: number;
  amount_cents: number;
}

export interface AgentConversion {
  agentId: string;
  /** Customers whose conversation (started in the period) this agent served: sent the last agent message. */
  customersServed: number;
  /** Of those, buyers whose order is attributed to this agent. */
  buyers: number;
  rate: number | null;
  /** Buyers this agent helped with (wrote in the paying conversation) while another agent served it. */
  assistedBuyers: number;
  /** Sum of the attributed orders, in currency units. */
  amount: number;
}

export interface ConversionFigures {
  /** An order counts when paid within this many hours after one of the customer's conversations started. */
  windowHours: number;
  /** Distinct customers with a measured conversation started in the period. */
  customersAsked: number;
  /** Of those, customers with an order paid in a conversation's window. */
  buyers: number;
  rate: number | null;
  orders: number;
  amount: number;
  /** Buyers whose paying conversation no agent wrote in (the bot alone, or nobody). */
  unattributedBuyers: number;
  agents: AgentConversion[];
}

/** What conversion reads of a measured conversation, when its facts are held as columns. */
export interface ConversationStart {
  customerId: string;
  startAt: number;
  servingAgentId: string | null;
  /** Agents who wrote in it, in the order they first wrote. */
  writers: string[];
}

interface Tally {
  served: Set<string>;
  buyers: Set<string>;
  assisted: Set<string>;
  cents: number;
}

/**
 * Conversion (询单转化率): buyers who paid ÷ customers who asked. A customer asked when a measured
 * conversation of theirs started in the period (spam and test chats are already gone); they bought
 * when an order of theirs was paid within `windowHours` after such a conversation started. The
 * order is attributed to the **serving agent** of the latest such conversation started before the
 * payment (the agent who sent its last agent message); the other agents who wrote in it count the
 * buyer as **assisted** (协助跟进).
 */
export function conversionOf(
  conversations: readonly (Conversation | ConversationFacts | ConversationStart)[],
  period: Period,
  orders: readonly OrderLite[],
  windowHours: number,
): ConversionFigures {
  return finish(conversionSteps(conversations, period, orders, windowHours));
}

/** `conversionOf` in steps of `ROWS_PER_STEP` conversations or orders. */
export function* conversionSteps(
  conversations: readonly (Conversation | ConversationFacts | ConversationStart)[],
  period: Period,
  orders: readonly OrderLite[],
  windowHours: number,
): Steps<ConversionFigures> {
  const windowMs = windowHours * 3_600_000;
  const byCustomer = new Map<string, { startAt: number; serving: string | null; writers: string[] }[]>();
  const agents = new Map<string, Tally>();
  const agent = (id: string) => {
    let t = agents.get(id);
    if (!t) {
      t = { served: new Set(), buyers: new Set(), assisted: new Set(), cents: 0 };
      agents.set(id, t);
    }
    return t;
  };
  let n = 0;
  for (const c of conversations) {
    if (++n % ROWS_PER_STEP === 0) yield;
    const entry = servingOf(c);
    if (entry === null || !inPeriod(period, entry.startAt)) continue;
    let list = byCustomer.get(c.customerId);
    if (!list) {
      list = [];
      byCustomer.set(c.customerId, list);
    }
    list.push(entry);
    if (entry.serving !== null) agent(entry.serving).served.add(c.customerId);
  }
  for (const list of byCustomer.values()) {
    list.sort((a, b) => a.startAt - b.startAt);
    if (++n % ROWS_PER_STEP === 0) yield;
  }

  const buyers = new Set<string>();
  const unattributed = new Set<string>();
  let counted = 0;
  let cents = 0;
  for (const o of orders) {
    if (++n % ROWS_PER_STEP === 0) yield;
    const list = byCustomer.get(o.customer_key);
    if (!list) continue;
    // The latest conversation started at or before the payment, if the payment is in its window.
    let paying: (typeof list)[number] | undefined;
    for (const c of list) {
      if (c.startAt <= o.paid_at) paying = c;
      else break;
    }
    if (!paying || o.paid_at - paying.startAt > windowMs) continue;
    counted++;
    cents += o.amount_cents;
    buyers.add(o.customer_key);
    if (paying.serving === null) {
      unattributed.add(o.customer_key);
      continue;
    }
    const t = agent(paying.serving);
    t.buyers.add(o.customer_key);
    t.cents += o.amount_cents;
    for (const w of paying.writers) if (w !== paying.serving) agent(w).assisted.add(o.customer_key);
  }
  return {
    windowHours,
    customersAsked: byCustomer.size,
    buyers: buyers.size,
    rate: rate(buyers.size, byCustomer.size),
    orders: counted,
    amount: cents / 100,
    unattributedBuyers: unattributed.size,
    agents: [...agents.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([agentId, t]) => ({
        agentId,
        customersServed: t.served.size,
        buyers: t.buyers.size,
        rate: rate(t.buyers.size, t.served.size),
        assistedBuyers: t.assisted.size,
        amount: t.cents / 100,
      })),
  };
}

/** Start, serving agent and writers of a conversation, from its events or its measured facts. */
function servingOf(
  c: Conversation | ConversationFacts | ConversationStart,
): { startAt: number; serving: string | null; writers: string[] } | null {
  if ('writers' in c) return { startAt: c.startAt, serving: c.servingAgentId, writers: c.writers };
  if ('startAt' in c) {
    const activity = agentActivityOf(c.events);
    return {
      startAt: c.startAt,
      serving: activity.servingAgentId,
      writers: [...activity.messagesByAgent.keys()],
    };
  }
  const m = c.measured;
  if (m === null) return null;
  return { startAt: m.first.startAt, serving: m.servingAgentId, writers: m.agentMessages.map(([a]) => a) };
}
