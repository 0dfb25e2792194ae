import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportService } from '../../src/reports/report-service';
import { reportDb } from '../../src/reports/report-tables';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { BASE, generate, HOUR } from './edge-log';
import { seedLog } from './seed-log';

/**
 * Settling stores the pending conversations' facts with the log position they were measured at
 * (settled-facts.ts). A service started afresh (a new ReportService on the same database) must take
 * them from the store, re-measure from the log exactly those that got an event since, and give the
 * figures of the event log.
 */

const DAY = 24 * HOUR;
const TZ = 'Asia/Shanghai';
const QUERIES = [
  { from: '2026-11-19', to: '2026-11-26', tz: TZ },
  { from: '2026-11-19', to: '2026-11-26', tz: TZ, groupBy: 'day' },
  { from: '2026-11-22', to: '2026-11-24', tz: TZ, groupBy: 'agent' },
];

describe.each(storageKinds())('stored pending facts on %s', (kind) => {
  let app: TestApp;
  const clock = { now: BASE + 3 * DAY + 15 * HOUR };
  const log = generate(400, 23);
  let deps: ConstructorParameters<typeof ReportService>[0];
  let replay: ReportService;

  beforeAll(async () => {
    app = await startTestApp(kind, {}, { clock: () => clock.now });
    await seedLog(app.services.database, log, clock.now);
    deps = {
      database: app.services.database,
      config: app.services.config,
      clock: () => clock.now,
      log: app.services.log,
    };
    replay = new ReportService({ ...deps, useSettledFacts: false });
  });
  afterAll(async () => app.close());

  const db = () => reportDb(app.services.database);
  const pendingIds = async () =>
    (await db().selectFrom('report_fact_days').select('pending').execute()).flatMap(
      (d) => JSON.parse(d.pending) as string[],
    );
  const dayRows = () =>
    db()
      .selectFrom('report_fact_days')
      .select(['day_start', 'state', 'blocks', 'settled_at'])
      .orderBy('day_start')
      .execute();

  /**
   * What a service measures from the log besides the pending conversations (those started since the
   * horizon), as the service that settled counts it: it keeps every pending one it measured.
   */
  let besidesPending = 0;

  /** A service started afresh: its reports against the log's, every query. */
  async function restartAndCompare(label: string, service = new ReportService(deps)): Promise<ReportService> {
    for (const q of QUERIES) {
      const [a, b] = [await service.summary(q), await replay.summary(q)];
      for (const key of ['report', 'groups', 'excluded'] as const)
        expect(a[key], `${label} ${JSON.stringify(q)} ${key}`).toEqual(b[key]);
      expect(a.timing.events).toBe(b.timing.events);
    }
    return service;
  }

  it('stores the pending facts when settling; a restart takes them and measures none from the log', async () => {
    const first = new ReportService(deps);
    await first.settler.settleAll();
    const pending = await pendingIds();
    expect(pending.length).toBeGreaterThan(20);
    const stored = await db()
      .selectFrom('report_fact_pending')
      .select((eb) => eb.fn.sum<number>('conversations').as('n'))
      .executeTakeFirst();
    expect(Number(stored?.n)).toBe(pending.length);
    // The service that settled keeps what it measured: only conversations started since are read.
    await restartAndCompare('settled', first);
    expect(first.settler.pendingStats.fromStore).toBe(0);
    besidesPending = first.settler.pendingStats.fromLog;
    expect(besidesPending).toBeLessThan(pending.length);

    const again = await restartAndCompare('restart');
    expect(again.settler.pendingStats).toEqual({ fromLog: besidesPending, fromStore: pending.length });
  });

  it('re-measures from the log a stored pending conversation that got an event since', async () => {
    const id = (await pendingIds())[0]!;
    const chat = log.conversations.find((c) => c.id === id)!;
    const before = await new ReportService(deps).summary(QUERIES[0]);
    clock.now += 10 * 60_000;
    await app.services.database.db
      .insertInto('events')
      .values(
        ['message.received', 'agent.replied'].map((type, i) => ({
          id: `${id}:after${i}`,
          conversation_id: id,
          customer_key: chat.customer_key,
          channel: 'api',
          type,
          actor: i === 0 ? 'customer' : 'agent',
          agent_id: i === 0 ? null : 'a2',
          at: clock.now - 5 * 60_000 + i * 9000,
          platform_at: null,
          intent: null,
          text: i === 0 ? '还在吗' : '在的',
          data: null,
        })),
      )
      .execute();
    const again = await restartAndCompare('event since');
    expect(again.settler.pendingStats.fromLog).toBe(besidesPending + 1);
    const after = await again.summary(QUERIES[0]);
    expect(after.report.overall.replies).toBe(before.report.overall.replies + 1);
  });

  it('re-measures a stored pending conversation flagged as spam since', async () => {
    const ids = await pendingIds();
    const first = new ReportService(deps);
    const before = await first.summary(QUERIES[0]);
    // A pending conversation counted in the period (not spam, with a customer message in it).
    let target: string | undefined;
    for (const id of ids.slice(1)) {
      await first.setSpam(id, true, 'supervisor-1');
      const r = await first.summary(QUERIES[0]);
      if (r.report.input.spamConversations === before.report.input.spamConversations + 1) {
        target = id;
        break;
      }
      await first.setSpam(id, false, 'supervisor-1');
    }
    expect(target).toBeDefined();
    await restartAndCompare('spam flag');
  });

  it('a restart takes no event it had already checked for a late one (no day re-settled)', async () => {
    // Settle what the events above changed, and let a report check the log once more.
    clock.now += 10 * 60_000;
    const first = new ReportService(deps);
    await first.settler.settleAll();
    await restartAndCompare('settled again', first);
    const days = await dayRows();
    expect(days.every((d) => d.state === 'fresh')).toBe(true);
    const again = await restartAndCompare('no late events');
    expect(await dayRows()).toEqual(days);
    expect(again.settler.pendingStats.fromLog).toBe(first.settler.pendingStats.fromLog);
  });
  it('warms its code after a start with the last day’s summary: figures unchanged, days untouched', async () => {
    const days = await dayRows();
    const service = new ReportService(deps);
    let warmed = 0;
    // The background job: the first warm-up, then the service's code warm-up, once.
    service.settler.start(3_600_000, async () => {
      await service.warmCode();
      warmed++;
    });
    try {
      for (let i = 0; i < 200 && warmed === 0; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      service.settler.stop();
    }
    expect(warmed).toBe(1);
    await restartAndCompare('after the code warm-up', service);
    expect(await dayRows()).toEqual(days);
  });
});
