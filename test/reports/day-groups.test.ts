import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportService, slim } from '../../src/reports/report-service';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { insertHistory } from './seed';

/**
 * `groupBy=day` tallies each conversation once per day and merges the days into the period's
 * figures (src/reporting/report-by-day.ts). On a realistic history, settled, the grouped summary's
 * report must be exactly the plain summary's, and each day group exactly the summary of that day
 * alone — compared as JSON — and both equal to the reference tallied from the log alone.
 */

const HOUR = 3_600_000;
const START = Date.parse('2026-10-20T00:00:00+08:00');
const MONTH = { from: '2026-10-20', to: '2026-11-01', tz: 'Asia/Shanghai' };
const QUERIES: Record<string, string>[] = [
  MONTH,
  // A 25-hour day (summer time ends on 25 October in Berlin); in New York on 1 November, after the
  // history: days with nothing, the last one starting after the clock.
  { from: '2026-10-22', to: '2026-10-29', tz: 'Europe/Berlin' },
  { from: '2026-10-28', to: '2026-11-02', tz: 'America/New_York' },
  // Cut inside days.
  { from: '2026-10-23T13:30:00+08:00', to: '2026-10-27T02:15:00+08:00', tz: 'Asia/Shanghai' },
  { ...MONTH, hours: 'business' },
  { ...MONTH, tier: 'urgent' },
  { ...MONTH, channel: 'web' },
  { ...MONTH, agent: 'bob' },
];

describe.each(storageKinds())('day groups on %s', (kind) => {
  let app: TestApp;
  const clock = { now: START + 12 * 24 * HOUR + 10 * HOUR };
  let service: ReportService;
  let replay: ReportService;

  beforeAll(async () => {
    app = await startTestApp(kind, {}, { clock: () => clock.now });
    const agent = async (login: string) =>
      (await app.services.agents.create({ login, name: login, password: 'password-123', level: 'regular' }))
        .id;
    const [ann, bob, carl, tess] = [
      await agent('ann'),
      await agent('bob'),
      await agent('carl'),
      await agent('tess'),
    ];
    await app.services.agents.update(tess, { test: true });
    await insertHistory(app, {
      start: START,
      days: 12,
      perDay: 180,
      agents: [
        { id: ann, weight: 4 },
        { id: bob, weight: 3 },
        { id: carl, weight: 2 },
        { id: tess, weight: 1 },
      ],
      seed: 5,
    });
    const deps = {
      database: app.services.database,
      config: app.services.config,
      clock: () => clock.now,
      log: app.services.log,
    };
    service = new ReportService(deps);
    await service.settler.settleAll();
    replay = new ReportService({ ...deps, useSettledFacts: false });
  }, 120_000);
  afterAll(async () => app.close());

  it.each(QUERIES)('equal the plain report and each day alone (%j)', async (q) => {
    const grouped = await service.summary({ ...q, groupBy: 'day' });
    expect(grouped.timing.settledConversations).toBeGreaterThan(0);
    expect(grouped.report.overall.conversations).toBeGreaterThan(0);
    const plain = await service.summary(q);
    expect(JSON.stringify(grouped.report)).toBe(JSON.stringify(plain.report));

    const groups = grouped.groups!;
    expect(groups[0]!.from).toBe(grouped.period.from);
    expect(groups.at(-1)!.to).toBe(grouped.period.to);
    let conversations = 0;
    for (const g of groups) {
      const alone = await service.summary({ ...q, from: g.from, to: g.to });
      expect(JSON.stringify(g), g.key).toBe(
        JSON.stringify({ key: g.key, from: alone.period.from, to: alone.period.to, ...slim(alone.report) }),
      );
      conversations += g.overall!.conversations;
    }
    expect(conversations).toBe(plain.report.overall.conversations);

    // And the reference: the period and every day tallied from the log by the original engine.
    const reference = await replay.summary({ ...q, groupBy: 'day' });
    expect(grouped.report).toEqual(reference.report);
    expect(grouped.groups).toEqual(reference.groups);
  });
});
