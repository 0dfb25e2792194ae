import { describe, expect, it } from 'vitest';
import { conversionOf } from '../../src/reports/conversion';
import {
  addRow,
  type EventRowLite,
  finishEvents,
  newLoadedConversation,
} from '../../src/reports/events-from-db';
import { onlineIntervals } from '../../src/reports/presence';
import { resolveReportQuery } from '../../src/reports/report-query';
import { withheldOnlineFigures } from '../../src/reports/report-service';
import { prepareConversations } from '../../src/reporting/conversations';
import type { HttpError } from '../../src/http/errors';

const base = {
  conversation_id: 'c',
  customer_key: 'api:x',
  channel: 'api',
  agent_id: null,
  data: null,
  text: null,
};
const row = (type: string, at: number, extra: Partial<EventRowLite> = {}): EventRowLite => ({
  ...base,
  type,
  at,
  ...extra,
});

describe('database rows → engine events', () => {
  it('maps every measured type and skips notices, requeues and holds', () => {
    const c = newLoadedConversation(base);
    const rules = { keywords: ['加微信'], patterns: [], maxLinks: 0 };
    const kept = [
      row('message.received', 1, { text: '在吗' }),
      row('bot.replied', 2),
      row('customer.notified', 3),
      row('conversation.handoff', 4),
      row('conversation.assigned', 5, { agent_id: 'a1' }),
      row('conversation.on_hold', 6, { agent_id: 'a1' }),
      row('agent.replied', 7, { agent_id: 'a1' }),
      row('conversation.transferred', 8, {
        agent_id: 'a2',
        data: JSON.stringify({ from: 'a1', to: 'a2', kind: 'manual' }),
      }),
      row('conversation.overdue', 9, { agent_id: 'a2' }),
      row('conversation.requeued', 10, { agent_id: 'a2' }),
      row('conversation.closed', 11, { agent_id: 'a2' }),
    ].map((r) => addRow(c, r, rules));
    expect(kept).toEqual([true, true, false, true, true, false, true, true, true, false, true]);
    expect(c.events.map((e) => [e.kind ?? 'message', e.from, e.agentId, e.fromAgentId])).toEqual([
      ['message', 'customer', undefined, undefined],
      ['message', 'bot', undefined, undefined],
      ['handoff', undefined, undefined, undefined],
      ['assigned', undefined, 'a1', undefined],
      ['message', 'agent', 'a1', undefined],
      ['transfer', undefined, 'a2', 'a1'],
      ['overdue', undefined, 'a2', undefined],
      ['closed', undefined, undefined, undefined],
    ]);
    expect(c.ruleSpam).toBe(false);
    addRow(c, row('message.received', 12, { text: '加 微信 领红包' }), rules);
    expect(c.ruleSpam).toBe(true); // folded like intent keywords: spaces do not hide it
  });

  it('turns a transfer to a group into a transfer to whoever is assigned next', () => {
    const c = newLoadedConversation(base);
    addRow(c, row('message.received', 1));
    addRow(c, row('conversation.assigned', 2, { agent_id: 'a1' }));
    addRow(c, row('agent.replied', 3, { agent_id: 'a1' }));
    // agent_id is the person who moved it (here a supervisor), not a receiver.
    addRow(
      c,
      row('conversation.transferred', 4, {
        agent_id: 'sup',
        data: JSON.stringify({ kind: 'manual', from: 'a1', group: 'vip' }),
      }),
    );
    addRow(c, row('conversation.assigned', 9, { agent_id: 'a3' }));
    expect(c.groupTransfers).toEqual([{ at: 4, from: 'a1' }]);
    c.tier = 'urgent';
    const events = finishEvents(c);
    expect(events.map((e) => [e.kind ?? 'message', e.agentId, e.fromAgentId, e.at])).toEqual([
      ['message', undefined, undefined, 1],
      ['assigned', 'a1', undefined, 2],
      ['message', 'a1', undefined, 3],
      ['transfer', 'a3', 'a1', 9],
    ]);
    expect(events[0]!.tier).toBe('urgent');
    expect(c.events[0]!.tier).toBeUndefined(); // the loaded list is left as read
  });

  it('marks spam on the conversation, the manual flag winning over the rule', () => {
    const c = newLoadedConversation(base);
    addRow(c, row('message.received', 1));
    c.ruleSpam = true;
    expect(finishEvents(c)[0]!.spam).toBe(true);
    c.manualSpam = false;
    expect(finishEvents(c)[0]!.spam).toBeUndefined();
    c.ruleSpam = false;
    c.manualSpam = true;
    expect(finishEvents(c)[0]!.spam).toBe(true);
  });
});

describe('presence → online intervals', () => {
  it('runs from each online change to the next change, clipped to the period', () => {
    const points = [
      { agentId: 'a', status: 'offline', at: 0 },
      { agentId: 'a', status: 'online', at: 100 },
      { agentId: 'a', status: 'away', at: 400 },
      { agentId: 'a', status: 'online', at: 500 },
      { agentId: 'b', status: 'online', at: 50 },
    ];
    expect(onlineIntervals(points, 200, 1000)).toEqual([
      { agentId: 'a', from: 200, to: 400 },
      { agentId: 'a', from: 500, to: 1000 },
      { agentId: 'b', from: 200, to: 1000 },
    ]);
    expect(onlineIntervals(points, 600, 700)).toEqual([
      { agentId: 'a', from: 600, to: 700 },
      { agentId: 'b', from: 600, to: 700 },
    ]);
  });
});

describe('conversion', () => {
  const ev = (
    conversationId: string,
    customerId: string,
    at: number,
    from: 'customer' | 'agent' | 'bot',
    agentId?: string,
  ) => ({
    conversationId,
    customerId,
    at,
    from,
    ...(agentId ? { agentId } : {}),
  });
  const H = 3_600_000;
  const prepared = prepareConversations(
    [
      ev('k1', 'buyer', 0, 'customer'),
      ev('k1', 'buyer', 10, 'agent', 'helper'),
      ev('k1', 'buyer', 20, 'agent', 'closer'),
      ev('k2', 'buyer', 5 * H, 'customer'),
      ev('k2', 'buyer', 5 * H + 10, 'agent', 'other'),
      ev('k3', 'window', 0, 'customer'),
      ev('k3', 'window', 10, 'agent', 'closer'),
      ev('k4', 'asker', 0, 'customer'),
      ev('k4', 'asker', 5, 'bot'),
    ],
    { testAgentIds: [], tierNames: new Set(['general']), defaultTier: 'general' },
  ).conversations;

  it('attributes an order to the serving agent of the latest conversation before it', () => {
    const orders = [
      { order_id: 'o1', customer_key: 'buyer', paid_at: 2 * H, amount_cents: 1000 }, // after k1, before k2
      { order_id: 'o2', customer_key: 'window', paid_at: 30 * H, amount_cents: 500 }, // 30 h after k3: outside 24 h
      { order_id: 'o3', customer_key: 'nobody', paid_at: H, amount_cents: 700 },
    ];
    const c = conversionOf(prepared, { from: 0, to: 24 * H }, orders, 24);
    expect(c).toMatchObject({ customersAsked: 3, buyers: 1, orders: 1, amount: 10, unattributedBuyers: 0 });
    const by = Object.fromEntries(c.agents.map((a) => [a.agentId, a]));
    expect(by.closer).toMatchObject({
      customersServed: 2,
      buyers: 1,
      rate: 0.5,
      amount: 10,
      assistedBuyers: 0,
    });
    expect(by.helper).toMatchObject({ customersServed: 0, buyers: 0, assistedBuyers: 1, rate: null });
    expect(by.other).toMatchObject({ customersServed: 1, buyers: 0 });
    // A later payment goes to the conversation just before it; a wider window takes the late buyer.
    const later = conversionOf(
      prepared,
      { from: 0, to: 24 * H },
      [{ ...orders[0]!, paid_at: 6 * H }, orders[1]!],
      48,
    );
    expect(Object.fromEntries(later.agents.map((a) => [a.agentId, a.buyers]))).toMatchObject({
      other: 1,
      closer: 1,
    });
    expect(later.buyers).toBe(2);
  });
});

describe('report query', () => {
  const now = Date.parse('2026-11-23T10:00:00+08:00');
  const resolve = (q: Record<string, string>) => resolveReportQuery(q, { timeZone: 'Asia/Shanghai', now });
  const fieldOf = (q: Record<string, string>) => {
    try {
      resolve(q);
    } catch (e) {
      return (e as HttpError).fields[0]?.path;
    }
    return undefined;
  };

  it('reads dates as local midnight in the zone, ISO times as given', () => {
    expect(resolve({ from: '2026-11-01', to: '2026-12-01' })).toMatchObject({
      from: Date.parse('2026-11-01T00:00:00+08:00'),
      to: Date.parse('2026-12-01T00:00:00+08:00'),
    });
    expect(resolve({ from: '2026-11-01', to: '2026-11-02', tz: 'America/New_York' }).from).toBe(
      Date.parse('2026-11-01T00:00:00-04:00'),
    );
    // 2026-11-01 in New York has 25 hours (DST ends).
    const ny = resolve({ from: '2026-11-01', to: '2026-11-02', tz: 'America/New_York' });
    expect(ny.to - ny.from).toBe(25 * 3_600_000);
    expect(resolve({ from: '2026-11-23T08:00:00Z', to: '2026-11-23T09:00:00.500Z' }).to).toBe(
      Date.parse('2026-11-23T09:00:00.500Z'),
    );
  });

  it('names the field at fault', () => {
    expect(fieldOf({ from: '2026-11-24', to: '2026-11-23' })).toBe('from');
    expect(fieldOf({ from: '2026-13-01' })).toBe('from');
    expect(fieldOf({ to: 'soon' })).toBe('to');
    expect(fieldOf({ tz: 'Asia/Beijing' })).toBe('tz');
    expect(fieldOf({ from: '2025-01-01', to: '2026-06-01' })).toBe('to');
    expect(fieldOf({ from: '2025-01-01', to: '2026-01-02' })).toBeUndefined(); // 366 days: allowed
  });
});

describe('time online coverage', () => {
  const report = () =>
    ({
      agents: [
        { agentId: 'old', onlineHours: 1, chatsPerOnlineHour: 5 },
        { agentId: 'new', onlineHours: 2, chatsPerOnlineHour: 1 },
      ],
    }) as unknown as Parameters<typeof withheldOnlineFigures>[0];
  const agents = new Map([
    ['old', { createdAt: 100 }],
    ['new', { createdAt: 5000 }],
  ]);

  it('leaves the figures out for agents who existed before the log, in periods starting before it', () => {
    const r = report();
    withheldOnlineFigures(r, agents, 1000, 2000);
    expect(r.agents.map((a) => 'onlineHours' in a)).toEqual([false, true]);
    expect(r.agents.map((a) => 'chatsPerOnlineHour' in a)).toEqual([false, true]);
    const later = report();
    withheldOnlineFigures(later, agents, 2000, 2000);
    expect(later.agents.map((a) => a.onlineHours)).toEqual([1, 2]);
    const never = report();
    withheldOnlineFigures(never, agents, 9000, null);
    expect(never.agents.map((a) => 'onlineHours' in a)).toEqual([false, false]);
  });
});
