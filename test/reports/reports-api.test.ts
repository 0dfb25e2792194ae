import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SUMMARY_CSV_COLUMNS } from '../../src/reports/report-service';
import { CONVERSATION_CSV_COLUMNS } from '../../src/reports/conversation-rows';
import { percentileOfSorted } from '../../src/reporting/stats';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { ADMIN_PASSWORD, call, Clock, login, type Scenario, SEC, seedDay, T0 } from './seed';

const DAY = '?from=2026-11-23&to=2026-11-24';

/** Publishes a spam keyword rule as a new configuration version, as an admin would. */
async function spamRule(app: TestApp, keyword: string) {
  const config = app.services.config;
  const doc = structuredClone(config.current.document);
  doc.shop.spam = { keywords: [keyword], patterns: [], maxLinks: 0 };
  const r = await config.publish(doc, config.current.version, 'test', 'spam rule');
  expect(r.ok).toBe(true);
}

/** `Response.text()` drops the byte-order mark (the raw bytes are checked once below). */
function csvRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
}

describe.each(storageKinds())('reports API on %s', (kind) => {
  let app: TestApp;
  let clock: Clock;
  let s: Scenario;
  let token: string;
  const get = (path: string) => call(app, 'GET', path, { token });
  const name = (body: any, id: string) => body.agentNames[id]?.name;

  beforeEach(async () => {
    clock = new Clock(T0);
    app = await startTestApp(kind, { ADMIN_PASSWORD }, { clock: clock.fn });
    s = await seedDay(app, clock);
    token = await login(app, 'admin', ADMIN_PASSWORD);
  });
  afterEach(async () => app.close());

  it('measures the day from the event log: spam and test chats out, the worked example at 18.6 s', async () => {
    // Before any spam flag: c6 (a hand-off nobody answered) and c7 (Ann, 100 s) are in.
    const before = await get(`/api/reports/summary${DAY}`);
    expect(before.status).toBe(200);
    const annBefore = before.body.report.agents.find((a: any) => a.agentId === s.ann);
    expect(annBefore.averageResponseSeconds).toBeCloseTo((93 + 100) / 6, 3);
    expect(before.body.report.overall.conversations).toBe(7);

    await spamRule(app, '加微信');
    const flag = await call(app, 'POST', `/api/reports/conversations/${s.c7}/spam`, {
      token,
      body: { spam: true },
    });
    expect(flag.status).toBe(200);
    expect(flag.body).toEqual({ conversationId: s.c7, spam: true });

    const r = await get(`/api/reports/summary${DAY}`);
    expect(r.status).toBe(200);
    const { report } = r.body;
    expect(report.period).toEqual({
      timeZone: 'Asia/Shanghai',
      from: '2026-11-22T16:00:00.000Z',
      to: '2026-11-23T16:00:00.000Z',
    });
    expect(report.input).toMatchObject({ spamConversations: 2, testConversations: 1, conversations: 5 });
    const o = report.overall;
    expect(o.conversations).toBe(5); // c1 c2 c4 c5 c8
    expect(o.conversationsAwaitingHuman).toBe(4);
    expect(o.resolvedByBot).toBe(1); // c5
    // First human response: c1 45 s, c2 25 s, c4 5 s; c8 never answered.
    expect(o.firstHumanResponseSeconds).toEqual({ count: 3, median: 25, mean: 25, p90: 41, unanswered: 1 });
    // The bot answers in the same millisecond.
    expect(o.firstResponseSeconds).toMatchObject({ count: 5, median: 0, unanswered: 0 });
    expect(o.firstHumanResponseFromHandoffSeconds).toMatchObject({ count: 3, median: 25 });
    // Replies 45, 5, 3, 25, 15 (Ann), 5 (Bob), 22 (Carl) = 120 s over 7 replies.
    expect(o.replies).toBe(7);
    expect(o.averageResponseSeconds).toBe(17.143);
    expect(o.unansweredRounds).toBe(2); // c5 (the bot only) and c8
    expect(o.transfers).toBe(1);
    expect(o.overdue).toBe(1);

    const byName = Object.fromEntries(report.agents.map((a: any) => [name(r.body, a.agentId), a]));
    expect(Object.keys(byName).sort()).toEqual(['ann', 'bob', 'carl']); // Tess is a test agent
    expect(byName.ann).toMatchObject({
      chatsServed: 2,
      replies: 5,
      averageResponseSeconds: 18.6,
      overdue: 1,
      transfersIn: 0,
      transfersOut: 0,
      reactionSeconds: { count: 2, median: 35, unanswered: 1 },
      firstResponseSeconds: { count: 2, median: 35 },
    });
    expect(byName.bob).toMatchObject({
      chatsServed: 1,
      assistedChats: 1,
      replies: 1,
      averageResponseSeconds: 5,
      transfersOut: 1,
    });
    expect(byName.carl).toMatchObject({
      chatsServed: 1,
      assistedChats: 0,
      averageResponseSeconds: 22,
      transfersIn: 1,
    });
    expect(byName.carl.reactionSeconds).toMatchObject({ count: 1, median: 20 });
    // Time online from the logged status changes: Ann −600…190 and 330…1200 s.
    expect(byName.ann.onlineHours).toBe(Math.round((1660 / 3600) * 1000) / 1000);
    expect(byName.bob.onlineHours).toBe(Math.round((890 / 3600) * 1000) / 1000);

    const tiers = Object.fromEntries(report.tiers.map((t: any) => [t.tier, t]));
    expect(tiers.urgent.firstReply).toMatchObject({ total: 1, within: 1, meetsTarget: true });
    expect(tiers.urgent.replies).toMatchObject({ total: 2, within: 2 });
    expect(tiers.urgent.targets).toMatchObject({ firstReplySeconds: 30, complianceTarget: 0.9 });
    expect(tiers.general.firstReply).toMatchObject({ total: 3, within: 2, meetsTarget: false });
    expect(r.body.conversion).toBeNull(); // no orders ever reported
  });

  it('lets a supervisor keep a chat the rule calls spam, and refuses unknown chats', async () => {
    await spamRule(app, '领红包');
    const ruled = await get(`/api/reports/summary${DAY}`);
    expect(ruled.body.report.input.spamConversations).toBe(1);
    const keep = await call(app, 'POST', `/api/reports/conversations/${s.c6}/spam`, {
      token,
      body: { spam: false },
    });
    expect(keep.status).toBe(200);
    const kept = await get(`/api/reports/summary${DAY}`);
    expect(kept.body.report.input.spamConversations).toBe(0);
    expect(kept.body.report.overall.conversations).toBe(ruled.body.report.overall.conversations + 1);
    const history = await app.services.store.history(s.c6);
    expect(history.some((e) => e.type === 'conversation.spam_flagged')).toBe(true);

    const missing = await call(app, 'POST', '/api/reports/conversations/nope/spam', {
      token,
      body: { spam: true },
    });
    expect(missing.status).toBe(404);
    const bad = await call(app, 'POST', `/api/reports/conversations/${s.c6}/spam`, {
      token,
      body: { spam: 'yes' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('spam');
  });

  it('groups by day, tier, channel and agent; filters by agent and tier', async () => {
    const days = await get('/api/reports/summary?from=2026-11-22&to=2026-11-25&groupBy=day');
    expect(days.status).toBe(200);
    expect(days.body.groups.map((g: any) => g.key)).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
    const day = await get(`/api/reports/summary${DAY}`);
    expect(days.body.groups[1].overall).toEqual(day.body.report.overall);
    expect(days.body.groups[0].overall.conversations).toBe(0);
    expect(days.body.groups[1].hours[10].arrivals).toBe(7);
    expect(days.body.groups[1].from).toBe('2026-11-22T16:00:00.000Z');

    const tiers = await get(`/api/reports/summary${DAY}&groupBy=tier`);
    expect(Object.fromEntries(tiers.body.groups.map((g: any) => [g.key, g.overall.conversations]))).toEqual({
      urgent: 1,
      general: 6,
      complex: 0,
    });
    const channels = await get(`/api/reports/summary${DAY}&groupBy=channel`);
    expect(channels.body.groups.map((g: any) => [g.key, g.overall.conversations])).toEqual([['api', 7]]);

    const agents = await get(`/api/reports/summary${DAY}&groupBy=agent`);
    expect(agents.body.groups.map((g: any) => g.name).sort()).toEqual(['ann', 'bob', 'carl']);

    // An agent's own report: only the chats she took part in; her figures as in the full report.
    const ann = await get(`/api/reports/summary${DAY}&agent=ann`);
    expect(ann.status).toBe(200);
    expect(ann.body.filters.agent).toBe(s.ann);
    expect(ann.body.report.overall.conversations).toBe(5); // c1 c2 c6 c7 c8 went to her
    const full = day.body.report.agents.find((a: any) => a.agentId === s.ann);
    expect(ann.body.report.agents.find((a: any) => a.agentId === s.ann)).toEqual(full);

    const urgent = await get(`/api/reports/summary${DAY}&tier=urgent`);
    expect(urgent.body.report.overall.conversations).toBe(1);
    expect(urgent.body.report.overall.firstHumanResponseSeconds.median).toBe(25);
  });

  it('rejects bad periods, zones, agents, tiers and parameters, naming the field', async () => {
    const field = async (query: string) => {
      const r = await get(`/api/reports/summary?${query}`);
      expect(r.status, query).toBe(400);
      return r.body.error.fields.map((f: any) => f.path);
    };
    expect(await field('from=2026-11-24&to=2026-11-23')).toEqual(['from']);
    expect(await field('from=2026-11-23&to=2026-11-23')).toEqual(['from']);
    expect(await field('from=1999-12-31&to=2000-01-02')).toEqual(['from']);
    expect(await field('from=2026-02-30')).toEqual(['from']);
    expect(await field('from=yesterday')).toEqual(['from']);
    expect(await field('from=2026-11-23T10:00:00')).toEqual(['from']); // no offset: a guess
    expect(await field('from=2024-01-01&to=2026-01-01')).toEqual(['to']);
    expect(await field('from=2030-01-01&to=2030-02-01')).toEqual(['from']);
    expect(await field('tz=Mars/Olympus_Mons')).toEqual(['tz']);
    expect(await field('agent=nobody')).toEqual(['agent']);
    expect(await field('tier=vip')).toEqual(['tier']);
    expect(await field('groupBy=week')).toEqual(['groupBy']);
    const unknown = await get('/api/reports/summary?form=2026-11-23');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('form');

    expect((await call(app, 'GET', '/api/reports/summary')).status).toBe(401);
    await app.services.agents.create({
      login: 'agnes',
      name: 'agnes',
      password: 'password-123',
      level: 'regular',
    });
    const agentToken = await login(app, 'agnes', 'password-123');
    expect((await call(app, 'GET', '/api/reports/summary', { token: agentToken })).status).toBe(403);
    expect((await call(app, 'GET', '/api/reports/live', { token: agentToken })).status).toBe(403);
  });

  it('reads the period in the zone asked for, and defaults to the last seven days', async () => {
    // 10:00 in Shanghai is 02:00 UTC: a UTC day holds the same chats, an ISO period can cut it.
    const utc = await get('/api/reports/summary?from=2026-11-23&to=2026-11-24&tz=UTC');
    expect(utc.body.report.period.timeZone).toBe('UTC');
    expect(utc.body.report.overall.conversations).toBe(7);
    expect(utc.body.report.hours[2].arrivals).toBe(7);
    const cut = await get(
      `/api/reports/summary?from=${encodeURIComponent('2026-11-23T10:05:00+08:00')}&to=${encodeURIComponent('2026-11-23T11:00:00+08:00')}`,
    );
    expect(cut.body.report.overall.conversations).toBe(4); // c3 (test), c5, c6, c7, c8 started after 10:05; c3 is out
    const def = await get('/api/reports/summary');
    expect(def.body.period).toEqual({
      from: '2026-11-16T16:00:00.000Z',
      to: '2026-11-23T16:00:00.000Z',
      timeZone: 'Asia/Shanghai',
    });
  });

  it('exports CSV: a summary row per agent, and one row per conversation', async () => {
    await spamRule(app, '加微信');
    await call(app, 'POST', `/api/reports/conversations/${s.c7}/spam`, { token, body: { spam: true } });
    const summary = await get(`/api/reports/summary.csv${DAY}`);
    expect(summary.status).toBe(200);
    const raw = new Uint8Array(
      await (
        await fetch(`${app.url}/api/reports/summary.csv${DAY}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).arrayBuffer(),
    );
    expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: Excel shows Chinese names right
    expect(summary.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(summary.headers.get('content-disposition')).toContain(
      'firstreply-summary-2026-11-23-2026-11-24.csv',
    );
    const rows = csvRows(summary.text);
    expect(rows[0]).toEqual([...SUMMARY_CSV_COLUMNS]);
    const col = (row: string[], c: (typeof SUMMARY_CSV_COLUMNS)[number]) =>
      row[SUMMARY_CSV_COLUMNS.indexOf(c)];
    expect(rows.map((r) => r[0])).toEqual(['scope', 'overall', 'agent', 'agent', 'agent']);
    const annRow = rows.find((r) => col(r, 'name') === 'ann')!;
    expect(col(annRow, 'averageResponseSeconds')).toBe('18.6');
    expect(col(annRow, 'replies')).toBe('5');
    expect(col(rows[1]!, 'conversations')).toBe('5');

    const conv = await get(`/api/reports/conversations.csv${DAY}`);
    expect(conv.status).toBe(200);
    const lines = csvRows(conv.text);
    expect(lines[0]).toEqual([...CONVERSATION_CSV_COLUMNS]);
    const at = (c: (typeof CONVERSATION_CSV_COLUMNS)[number]) => CONVERSATION_CSV_COLUMNS.indexOf(c);
    const byId = new Map(lines.slice(1).map((l) => [l[0], l]));
    expect(byId.size).toBe(5);
    const c1 = byId.get(s.c1)!;
    expect(c1[at('customer')]).toBe('api:c1');
    expect(c1[at('tier')]).toBe('general');
    expect(c1[at('startedAt')]).toBe('2026-11-23T10:00:00+08:00');
    expect(c1[at('agents')]).toBe('ann');
    expect(c1[at('firstHumanResponseSeconds')]).toBe('45');
    expect(c1[at('averageResponseSeconds')]).toBe('17.667'); // 45, 5, 3
    expect(c1[at('reactionSeconds')]).toBe('45');
    expect(c1[at('closedAt')]).toBe('2026-11-23T10:01:10+08:00');
    const c4 = byId.get(s.c4)!;
    expect(c4[at('agents')]).toBe('bob; carl');
    expect(c4[at('servedBy')]).toBe('carl');
    expect(c4[at('transfers')]).toBe('1');
    expect(byId.get(s.c8)![at('overdue')]).toBe('1');
    expect(byId.get(s.c8)![at('closedAt')]).toBe('');
    expect(byId.has(s.c3)).toBe(false); // test chat
    expect(byId.has(s.c6)).toBe(false); // spam by rule
    expect(byId.has(s.c7)).toBe(false); // spam by hand
    // The rows add up to the summary.
    const json = await get(`/api/reports/summary${DAY}`);
    const human = [...byId.values()]
      .map((l) => l[at('firstHumanResponseSeconds')])
      .filter((v) => v !== '')
      .map(Number)
      .sort((a, b) => a - b);
    expect(percentileOfSorted(human, 0.5)).toBe(json.body.report.overall.firstHumanResponseSeconds.median);
    expect(human.length).toBe(json.body.report.overall.firstHumanResponseSeconds.count);
    const replies = [...byId.values()].reduce((n, l) => n + Number(l[at('replies')]), 0);
    expect(replies).toBe(json.body.report.overall.replies);
  });

  it('records orders once and attributes conversion to the serving agent, helpers as assisted', async () => {
    clock.now = T0 + 3600 * SEC;
    const post = (body: unknown) => call(app, 'POST', '/api/orders', { token, body });
    const paid = (s: number) => new Date(T0 + s * SEC).toISOString();
    const first = await post({ customerId: 'c2', orderId: 'o-1', paidAt: paid(2000), amount: 99.5 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      customerKey: 'api:c2',
      knownCustomer: true,
      duplicate: false,
      amount: 99.5,
    });
    expect(
      (await post({ customerId: 'c2', orderId: 'o-1', paidAt: paid(2000), amount: 99.5 })).body.duplicate,
    ).toBe(true);
    const conflict = await post({ customerId: 'c2', orderId: 'o-1', paidAt: paid(2000), amount: 10 });
    expect(conflict.status).toBe(409);
    expect(
      (await post({ customerId: 'api:c4', orderId: 'o-2', paidAt: paid(3000), amount: 20 })).status,
    ).toBe(201);
    expect((await post({ customerId: 'c5', orderId: 'o-3', paidAt: paid(3100), amount: 10 })).status).toBe(
      201,
    );
    expect(
      (await post({ customerId: 'c1', orderId: 'o-4', paidAt: T0 + 30 * 3600 * SEC, amount: 5 })).status,
    ).toBe(400);
    clock.now = T0 + 2 * 86_400 * SEC;
    token = await login(app, 'admin', ADMIN_PASSWORD); // the session expired meanwhile
    expect(
      (
        await post({
          customerId: 'c1',
          orderId: 'o-4',
          paidAt: new Date(T0 + 30 * 3600 * SEC).toISOString(),
          amount: 5,
        })
      ).status,
    ).toBe(201);
    const stranger = await post({ customerId: 'zz', orderId: 'o-5', paidAt: paid(100), amount: 1 });
    expect(stranger.body.knownCustomer).toBe(false);
    const bad = await post({ customerId: 'c1', orderId: 'o-6', paidAt: '2026-11-23 10:00', amount: 1.234 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: any) => f.path).sort()).toEqual(['amount', 'paidAt']);

    await spamRule(app, '加微信');
    const r = await get(`/api/reports/summary${DAY}&groupBy=agent`);
    const conv = r.body.conversion;
    // Asked: c1 c2 c4 c5 c7 c8 (c6 spam, c3 test). Paid within 24 h: c2, c4, c5 (c1 paid after 30 h).
    expect(conv).toMatchObject({
      windowHours: 24,
      customersAsked: 6,
      buyers: 3,
      orders: 3,
      amount: 129.5,
      unattributedBuyers: 1,
    });
    expect(conv.rate).toBeCloseTo(3 / 6, 10);
    const by = Object.fromEntries(conv.agents.map((a: any) => [name(r.body, a.agentId), a]));
    expect(by.ann).toMatchObject({ customersServed: 3, buyers: 1, amount: 99.5 }); // c1 c2 c7
    expect(by.carl).toMatchObject({ customersServed: 1, buyers: 1, rate: 1, amount: 20 });
    expect(by.bob).toMatchObject({ customersServed: 0, buyers: 0, assistedBuyers: 1, rate: null });
    expect(r.body.groups.find((g: any) => g.name === 'carl').conversion.buyers).toBe(1);

    const longer = await get(`/api/reports/summary${DAY}&conversionHours=48`);
    expect(longer.body.conversion.buyers).toBe(4);
  });
});
