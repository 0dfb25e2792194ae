import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reporting/build-report';
import type { ReportEvent } from '../../src/reporting/report-event';

const T0 = Date.parse('2024-06-03T10:00:00+08:00');

/** Events of one conversation, times in seconds after T0. */
function chat(conversationId: string, customerId = `buyer-${conversationId}`) {
  const events: ReportEvent[] = [];
  const base = { conversationId, customerId };
  const id = () => `${conversationId}-${events.length}`;
  const api = {
    events,
    customer(s: number) {
      events.push({ ...base, eventId: id(), from: 'customer', at: T0 + s * 1000 });
      return api;
    },
    agent(s: number, agentId: string) {
      events.push({ ...base, eventId: id(), from: 'agent', agentId, at: T0 + s * 1000 });
      return api;
    },
    bot(s: number) {
      events.push({ ...base, eventId: id(), from: 'bot', at: T0 + s * 1000 });
      return api;
    },
  };
  return api;
}

function report(...chats: { events: ReportEvent[] }[]) {
  return buildReport({ events: chats.flatMap((c) => c.events) });
}

describe('average response time', () => {
  it('when an agent has two sessions with replies 45, 5, 3 s and 25, 15 s, then the average is 18.6 s (a mean over replies)', () => {
    const session1 = chat('s1')
      .customer(0)
      .agent(45, 'xiaomei')
      .customer(100)
      .agent(105, 'xiaomei')
      .customer(200)
      .agent(203, 'xiaomei');
    const session2 = chat('s2').customer(1000).agent(1025, 'xiaomei').customer(1100).agent(1115, 'xiaomei');

    const r = report(session1, session2);

    expect(r.overall.replies).toBe(5);
    expect(r.overall.averageResponseSeconds).toBe(18.6);
    const agent = r.agents.find((a) => a.agentId === 'xiaomei')!;
    expect(agent.replies).toBe(5);
    expect(agent.averageResponseSeconds).toBe(18.6);
    // Not the mean of the session means ((53/3 + 40/2) / 2 ≈ 18.83).
    expect(agent.averageResponseSeconds).not.toBeCloseTo((53 / 3 + 20) / 2, 2);
  });

  it('when the customer sends several messages before one reply, then they count once, from the first of them', () => {
    const c = chat('burst').customer(0).customer(10).customer(20).agent(50, 'a');

    const r = report(c);

    expect(r.overall.replies).toBe(1);
    expect(r.overall.averageResponseSeconds).toBe(50);
  });

  it('when an agent sends a second message with nothing new from the customer, then it is not a response', () => {
    const c = chat('follow-up').customer(0).agent(30, 'a').agent(90, 'a').customer(100).agent(110, 'a');

    const r = report(c);

    expect(r.overall.replies).toBe(2); // 30 s and 10 s; the 90 s message answers nothing
    expect(r.overall.averageResponseSeconds).toBe(20);
    expect(r.agents.find((a) => a.agentId === 'a')!.messages).toBe(3);
  });

  it('when the bot replies first, then the wait for a person still runs from the customer message', () => {
    const c = chat('bot-first').customer(0).bot(2).customer(20).agent(60, 'a');

    const r = report(c);

    expect(r.overall.replies).toBe(1);
    expect(r.overall.averageResponseSeconds).toBe(60);
  });

  it('when two agents answer in one chat, then each reply is attributed to the agent who sent it', () => {
    const c = chat('two')
      .customer(0)
      .agent(10, 'a')
      .customer(100)
      .agent(130, 'b')
      .customer(200)
      .agent(250, 'a');

    const r = report(c);

    const a = r.agents.find((x) => x.agentId === 'a')!;
    const b = r.agents.find((x) => x.agentId === 'b')!;
    expect([a.replies, a.averageResponseSeconds]).toEqual([2, 30]); // (10 + 50) / 2
    expect([b.replies, b.averageResponseSeconds]).toEqual([1, 30]);
    expect(r.overall.averageResponseSeconds).toBe(30); // (10 + 30 + 50) / 3
  });

  it('when the last customer message is never answered, then it is counted apart and not averaged as 0', () => {
    const c = chat('trailing').customer(0).agent(40, 'a').customer(100);

    const r = report(c);

    expect(r.overall.averageResponseSeconds).toBe(40);
    expect(r.overall.unansweredRounds).toBe(1);
  });
});
