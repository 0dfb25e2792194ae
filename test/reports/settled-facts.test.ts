import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportService } from '../../src/reports/report-service';
import { reportDb } from '../../src/reports/report-tables';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { BASE, generate, HOUR } from './edge-log';
import { seedLog } from './seed-log';

/**
 * Settled facts must never change a figure: every report here is computed twice, from settled facts
 * (plus the log past the horizon and the pending conversations) and from the event log alone, and
 * must be equal — before settling, after, after a late event and a spam flag on settled
 * conversations, after a test agent is named, and once the pending ones settle.
 */

const DAY = 24 * HOUR;
const TZ = 'Asia/Shanghai';

const PERIODS: [string, string][] = [
  ['2026-11-19', '2026-11-26'],
  ['2026-11-21', '2026-11-22'],
  ['2026-11-22T23:00:00+08:00', '2026-11-23T01:00:00+08:00'],
  ['2026-11-23T06:00:00Z', '2026-11-24T06:00:00Z'],
];
const VARIANTS: Record<string, string>[] = [
  { groupBy: 'day' },
  { groupBy: 'tier' },
  { groupBy: 'channel' },
  { groupBy: 'agent' },
  { agent: 'a1', groupBy: 'agent' },
  { tier: 'urgent' },
  { hours: 'business' },
];

describe.each(storageKinds())('settled facts give the figures of the event log on %s', (kind) => {
  let app: TestApp;
  const clock = { now: BASE + 3 * DAY + 15 * HOUR };
  const log = generate(400, 11);
  let facts: ReportService;
  let replay: ReportService;

  beforeAll(async () => {
    app = await startTestApp(kind, {}, { clock: () => clock.now });
    await seedLog(app.services.database, log, clock.now);
    const deps = {
      database: app.services.database,
      config: app.services.config,
      clock: () => clock.now,
      log: app.services.log,
    };
    facts = new ReportService(deps);
    replay = new ReportService({ ...deps, useSettledFacts: false });
  });
  afterAll(async () => app.close());

  /** Both ways, for every period and variant; returns the settled conversations the facts side used. */
  async function expectSame(label: string): Promise<number> {
    let settled = 0;
    const queries = [
      ...PERIODS.map(([from, to]) => ({ from, to, tz: TZ })),
      ...VARIANTS.map((v) => ({ from: PERIODS[0]![0], to: PERIODS[0]![1], tz: TZ, ...v })),
      ...VARIANTS.map((v) => ({ from: PERIODS[1]![0], to: PERIODS[1]![1], tz: TZ, ...v })),
    ];
    for (const q of queries) {
      const [a, b] = [await facts.summary(q), await replay.summary(q)];
      settled += a.timing.settledConversations;
      expect(b.timing.settledConversations).toBe(0);
      for (const key of ['report', 'groups', 'conversion', 'excluded', 'filters', 'period'] as const)
        expect(a[key], `${label} ${JSON.stringify(q)} ${key}`).toEqual(b[key]);
      expect(a.timing.events).toBe(b.timing.events);
    }
    return settled;
  }

  const dayState = async () =>
    reportDb(app.services.database)
      .selectFrom('report_fact_days')
      .select(['day_start', 'state', 'covered_to', 'pending'])
      .orderBy('day_start')
      .execute();

  it('settles closed and quiet conversations, keeps the rest pending, and changes no figure', async () => {
    expect(await expectSame('before settling')).toBe(0);
    const stats = await facts.settler.settleAll();
    expect(stats.settled).toBeGreaterThan(100);
    expect(stats.pending).toBeGreaterThan(0);
    const days = await dayState();
    // Today is covered up to five minutes ago; every day is fresh.
    expect(Number(days.at(-1)!.covered_to)).toBe(clock.now - 5 * 60_000);
    expect(days.every((d) => d.state === 'fresh')).toBe(true);
    expect(await expectSame('settled')).toBeGreaterThan(1000);
    // Settling again with nothing new writes nothing.
    expect((await facts.settler.settleAll()).settled).toBe(0);
  });

  it('marks a day stale when a settled conversation gets a late event, and re-measures it', async () => {
    const db = app.services.database.db;
    const pending = new Set((await dayState()).flatMap((d) => JSON.parse(d.pending) as string[]));
    const target = log.conversations.find((c) => c.status !== 'closed' && !pending.has(c.id))!;
    const before = await facts.summary({ from: PERIODS[0]![0], to: PERIODS[0]![1], tz: TZ });
    const at = clock.now - HOUR;
    await db
      .insertInto('events')
      .values(
        ['message.received', 'agent.replied'].map((type, i) => ({
          id: `${target.id}:late${i}`,
          conversation_id: target.id,
          customer_key: target.customer_key,
          channel: 'api',
          type,
          actor: i === 0 ? 'customer' : 'agent',
          agent_id: i === 0 ? null : 'a3',
          at: at + i * 7000,
          platform_at: null,
          intent: null,
          text: i === 0 ? '还在吗' : '在的',
          data: null,
        })),
      )
      .execute();
    expect(await expectSame('late event')).toBeGreaterThan(1000);
    const after = await facts.summary({ from: PERIODS[0]![0], to: PERIODS[0]![1], tz: TZ });
    expect(after.report.overall.replies).toBe(before.report.overall.replies + 1);
    // The report re-settled the stale day itself: everything is fresh again.
    expect((await dayState()).every((d) => d.state === 'fresh')).toBe(true);
  });

  it('marks a day stale when a settled conversation is flagged as spam', async () => {
    const pending = new Set((await dayState()).flatMap((d) => JSON.parse(d.pending) as string[]));
    const target = log.conversations.find((c) => c.status === 'closed' && !pending.has(c.id))!;
    const before = await facts.summary({ from: PERIODS[0]![0], to: PERIODS[0]![1], tz: TZ });
    await facts.setSpam(target.id, true, 'supervisor-1');
    expect(await expectSame('spam flag')).toBeGreaterThan(1000);
    const after = await facts.summary({ from: PERIODS[0]![0], to: PERIODS[0]![1], tz: TZ });
    expect(after.report.input.spamConversations).toBe(before.report.input.spamConversations + 1);
  });

  it('stops using facts measured with other test agents until they are re-settled', async () => {
    await app.services.database.db.updateTable('agents').set({ test: 1 }).where('id', '=', 'a2').execute();
    expect(await expectSame('test agent, not re-settled')).toBe(0);
    const q = { from: PERIODS[0]![0], to: PERIODS[0]![1], tz: TZ, groupBy: 'agent' };
    expect((await facts.summary(q)).report.agents.map((a) => a.agentId)).not.toContain('a2');
    await facts.settler.settleAll();
    expect(await expectSame('test agent, re-settled')).toBeGreaterThan(1000);
  });

  it('settles the pending conversations once they close or go quiet, with the rest of the log', async () => {
    const pendingBefore = (await dayState()).reduce((n, d) => n + JSON.parse(d.pending).length, 0);
    clock.now = BASE + 8 * DAY;
    const rest = log.events.filter((e) => e.at > BASE + 3 * DAY + 15 * HOUR);
    for (let i = 0; i < rest.length; i += 500)
      await app.services.database.db
        .insertInto('events')
        .values(rest.slice(i, i + 500))
        .execute();
    expect(rest.length).toBeGreaterThan(0);
    await facts.settler.settleAll();
    const pendingAfter = (await dayState()).reduce((n, d) => n + JSON.parse(d.pending).length, 0);
    expect(pendingBefore).toBeGreaterThan(0);
    expect(pendingAfter).toBeLessThan(pendingBefore);
    expect(await expectSame('all settled')).toBeGreaterThan(1000);
  });
});
