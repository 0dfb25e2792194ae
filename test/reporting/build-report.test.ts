import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reporting/build-report';
import type { ReportEvent, ReportEventKind } from '../../src/reporting/report-event';
import { ReportError } from '../../src/reporting/report-errors';

const T0 = Date.parse('2024-06-03T10:00:00+08:00');
const sec = (s: number) => T0 + s * 1000;

function chat(conversationId: string, extra: Partial<ReportEvent> = {}) {
  const events: ReportEvent[] = [];
  const base = { conversationId, customerId: `buyer-${conversationId}`, ...extra };
  const id = () => `${conversationId}#${events.length}`;
  const push = (e: ReportEvent) => {
    events.push(e);
    return api;
  };
  const api = {
    events,
    customer: (s: number, more: Partial<ReportEvent> = {}) =>
      push({ ...base, eventId: id(), from: 'customer', at: sec(s), ...more }),
    agent: (s: number, agentId: string, more: Partial<ReportEvent> = {}) =>
      push({ ...base, eventId: id(), from: 'agent', agentId, at: sec(s), ...more }),
    bot: (s: number) => push({ ...base, eventId: id(), from: 'bot', at: sec(s) }),
    routing: (kind: ReportEventKind, s: number, more: Partial<ReportEvent> = {}) =>
      push({ ...base, eventId: id(), kind, at: sec(s), ...more }),
  };
  return api;
}

const all = (...chats: { events: ReportEvent[] }[]) => chats.flatMap((c) => c.events);

/** Deterministic shuffle (a fixed LCG), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('exclusions', () => {
  it('when a conversation has a spam-flagged event, then it is out of every metric', () => {
    const real = chat('real').customer(0).agent(10, 'a');
    const spam = chat('ad').customer(0).customer(1, { spam: true }).agent(500, 'a');

    const r = buildReport({ events: all(real, spam) });

    expect(r.input.spamConversations).toBe(1);
    expect(r.overall.conversations).toBe(1);
    expect(r.overall.firstHumanResponseSeconds).toMatchObject({ count: 1, mean: 10 });
    expect(r.overall.averageResponseSeconds).toBe(10);
    expect(r.days[0]!.customersAsked).toBe(1);
    expect(r.agents.find((x) => x.agentId === 'a')!.chatsServed).toBe(1);
  });

  it('when a test agent writes in a real chat, then only the real agent counts', () => {
    const c = chat('mixed').customer(0).agent(5, 'boss', { testAgent: true }).agent(40, 'a');

    const r = buildReport({ events: all(c) });

    expect(r.overall.firstHumanResponseSeconds.mean).toBe(40);
    expect(r.agents.map((x) => x.agentId)).toEqual(['a']);
    expect(r.input.testAgentEvents).toBe(1);
  });

  it('when testAgentIds names an agent, then that agent is excluded on every event, and a chat only they answered is a test chat', () => {
    const test = chat('drill').customer(0).agent(3, 'trainee');
    const real = chat('real').customer(0).agent(30, 'trainee').agent(60, 'a');

    const r = buildReport({ events: all(test, real) }, { testAgentIds: ['trainee'] });

    expect(r.input.testConversations).toBe(1);
    expect(r.overall.conversations).toBe(1);
    expect(r.overall.firstHumanResponseSeconds.mean).toBe(60);
    expect(r.agents.map((x) => x.agentId)).toEqual(['a']);
  });
});

describe('input order and duplicates', () => {
  const log = () =>
    all(
      chat('x', { tier: 'urgent' })
        .customer(0)
        .bot(1)
        .routing('handoff', 2)
        .routing('assigned', 3, { agentId: 'a' })
        .agent(20, 'a')
        .customer(30)
        .customer(35)
        .agent(50, 'a'),
      chat('y')
        .customer(100)
        .agent(160, 'b')
        .customer(200)
        .agent(201, 'b')
        .routing('transfer', 210, { agentId: 'a' })
        .customer(220)
        .agent(400, 'a'),
      chat('z').customer(50).agent(50, 'b'), // the reply in the same millisecond still follows the question
    );

  it('when events arrive shuffled, then the report is identical to the sorted one', () => {
    const sorted = buildReport({ events: log() });

    for (const seed of [1, 2, 3]) expect(buildReport({ events: shuffled(log(), seed) })).toEqual(sorted);
    expect(sorted.overall.replies).toBe(6);
    expect(sorted.overall.firstHumanResponseSeconds).toMatchObject({ count: 3, median: 20 }); // 0, 20, 60 s
    expect(sorted.overall.firstHumanResponseSeconds.mean).toBeCloseTo(80 / 3, 3);
  });

  it('when the same eventId arrives twice, then it counts once', () => {
    const events = log();
    const withDuplicates = [...events, ...events.slice(0, 5).map((e) => ({ ...e }))];

    const r = buildReport({ events: withDuplicates });

    expect(r.input.duplicateEvents).toBe(5);
    expect(r).toEqual({
      ...buildReport({ events }),
      input: { ...buildReport({ events }).input, events: events.length + 5, duplicateEvents: 5 },
    });
  });

  it('when one eventId carries two different times, then the earlier stays whatever the input order', () => {
    const c = chat('clash').customer(0);
    const early = { ...c.events[0]!, eventId: 'r1', from: 'agent' as const, agentId: 'a', at: sec(10) };
    const late = { ...early, at: sec(50) };

    const one = buildReport({ events: [...c.events, late, early] });
    const other = buildReport({ events: [...c.events, early, late] });

    expect(one).toEqual(other);
    expect(one.overall.averageResponseSeconds).toBe(10);
    expect(one.input.duplicateEvents).toBe(1);
  });

  it('when a duplicate differs only in eventId, then it is a different event (ids are the identity)', () => {
    const c = chat('d').customer(0).agent(10, 'a');
    const copy = { ...c.events[1]!, eventId: 'other', at: sec(20) };

    const r = buildReport({ events: [...c.events, copy] });

    expect(r.agents[0]!.messages).toBe(2);
    expect(r.overall.replies).toBe(1);
  });
});

describe('period', () => {
  it('when from/to are given, then conversations count by their first message and replies by the message that started the wait', () => {
    const before = chat('before').customer(-3600).agent(-3590, 'a').customer(100).agent(130, 'a');
    const inside = chat('inside').customer(0).agent(20, 'a');
    const after = chat('after').customer(7200).agent(7210, 'a');

    const r = buildReport({ events: all(before, inside, after) }, { from: sec(0), to: sec(3600) });

    expect(r.overall.conversations).toBe(1);
    expect(r.overall.firstHumanResponseSeconds).toMatchObject({ count: 1, mean: 20 });
    expect(r.overall.replies).toBe(2); // 20 s (inside) and 30 s (the wait from `before` that began in the period)
    expect(r.overall.averageResponseSeconds).toBe(25);
    expect(r.period.from).toBe(new Date(sec(0)).toISOString());
  });

  it('when the period is reversed or empty, then the report refuses with an error naming from', () => {
    const events = all(chat('c').customer(0));
    expect(() => buildReport({ events }, { from: sec(10), to: sec(0) })).toThrow(ReportError);
    expect(() => buildReport({ events }, { from: sec(10), to: sec(10) })).toThrow(
      /from .* must be before to/,
    );
  });

  it('when an option is malformed, then the error names it', () => {
    const events = all(chat('c').customer(0));
    expect(() => buildReport({ events }, { roundWindow: { start: '8am', end: '24:00' } })).toThrow(
      /roundWindow\.start/,
    );
    expect(() => buildReport({ events }, { defaultTier: 'vip' })).toThrow(/defaultTier "vip"/);
    expect(() =>
      buildReport(
        { events },
        { tiers: { general: { firstReplySeconds: -1, replySeconds: 1, complianceTarget: 0.8 } } },
      ),
    ).toThrow(/tiers\.general\.firstReplySeconds/);
  });
});

describe('compliance per tier', () => {
  it('when urgent chats are answered in 20 s and 40 s and one never, then first-reply compliance is 1/3 against 90 %', () => {
    const u1 = chat('u1', { tier: 'urgent' }).customer(0).agent(20, 'a').customer(100).agent(150, 'a');
    const u2 = chat('u2', { tier: 'urgent' }).customer(0).agent(40, 'a');
    const u3 = chat('u3', { tier: 'urgent' }).customer(0);
    const g = chat('g').customer(0).agent(200, 'b'); // no tier → general (300 s)

    const r = buildReport({ events: all(u1, u2, u3, g) });

    const urgent = r.tiers.find((t) => t.tier === 'urgent')!;
    expect(urgent.targets).toEqual({ firstReplySeconds: 30, replySeconds: 60, complianceTarget: 0.9 });
    expect(urgent.firstReply).toEqual({ total: 3, within: 1, rate: 1 / 3, meetsTarget: false });
    // Replies: 20 s ✓, 50 s ✓ (target 60 s), 40 s ✓.
    expect(urgent.replies).toEqual({ total: 3, within: 3, rate: 1, meetsTarget: true });
    const general = r.tiers.find((t) => t.tier === 'general')!;
    expect(general.firstReply).toEqual({ total: 1, within: 1, rate: 1, meetsTarget: true });
  });

  it('when tiers are passed in, then they replace the defaults; an unknown tier name falls back to the default tier and is reported', () => {
    const c = chat('c', { tier: 'vip' }).customer(0).agent(50, 'a');

    const r = buildReport(
      { events: all(c) },
      {
        tiers: { normal: { firstReplySeconds: 60, replySeconds: 60, complianceTarget: 0.5 } },
        defaultTier: 'normal',
      },
    );

    expect(r.tiers.map((t) => t.tier)).toEqual(['normal']);
    expect(r.tiers[0]!.firstReply).toMatchObject({ total: 1, within: 1 });
    expect(r.input.unknownTiers).toEqual({ vip: 1 });
  });
});

describe('per agent', () => {
  it('when a chat is assigned, transferred and finished by another agent, then reaction, transfers and assists are attributed', () => {
    const c = chat('t')
      .customer(0)
      .routing('handoff', 5)
      .routing('assigned', 10, { agentId: 'a' })
      .agent(25, 'a') // reaction 15 s
      .customer(40)
      .routing('overdue', 200) // charged to the holder, a
      .routing('transfer', 210, { agentId: 'b' })
      .agent(240, 'b') // reaction 30 s; answers the 40 s message (200 s)
      .customer(300)
      .agent(305, 'b');
    const unreacted = chat('u')
      .customer(0)
      .routing('assigned', 1, { agentId: 'a' })
      .routing('assigned', 60, { agentId: 'b' })
      .agent(70, 'b');

    const r = buildReport({ events: all(c, unreacted) });
    const a = r.agents.find((x) => x.agentId === 'a')!;
    const b = r.agents.find((x) => x.agentId === 'b')!;

    expect(a).toMatchObject({
      chatsServed: 1,
      assistedChats: 1,
      transfersOut: 1,
      transfersIn: 0,
      overdue: 1,
      replies: 1,
    });
    expect(a.reactionSeconds).toMatchObject({ count: 1, median: 15, unanswered: 1 });
    expect(b).toMatchObject({
      chatsServed: 2,
      assistedChats: 0,
      transfersIn: 1,
      transfersOut: 0,
      overdue: 0,
      replies: 3,
    });
    expect(b.reactionSeconds).toMatchObject({ count: 2, mean: 20 }); // 30 s and 10 s
    expect(b.averageResponseSeconds).toBeCloseTo((200 + 5 + 70) / 3, 3);
    expect(r.overall.firstHumanResponseFromHandoffSeconds).toMatchObject({ count: 1, median: 20 });
    expect(r.overall).toMatchObject({ transfers: 1, overdue: 1 });
  });

  it('when presence is given, then online hours merge overlaps and chats per online hour follow', () => {
    const events = all(
      chat('1').customer(0).agent(10, 'a'),
      chat('2').customer(0).agent(10, 'a'),
      chat('3').customer(0).agent(10, 'a'),
    );
    const presence = [
      { agentId: 'a', from: sec(-3600), to: sec(0) },
      { agentId: 'a', from: sec(-1800), to: sec(1800) }, // overlaps the first by 30 min
      { agentId: 'idle', from: sec(0), to: sec(3600) },
    ];

    const r = buildReport({ events, presence });

    expect(r.agents.find((x) => x.agentId === 'a')).toMatchObject({
      onlineHours: 1.5,
      chatsPerOnlineHour: 2,
    });
    expect(r.agents.find((x) => x.agentId === 'idle')).toMatchObject({
      chatsServed: 0,
      onlineHours: 1,
      chatsPerOnlineHour: 0,
    });
    expect(buildReport({ events }).agents[0]).not.toHaveProperty('onlineHours');
  });
});

describe('load by hour and staffing', () => {
  // Day 1: three chats at 10:xx; day 2: one. Every chat: customer, agent 600 s later → handle time 600 s.
  const day = (d: number, i: number, minute: number) =>
    chat(`d${d}-${i}`)
      .customer(d * 86_400 + minute * 60)
      .agent(d * 86_400 + minute * 60 + 600, 'a');
  const events = () =>
    all(
      day(0, 1, 0),
      day(0, 2, 10),
      day(0, 3, 20),
      day(1, 1, 30),
      chat('bot')
        .customer(86_400 + 60)
        .bot(86_400 + 61),
    );

  it('when arrivals differ by day, then per-day mean and peak are reported for the local hour', () => {
    const r = buildReport({ events: events() });

    const ten = r.hours[10]!;
    expect(ten).toMatchObject({
      arrivals: 5,
      humanArrivals: 4,
      humanArrivalsPerDay: 2,
      peakHumanArrivals: 3,
    });
    expect(ten.firstHumanResponseMedianSeconds).toBe(600);
    expect(r.staffing).toMatchObject({
      observedDays: 2,
      basis: 'mean',
      targetWaitSeconds: 300,
      tier: 'general',
    });
    expect(r.staffing.handleTimeSeconds.mean).toBe(600);
  });

  it('when staffing is computed, then Erlang C uses arrivals × mean handle time, on the mean or the peak day', () => {
    const mean = buildReport({ events: events() }).hours[10]!.staffing;
    const peak = buildReport({ events: events() }, { staffing: { basis: 'peak' } }).hours[10]!.staffing;

    expect(mean.arrivalsPerHour).toBe(2);
    expect(mean.erlangC!.trafficErlangs).toBeCloseTo((2 * 600) / 3600, 12);
    expect(peak.erlangC!.trafficErlangs).toBeCloseTo((3 * 600) / 3600, 12);
    expect(mean.ruleOfThumb).toEqual({ fewest: 1, most: 1 });
    expect(buildReport({ events: events() }).hours[3]!.staffing.erlangC!.agents).toBe(0);
  });

  it('when a handle time exceeds the cap, then it is capped', () => {
    const long = chat('long').customer(0).agent(10, 'a').agent(10_000, 'a');

    const r = buildReport({ events: all(long) }, { staffing: { handleTimeCapSeconds: 1800 } });

    expect(r.staffing.handleTimeSeconds.mean).toBe(1800);
  });
});
