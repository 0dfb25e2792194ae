import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../src/live/hub';
import { ALERT_TYPE, OVERDUE_ALERT_TYPE, QUEUE_ALERT_TYPE } from '../../src/reports/alerts';
import { Reports, reportsFor } from '../../src/reports/reports';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { ADMIN_PASSWORD, call, Clock, login, pipeline, type Scenario, seedDay, T0 } from './seed';

/** A webhook receiver on 127.0.0.1 that keeps what it was sent. */
async function webhookSink(): Promise<{ url: string; bodies: any[]; server: Server }> {
  const bodies: any[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      res.end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, bodies, server };
}

const TODAY_FIELDS = [
  'conversations',
  'conversationsAwaitingHuman',
  'resolvedByBot',
  'firstResponseSeconds',
  'firstHumanResponseSeconds',
  'averageResponseSeconds',
  'replies',
  'unansweredRounds',
] as const;

describe.each(storageKinds())('live view and first-response alert on %s', (kind) => {
  let app: TestApp;
  let clock: Clock;
  let s: Scenario;
  let token: string;
  let sink: Awaited<ReturnType<typeof webhookSink>>;
  const get = (path: string) => call(app, 'GET', path, { token });
  const reports = () =>
    reportsFor({
      database: app.services.database,
      config: app.services.config,
      hub: app.services.hub,
      log: app.services.log,
      clock: clock.fn,
    });

  beforeEach(async () => {
    sink = await webhookSink();
    clock = new Clock(T0);
    app = await startTestApp(kind, { ADMIN_PASSWORD, ALERT_WEBHOOK_URL: sink.url }, { clock: clock.fn });
    s = await seedDay(app, clock);
    token = await login(app, 'admin', ADMIN_PASSWORD);
  });
  afterEach(async () => {
    await app.close();
    sink.server.close();
  });

  /** Today's live figures must be the summary's for today, whatever happened since the last look. */
  async function expectTodayMatchesSummary() {
    const live = await get('/api/reports/live');
    expect(live.status).toBe(200);
    const summary = await get('/api/reports/summary?from=2026-11-23&to=2026-11-24');
    for (const f of TODAY_FIELDS) expect(live.body.today[f], f).toEqual(summary.body.report.overall[f]);
    return live.body;
  }

  it('shows the queue by tier, agents and their load, overdue chats and today so far', async () => {
    const first = await expectTodayMatchesSummary();
    expect(first.today).toMatchObject({ date: '2026-11-23', conversations: 7 });
    expect(first.overdue.count).toBe(2); // c6 and c8, both Ann's
    expect(first.overdue.chats.map((c: any) => c.id)).toEqual([s.c6, s.c8]);
    expect(first.overdue.chats[1]).toMatchObject({ agentName: 'ann', tier: 'general', waitingSeconds: 400 });
    expect(first.agents.online).toBe(1);
    const ann = first.agents.list.find((a: any) => a.id === s.ann);
    expect(ann).toMatchObject({ status: 'online', active: 2, cap: 10, load: 0.2 });
    expect(first.queue.total).toBe(0);

    // Nobody online: new chats queue; an urgent one is listed first.
    const p = pipeline(app);
    clock.at(T0, 1300);
    await p.status(s.ann, 'away');
    clock.at(T0, 1310);
    await p.say('q1', '人工');
    clock.at(T0, 1320);
    await p.say('q2', '退款');
    clock.at(T0, 1400);
    const queued = await expectTodayMatchesSummary();
    expect(queued.queue.total).toBe(2);
    expect(queued.queue.tiers.map((t: any) => [t.tier, t.count, t.oldestWaitSeconds])).toEqual([
      ['urgent', 1, 80],
      ['general', 1, 90],
      ['complex', 0, null],
    ]);
    expect(queued.agents.online).toBe(0);
    expect(queued.today.conversations).toBe(9);

    // Incremental: more replies, a spam flag, a test agent — each refresh still equals the summary.
    await p.status(s.ann, 'online');
    clock.at(T0, 1450);
    const [q1] = (await app.services.routingStore.agentChats(s.ann)).filter(
      (c) => c.customer_key === 'api:q1',
    );
    expect(q1).toBeDefined();
    await p.reply(s.ann, q1!.id);
    await expectTodayMatchesSummary();
    await call(app, 'POST', `/api/reports/conversations/${s.c1}/spam`, { token, body: { spam: true } });
    const flagged = await expectTodayMatchesSummary();
    expect(flagged.today.conversations).toBe(8);
    await app.services.agents.update(s.carl, { test: true });
    await expectTodayMatchesSummary();
  });

  it('raises the alert once when the rolling first response crosses the threshold, and clears it', async () => {
    const seen: LiveMessage[] = [];
    app.services.hub.subscribeAll((m) => {
      if (m.type === ALERT_TYPE) seen.push(m);
    });
    // At 10:20: c7 answered after 100 s, c6 and c8 waiting 700 s and 400 s → median 400 s > 60 s.
    const check = await reports().monitor.check();
    expect(check.rolling).toMatchObject({ samples: 3, answered: 1, waiting: 2, medianSeconds: 400 });
    expect(check).toMatchObject({ state: 'raised', changed: true, thresholdSeconds: 60, open: true });
    expect((await reports().monitor.check()).changed).toBe(false);

    const alerts = () =>
      app.services.database.db
        .selectFrom('events')
        .selectAll()
        .where('type', '=', ALERT_TYPE)
        .orderBy('seq')
        .execute();
    expect((await alerts()).map((e) => JSON.parse(e.data!).state)).toEqual(['raised']);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'raised', conversationId: '', agentId: null });
    expect(seen[0]!.text).toContain('400 s > 60 s');
    // The deadline watcher posts its overdue alerts to the same webhook: look at ours only.
    const ours = () => sink.bodies.filter((b) => b.type === ALERT_TYPE);
    await expect.poll(() => ours().length).toBe(1);
    expect(ours()[0]).toMatchObject({
      type: ALERT_TYPE,
      state: 'raised',
      medianSeconds: 400,
      thresholdSeconds: 60,
    });

    const live = await get('/api/reports/live');
    expect(live.body.rolling).toMatchObject({
      alert: 'raised',
      above: true,
      medianSeconds: 400,
      thresholdSeconds: 60,
      windowMinutes: 15,
    });

    // Everything answered, then a quarter of an hour without a slow first reply: cleared.
    const p = pipeline(app);
    clock.at(T0, 1300);
    await p.reply(s.ann, s.c6);
    await p.reply(s.ann, s.c8);
    clock.at(T0, 1300 + 16 * 60);
    const cleared = await reports().monitor.check();
    expect(cleared).toMatchObject({ state: 'cleared', changed: true });
    expect((await get('/api/reports/live')).body.rolling).toMatchObject({
      alert: 'cleared',
      above: false,
      samples: 0,
    });
    expect((await alerts()).map((e) => JSON.parse(e.data!).state)).toEqual(['raised', 'cleared']);
    await expect.poll(() => ours().length).toBe(2);
    expect(ours()[1]).toMatchObject({ state: 'cleared', samples: 0 });
    expect(seen.map((m) => m.kind)).toEqual(['raised', 'cleared']);
  });

  it('records each change once when several instances check at the same moment', async () => {
    const other = new Reports({
      database: app.services.database,
      config: app.services.config,
      hub: app.services.hub,
      log: app.services.log,
      clock: clock.fn,
    });
    const results = await Promise.all([reports().monitor.check(), other.monitor.check()]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const events = await app.services.database.db
      .selectFrom('events')
      .select('id')
      .where('type', '=', ALERT_TYPE)
      .execute();
    expect(events).toHaveLength(1);
    other.stop();
  });

  it('stays quiet with too few chats, outside opening hours, or with the alert off', async () => {
    const config = app.services.config;
    const publish = async (edit: (doc: any) => void) => {
      const doc = structuredClone(config.current.document);
      edit(doc);
      expect((await config.publish(doc, config.current.version, 'test', 'alerts')).ok).toBe(true);
    };
    await publish((d) => {
      d.shop.alerts.firstResponseSeconds = 0;
    });
    expect(await reports().monitor.check()).toMatchObject({ state: 'off', changed: false });
    await publish((d) => {
      d.shop.alerts.firstResponseSeconds = 500;
    });
    expect(await reports().monitor.check()).toMatchObject({ state: 'cleared', changed: false }); // 400 s ≤ 500 s
    await publish((d) => {
      d.shop.alerts.firstResponseSeconds = 60;
      d.shop.calendar.weekly.mon = ['10:30-18:00'];
    });
    const closed = await reports().monitor.check();
    expect(closed).toMatchObject({ state: 'cleared', changed: false, open: false });
    expect(closed.rolling.medianSeconds).toBe(400);
    // 10:30, open: c6 and c8 still wait (1300 s, 1000 s) and a new chat waits 10 s.
    clock.at(T0, 1790);
    await pipeline(app).say('q3', '人工');
    clock.at(T0, 1800);
    const open = await reports().monitor.check();
    expect(open).toMatchObject({ state: 'raised', changed: true, open: true });
    expect(open.rolling).toMatchObject({ samples: 3, waiting: 3, medianSeconds: 1000 });
  });

  it('raises the queue-length and overdue-chats alerts over their thresholds, and clears them', async () => {
    const config = app.services.config;
    const doc = structuredClone(config.current.document);
    doc.shop.alerts.queueLength = 1;
    doc.shop.alerts.overdueChats = 1;
    doc.shop.alerts.firstResponseSeconds = 0;
    expect((await config.publish(doc, config.current.version, 'test', 'alerts')).ok).toBe(true);
    const seen: LiveMessage[] = [];
    app.services.hub.subscribeAll((m) => {
      if (m.type.startsWith('alert.')) seen.push(m);
    });

    // c6 and c8 are overdue (2 > 1); nothing waits.
    const first = await reports().monitor.check();
    expect(first).toMatchObject({ state: 'off', changed: false });
    expect(first.overdue).toMatchObject({ state: 'raised', changed: true, value: 2, threshold: 1 });
    expect(first.queue).toMatchObject({ state: 'cleared', changed: false, value: 0 });

    const p = pipeline(app);
    clock.at(T0, 1300);
    await p.status(s.ann, 'away');
    await p.say('q1', '人工');
    await p.say('q2', '人工');
    const queued = await reports().monitor.check();
    expect(queued.queue).toMatchObject({ state: 'raised', changed: true, value: 2 });
    expect(queued.overdue.changed).toBe(false);
    const live = await get('/api/reports/live');
    expect(live.body.alerts).toMatchObject({
      queueLength: { state: 'raised', threshold: 1 },
      overdueChats: { state: 'raised', threshold: 1 },
    });

    clock.at(T0, 1400);
    await p.status(s.ann, 'online'); // takes both chats
    await p.reply(s.ann, s.c6);
    await p.reply(s.ann, s.c8);
    const calm = await reports().monitor.check();
    expect(calm.queue).toMatchObject({ state: 'cleared', changed: true, value: 0 });
    expect(calm.overdue).toMatchObject({ state: 'cleared', changed: true, value: 0 });
    const types = (
      await app.services.database.db
        .selectFrom('events')
        .select(['type', 'data'])
        .where('type', 'in', [QUEUE_ALERT_TYPE, OVERDUE_ALERT_TYPE, ALERT_TYPE])
        .orderBy('seq')
        .execute()
    ).map((e) => `${e.type}:${JSON.parse(e.data!).state}`);
    expect(types).toEqual([
      'alert.overdue_chats:raised',
      'alert.queue_length:raised',
      'alert.queue_length:cleared',
      'alert.overdue_chats:cleared',
    ]);
    expect(seen.map((m) => [m.type, m.kind])).toEqual([
      [OVERDUE_ALERT_TYPE, 'raised'],
      [QUEUE_ALERT_TYPE, 'raised'],
      [QUEUE_ALERT_TYPE, 'cleared'],
      [OVERDUE_ALERT_TYPE, 'cleared'],
    ]);
  });
});
