import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reporting/build-report';
import { distributionOf } from '../../src/reporting/distribution';
import type { ReportEvent, ReportEventKind } from '../../src/reporting/report-event';

const T0 = Date.parse('2024-06-03T10:00:00+08:00');

function chat(conversationId: string) {
  const events: ReportEvent[] = [];
  const base = { conversationId, customerId: `buyer-${conversationId}` };
  const at = (s: number) => T0 + s * 1000;
  const push = (e: ReportEvent) => {
    events.push(e);
    return api;
  };
  const api = {
    events,
    customer: (s: number) => push({ ...base, from: 'customer', at: at(s) }),
    agent: (s: number, agentId: string) => push({ ...base, from: 'agent', agentId, at: at(s) }),
    bot: (s: number) => push({ ...base, from: 'bot', at: at(s) }),
    routing: (kind: ReportEventKind, s: number, agentId?: string) =>
      push({ ...base, kind, at: at(s), ...(agentId && { agentId }) }),
  };
  return api;
}

const report = (...chats: { events: ReportEvent[] }[]) =>
  buildReport({ events: chats.flatMap((c) => c.events) });

describe('first response time', () => {
  it('when the bot answers at once and an agent later, then "any" and "human" are measured apart from the first customer message', () => {
    const c = chat('c1').customer(0).bot(2).customer(10).routing('handoff', 12).agent(42, 'a');

    const r = report(c);

    expect(r.overall.firstResponseSeconds).toMatchObject({ count: 1, median: 2, unanswered: 0 });
    expect(r.overall.firstHumanResponseSeconds).toMatchObject({ count: 1, median: 42, unanswered: 0 });
    expect(r.overall.firstHumanResponseFromHandoffSeconds).toMatchObject({
      count: 1,
      median: 30,
      unanswered: 0,
    });
  });

  it('when a customer never gets a person, then the chat is counted as unanswered, not as 0 s', () => {
    const answered = chat('ok').customer(0).agent(20, 'a');
    const neverAnswered = chat('lost').customer(0).bot(1).routing('handoff', 5);

    const r = report(answered, neverAnswered);

    expect(r.overall.firstHumanResponseSeconds).toMatchObject({
      count: 1,
      median: 20,
      mean: 20,
      unanswered: 1,
    });
    expect(r.overall.firstHumanResponseFromHandoffSeconds).toMatchObject({ count: 0, unanswered: 1 });
    expect(r.overall.firstResponseSeconds).toMatchObject({ count: 2, unanswered: 0 }); // the bot did answer
  });

  it('when only the bot answered and nothing was handed off, then the chat is resolved by the bot, not unanswered', () => {
    const r = report(chat('bot-only').customer(0).bot(1));

    expect(r.overall.resolvedByBot).toBe(1);
    expect(r.overall.firstHumanResponseSeconds).toMatchObject({ count: 0, unanswered: 0 });
    expect(r.overall.conversationsAwaitingHuman).toBe(0);
  });

  it('when nobody answered at all, then it is unanswered both for any reply and for a person', () => {
    const r = report(chat('silence').customer(0));

    expect(r.overall.firstResponseSeconds.unanswered).toBe(1);
    expect(r.overall.firstHumanResponseSeconds.unanswered).toBe(1);
  });

  it('when a greeting precedes the customer, then it is not a response', () => {
    const r = report(chat('greet').bot(0).customer(5).agent(35, 'a'));

    expect(r.overall.firstResponseSeconds.median).toBe(30);
  });

  it('when three chats are answered after 10, 20 and 60 s, then median, mean and p90 follow the documented method', () => {
    const r = report(
      chat('a').customer(0).agent(10, 'x'),
      chat('b').customer(0).agent(20, 'x'),
      chat('c').customer(0).agent(60, 'y'),
    );

    // sorted 10, 20, 60: median 20; mean 30; p90 rank 1.8 → 20 + 0.8 · 40 = 52
    expect(r.overall.firstHumanResponseSeconds).toMatchObject({ count: 3, median: 20, mean: 30, p90: 52 });
    expect(r.agents.find((a) => a.agentId === 'x')!.firstResponseSeconds).toMatchObject({
      count: 2,
      median: 15,
    });
  });
});

describe('first-response distribution', () => {
  it('when durations sit on bucket edges, then each bucket includes its upper bound', () => {
    const s = [0, 10, 10.001, 30, 59, 60, 61, 180, 300, 301, 900, 1800, 1801, 86_400];

    const buckets = distributionOf(s.map((x) => x * 1000));

    expect(buckets.map((b) => [b.label, b.count])).toEqual([
      ['0–10 s', 2],
      ['10–30 s', 2],
      ['30–60 s', 2],
      ['1–3 min', 2],
      ['3–5 min', 1],
      ['5–15 min', 2],
      ['15–30 min', 1],
      ['30 min+', 2],
    ]);
    expect(buckets[0]!.share).toBeCloseTo(2 / s.length, 12);
  });

  it('when the report is built, then the human distribution counts only answered chats', () => {
    const r = buildReport({
      events: [
        ...chat('fast').customer(0).agent(5, 'a').events,
        ...chat('slow').customer(0).agent(200, 'a').events,
        ...chat('never').customer(0).events,
      ],
    });

    const human = r.distribution.firstHumanResponse;
    expect(human.find((b) => b.label === '0–10 s')).toMatchObject({ count: 1, share: 0.5 });
    expect(human.find((b) => b.label === '3–5 min')).toMatchObject({ count: 1, share: 0.5 });
    expect(human.reduce((n, b) => n + b.count, 0)).toBe(2);
  });
});
