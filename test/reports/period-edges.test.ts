import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsFor } from '../../src/reports/reports';
import { buildReport } from '../../src/reporting/build-report';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { BASE, generate, HOUR } from './edge-log';

/**
 * The windowed loader against the whole log: conversations that start days before a period, wait
 * hours for an agent, are transferred through a group, or are still open, must give exactly the
 * figures the engine computes from every event. The log is written straight into the tables, and the
 * expected engine events are written down next to it, so the check does not go through the mapping
 * it tests.
 */

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
