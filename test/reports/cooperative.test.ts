import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportService } from '../../src/reports/report-service';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { BASE, generate, HOUR } from './edge-log';
import { seedLog } from './seed-log';

/**
 * Report work takes turns with the rest of the event loop (src/reports/pacer.ts) and taking turns
 * changes no figure. `sliceMs: 0` gives the loop a turn at every piece of work, so what runs in
 * between is deterministic here (no timing involved); `sliceMs: Infinity` never does (one stretch,
 * as before the pacer).
 */

const DAY = 24 * HOUR;
const TZ = 'Asia/Shanghai';
const MONTH = { from: '2026-11-15', to: '2026-12-15', tz: TZ };

/** Runs `work`, counting the event loop's turns until it resolves (a `setImmediate` that re-arms itself). */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let done = false;
  let turns = 0;
  const tick = () => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  const running = work();
  // Scheduled right after the work started: it runs only if the work lets the loop turn.
  setImmediate(tick);
  const value = await running;
  done = true;
  return { value, turns };
}

describe.each(storageKinds())('report work takes turns with the event loop on %s', (kind) => {
  let app: TestApp;
  const clock = { now: BASE + 3 * DAY + 15 * HOUR };
  const log = generate(400, 11);
  /** A turn at every piece of work. */
  let eager: ReportService;
  /** No turns: every piece of work in one stretch. */
  let straight: ReportService;
  let replayEager: ReportService;
  let replayStraight: ReportService;

  beforeAll(async () => {
    app = await startTestApp(kind, {}, { clock: () => clock.now });
    await seedLog(app.services.database, log, clock.now, ['a4']);
    const deps = {
      database: app.services.database,
      config: app.services.config,
      clock: () => clock.now,
      log: app.services.log,
    };
    eager = new ReportService({ ...deps, sliceMs: 0 });
    straight = new ReportService({ ...deps, sliceMs: Number.POSITIVE_INFINITY });
    replayEager = new ReportService({ ...deps, useSettledFacts: false, sliceMs: 0 });
    replayStraight = new ReportService({
      ...deps,
      useSettledFacts: false,
      sliceMs: Number.POSITIVE_INFINITY,
    });
  });
  afterAll(async () => app.close());

  it('settles in turns: the loop runs between the pieces of every day', async () => {
    const { value: stats, turns } = await turnsDuring(() => eager.settler.settleAll());
    expect(stats.days).toBeGreaterThanOrEqual(4);
    expect(stats.settled).toBeGreaterThan(100);
    // At least a turn per conversation measured (and more between reads, blocks and days).
    expect(turns).toBeGreaterThanOrEqual(stats.conversations);
  });

  it('runs a callback scheduled right after a monthly report starts before the report resolves', async () => {
    const { value: summary, turns } = await turnsDuring(() => eager.summary(MONTH));
    expect(summary.timing.settledConversations).toBeGreaterThan(100);
    // A turn per step of the tally: a step per block of settled days, then the figures — each
    // summary, day, agent and every hour of the day apart.
    expect(turns).toBeGreaterThanOrEqual(24 + summary.report.days.length);
  });

  it('takes turns in a report grouped by day, from the log alone, and in the conversations CSV', async () => {
    const byDay = await turnsDuring(() => eager.summary({ ...MONTH, groupBy: 'day' }));
    // Every day's group is a tally of its own, with its 24 hours.
    expect(byDay.turns).toBeGreaterThanOrEqual(24 * (byDay.value.groups?.length ?? 0));
    const fromLog = await turnsDuring(() => replayEager.summary(MONTH));
    expect(fromLog.value.timing.settledConversations).toBe(0);
    // At least a turn per conversation measured from the log.
    expect(fromLog.turns).toBeGreaterThanOrEqual(fromLog.value.timing.conversations);
    const csv = await turnsDuring(() => eager.conversationsCsv(MONTH));
    expect([...csv.value].length).toBeGreaterThan(100);
    expect(csv.turns).toBeGreaterThan(100);
  });

  it('gives the same figures with turns as without, settled or from the log', async () => {
    const queries = [
      MONTH,
      { from: '2026-11-21', to: '2026-11-22', tz: TZ },
      { ...MONTH, groupBy: 'day' },
      { ...MONTH, groupBy: 'tier' },
      { ...MONTH, groupBy: 'channel' },
      { ...MONTH, groupBy: 'agent' },
      { ...MONTH, agent: 'a1', groupBy: 'agent' },
      { ...MONTH, tier: 'urgent' },
      { ...MONTH, hours: 'business' },
    ];
    for (const q of queries) {
      const [a, b, c, d] = [
        await eager.summary(q),
        await straight.summary(q),
        await replayEager.summary(q),
        await replayStraight.summary(q),
      ];
      for (const key of ['report', 'groups', 'conversion', 'excluded', 'filters', 'period'] as const) {
        expect(a[key], `${JSON.stringify(q)} ${key}`).toEqual(b[key]);
        expect(c[key], `${JSON.stringify(q)} ${key}, from the log`).toEqual(d[key]);
        expect(a[key], `${JSON.stringify(q)} ${key}, settled or not`).toEqual(c[key]);
      }
      expect(a.timing.events).toBe(b.timing.events);
      expect(a.timing.settledConversations).toBe(b.timing.settledConversations);
    }
    const csv = async (s: ReportService) => [...(await s.conversationsCsv(MONTH))].join('');
    expect(await csv(eager)).toBe(await csv(straight));
  });
});
