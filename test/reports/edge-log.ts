import type { SettledConversation } from '../../src/reports/facts-codec';
import type { ConversationFacts } from '../../src/reporting/conversation-facts';
import type { ReportEvent } from '../../src/reporting/report-event';
import { newConversation } from '../../src/store/rows';
import type { ConversationsTable, EventsTable } from '../../src/store/tables';

/**
 * A log of conversations that start days before a period, wait hours for an agent, are transferred
 * through a group or stay open — with the engine events it must map to written down next to it.
 */

export const BASE = Date.parse('2026-11-20T00:00:00+08:00');
export const HOUR = 3_600_000;
const AGENTS = ['a1', 'a2', 'a3', 'a4'];
const TIERS = ['urgent', 'general', 'complex', null, 'legacy'];

/** A small seeded generator: the same log for the same seed. */
export function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

export interface Generated {
  conversations: ConversationsTable[];
  events: Omit<EventsTable, 'seq'>[];
  expected: ReportEvent[];
}

export function generate(count: number, seed: number): Generated {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const out: Generated = { conversations: [], events: [], expected: [] };
  for (let n = 0; n < count; n++) {
    const id = `conv-${seed}-${n}`;
    const customer = `api:cust-${Math.floor(random() * (count / 3))}`;
    const tier = pick(TIERS);
    let t = BASE + Math.floor(random() * 4 * 24 * HOUR);
    const row = newConversation(id, customer, 'api', t);
    row.tier = tier;
    const expected: ReportEvent[] = [];
    let k = 0;
    const log = (
      type: string,
      actor: EventsTable['actor'],
      agent: string | null,
      data: unknown,
      e?: Partial<ReportEvent>,
    ) => {
      out.events.push({
        id: `${id}:${k++}`,
        conversation_id: id,
        customer_key: customer,
        channel: 'api',
        type,
        actor,
        agent_id: agent,
        at: t,
        platform_at: null,
        intent: null,
        text: type === 'message.received' ? '你好' : null,
        data: data === null ? null : JSON.stringify(data),
      });
      if (e) expected.push({ conversationId: id, customerId: customer, at: t, ...e } as ReportEvent);
    };
    log('message.received', 'customer', null, {}, { from: 'customer' });
    t += Math.floor(random() * 900);
    log('bot.replied', 'bot', null, { kind: 'template' }, { from: 'bot' });
    row.last_message_at = t;
    if (random() < 0.25) {
      // The bot only; maybe a second question later the same day.
      if (random() < 0.5) {
        t += Math.floor(random() * 2 * HOUR);
        log('message.received', 'customer', null, {}, { from: 'customer' });
        t += 300;
        log('bot.replied', 'bot', null, { kind: 'template' }, { from: 'bot' });
        row.last_message_at = t;
      }
    } else {
      t += 1000;
      log('conversation.handoff', 'system', null, { reason: 'intent' }, { kind: 'handoff' });
      log('customer.notified', 'system', null, { kind: 'queue' });
      row.status = 'waiting';
      let agent = pick(AGENTS);
      // Some wait hours in the queue, across the edges of any period.
      t += Math.floor(random() * random() * 6 * HOUR);
      log('conversation.assigned', 'system', agent, {}, { kind: 'assigned', agentId: agent });
      row.status = 'assigned';
      for (let r = 1 + Math.floor(random() * 3); r > 0; r--) {
        t += Math.floor(random() * random() * 5 * HOUR);
        if (random() < 0.15)
          log('conversation.overdue', 'system', agent, { tier }, { kind: 'overdue', agentId: agent });
        log('agent.replied', 'agent', agent, { kind: 'agent' }, { from: 'agent', agentId: agent });
        row.last_message_at = t;
        const move = random();
        if (move < 0.12) {
          const to = pick(AGENTS.filter((a) => a !== agent));
          t += 5000;
          log(
            'conversation.transferred',
            'system',
            to,
            { from: agent, to, kind: 'manual' },
            {
              kind: 'transfer',
              agentId: to,
              fromAgentId: agent,
            },
          );
          agent = to;
        } else if (move < 0.22) {
          // Back to a group's queue; whoever gets it next is where it went.
          const to = pick(AGENTS.filter((a) => a !== agent));
          t += 5000;
          log('conversation.requeued', 'system', agent, { reason: 'transfer to group general' });
          log('conversation.transferred', 'system', 'supervisor-1', {
            kind: 'manual',
            from: agent,
            group: 'general',
            note: null,
          });
          t += Math.floor(random() * HOUR);
          log(
            'conversation.assigned',
            'system',
            to,
            {},
            { kind: 'transfer', agentId: to, fromAgentId: agent },
          );
          agent = to;
        }
        t += Math.floor(random() * 3 * HOUR);
        for (let m = 1 + Math.floor(random() * 2); m > 0; m--) {
          log('message.received', 'customer', null, {}, { from: 'customer' });
          row.last_message_at = t;
          t += 4000;
        }
      }
      if (random() < 0.5) {
        t += Math.floor(random() * HOUR);
        log('agent.replied', 'agent', agent, { kind: 'agent' }, { from: 'agent', agentId: agent });
        row.last_message_at = t;
      }
      if (random() < 0.7) {
        t += Math.floor(random() * 8 * HOUR);
        log('conversation.closed', 'system', agent, null, { kind: 'closed' });
        row.status = 'closed';
        row.closed_at = t;
      }
    }
    if (expected[0] && tier !== null) expected[0] = { ...expected[0], tier };
    out.conversations.push(row);
    out.expected.push(...expected);
  }
  return out;
}

/** Test agents and spam on the events, as an imported log has them. */
export function withTestAgentsAndSpam(events: readonly ReportEvent[]): ReportEvent[] {
  return events.map((e, i) =>
    e.agentId === 'a4' && i % 2 === 0 ? { ...e, testAgent: true } : i === 40 ? { ...e, spam: true } : e,
  );
}

/** The facts as the settle job stores them, on two channels and without row tier, group or mentions. */
export function settledItems(facts: { conversations: readonly ConversationFacts[] }): SettledConversation[] {
  return facts.conversations.map((f, i) => ({
    facts: f,
    channel: i % 3 === 0 ? 'web' : 'api',
    rowTier: null,
    group: null,
    mentions: [],
  }));
}
