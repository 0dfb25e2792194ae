import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsFor } from '../../src/reports/reports';
import { buildReport } from '../../src/reporting/build-report';
import type { ReportEvent } from '../../src/reporting/report-event';
import { newConversation } from '../../src/store/rows';
import type { ConversationsTable, EventsTable } from '../../src/store/tables';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';

/**
 * The windowed loader against the whole log: conversations that start days before a period, wait
 * hours for an agent, are transferred through a group, or are still open, must give exactly the
 * figures the engine computes from every event. The log is written straight into the tables, and the
 * expected engine events are written down next to it, so the check does not go through the mapping
 * it tests.
 */

const BASE = Date.parse('2026-11-20T00:00:00+08:00');
const HOUR = 3_600_000;
const AGENTS = ['a1', 'a2', 'a3', 'a4'];
const TIERS = ['urgent', 'general', 'complex', null, 'legacy'];

function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

interface Generated {
  conversations: ConversationsTable[];
  events: Omit<EventsTable, 'seq'>[];
  expected: ReportEvent[];
}

function generate(count: number, seed: number): Generated {
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

describe.each(storageKinds())('periods cut through conversations on %s', (kind) => {
  let app: TestApp;
  const log = generate(400, 7);

  beforeAll(async () => {
    app = await startTestApp(kind, {}, { clock: () => BASE + 9 * 24 * HOUR });
    const db = app.services.database.db;
    for (let i = 0; i < log.conversations.length; i += 200) {
      await db
        .insertInto('conversations')
        .values(log.conversations.slice(i, i + 200))
        .execute();
    }
    // Inserted in shuffled order: seq order is not time order, as with real concurrent writers.
    const shuffled = [...log.events].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (let i = 0; i < shuffled.length; i += 500)
      await db
        .insertInto('events')
        .values(shuffled.slice(i, i + 500))
        .execute();
  });
  afterAll(async () => app.close());

  const periods: [string, string][] = [
    ['2026-11-20', '2026-11-25'],
    ['2026-11-21', '2026-11-22'],
    ['2026-11-22', '2026-11-23'],
    ['2026-11-21T13:30:00+08:00', '2026-11-21T14:30:00+08:00'],
    ['2026-11-22T23:00:00+08:00', '2026-11-23T01:00:00+08:00'],
    ['2026-11-23T06:00:00Z', '2026-11-24T06:00:00Z'],
  ];

  it.each(periods)('%s → %s equals the engine over the whole log', async (from, to) => {
    const service = reportsFor({
      database: app.services.database,
      config: app.services.config,
      hub: app.services.hub,
      log: app.services.log,
      clock: () => BASE + 9 * 24 * HOUR,
    }).service;
    const got = await service.summary({ from, to, tz: 'Asia/Shanghai' });
    const { tiers, defaultTier } = service.tierOptions();
    const want = buildReport(
      { events: log.expected, presence: [] },
      {
        timeZone: 'Asia/Shanghai',
        from: Date.parse(got.period.from),
        to: Date.parse(got.period.to),
        tiers,
        defaultTier,
      },
    );
    expect(got.report.overall.conversations).toBeGreaterThan(0);
    // No status change was ever logged here: time online is unknown, so it is left out, not 0.
    expect(got.presenceLoggedSince).toBeNull();
    for (const a of want.agents) {
      delete a.onlineHours;
      delete a.chatsPerOnlineHour;
    }
    for (const key of ['overall', 'tiers', 'distribution', 'days', 'agents', 'hours', 'staffing'] as const) {
      expect(got.report[key], key).toEqual(want[key]);
    }
  });

  it('reads conversations that started long before the period by id, not by scanning back', async () => {
    const { loadConversations } = await import('../../src/reports/events-from-db');
    const from = Date.parse('2026-11-22T00:00:00+08:00');
    const { conversations, stats } = await loadConversations(app.services.database, {
      from,
      to: from + 24 * HOUR,
    });
    const want = new Set(
      log.expected
        .filter((e) => e.from === 'customer' && e.at >= from && e.at < from + 24 * HOUR)
        .map((e) => e.conversationId),
    );
    expect(new Set(conversations.keys())).toEqual(want);
    expect(stats.headFetched).toBeGreaterThan(0);
    expect(stats.tailFetched).toBeGreaterThan(0);
    for (const c of conversations.values()) {
      const all = log.events.filter(
        (e) => e.conversation_id === c.id && !['customer.notified', 'conversation.requeued'].includes(e.type),
      );
      const groupTransfers = all.filter(
        (e) => e.type === 'conversation.transferred' && e.data?.includes('"group"'),
      ).length;
      expect(c.events.length + (c.groupTransfers?.length ?? 0), c.id).toBe(all.length);
      expect(c.groupTransfers?.length ?? 0).toBe(groupTransfers);
    }
  });
});
