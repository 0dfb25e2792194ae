import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { ADMIN_PASSWORD, call, createAgent, login, type Reply } from '../workspace/helpers';

type Json = any;

/** The admin API over real HTTP, on every storage kind: edits, validation, versions, audit, roles. */
describe.each(storageKinds())('admin API on %s', (kind) => {
  let app: TestApp;
  let admin: string;
  let supervisor: string;
  let agent: string;

  beforeAll(async () => {
    app = await startTestApp(kind, { ADMIN_PASSWORD });
    admin = await login(app, 'admin', ADMIN_PASSWORD);
    supervisor = (await createAgent(app, admin, { login: 'sup', role: 'supervisor', level: 'supervisor' }))
      .token;
    agent = (await createAgent(app, admin, { login: 'ann', level: 'regular' })).token;
  });
  afterAll(async () => app?.close());

  const as = (token: string | undefined) => ({
    get: (path: string) => call(app, 'GET', path, { token }),
    put: (path: string, body: unknown) => call(app, 'PUT', path, { token, body }),
    post: (path: string, body: unknown) => call(app, 'POST', path, { token, body }),
    del: (path: string) => call(app, 'DELETE', path, { token }),
  });
  const live = () => app.services.config.current;
  const version = () => live().version;
  const ask = async (text = '什么时候发货') => {
    const r = await app.post('/api/messages', { customerId: `c-${Math.random()}`, text });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.replies.at(-1)?.text as string;
  };
  const reply = (text: string) => ({
    id: 'shipping-time',
    text: { zh: [text] },
    quickReplies: { zh: ['查物流'] },
  });
  /** 400/422 name the field at fault with a readable reason. */
  const refused = (r: Reply, status: number, path: string | RegExp, message: string | RegExp) => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    const fields = r.body.error.fields as { path: string; message: string }[];
    const hit = fields.find((f) => (typeof path === 'string' ? f.path === path : path.test(f.path)));
    expect(hit, JSON.stringify(fields)).toBeDefined();
    expect(hit!.message).toMatch(message);
  };

  it('refuses anonymous callers (401) and every role but admin (403); the docs are public', async () => {
    for (const path of [
      '/api/admin/config',
      '/api/admin/versions',
      '/api/admin/audit',
      '/api/admin/intents',
    ]) {
      expect((await as(undefined).get(path)).status).toBe(401);
      expect((await as(agent).get(path)).status).toBe(403);
      expect((await as(supervisor).get(path)).status).toBe(403);
      expect((await as(admin).get(path)).status).toBe(200);
    }
    expect((await as(agent).post('/api/admin/try', { text: '你好' })).status).toBe(403);
    expect((await as('not-a-token').get('/api/admin/config')).status).toBe(401);
    expect((await as(undefined).get('/api/docs')).status).toBe(200);
  });

  it('an accepted reply edit is a new version with author and diff, used by the very next message', async () => {
    const before = version();
    const r = await as(admin).put('/api/admin/replies/shipping-time', {
      baseVersion: before,
      reply: reply('今天下单今天发。'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ version: before + 1, created: false });
    expect(r.body.diff.map((d: { path: string }) => d.path).sort()).toEqual([
      'replies.shipping-time.quickReplies.zh',
      'replies.shipping-time.text.en',
      'replies.shipping-time.text.zh',
    ]);
    expect(await ask()).toBe('今天下单今天发。');

    const list = await as(admin).get('/api/admin/versions');
    expect(list.body.current).toBe(before + 1);
    expect(list.body.versions[0]).toMatchObject({
      version: before + 1,
      author: 'admin',
      summary: 'edit reply shipping-time',
    });
    expect(list.body.versions[0].createdAt).toBeGreaterThan(0);
    const one = await as(admin).get(`/api/admin/versions/${before + 1}`);
    expect(
      one.body.diff.find((d: { path: string }) => d.path === 'replies.shipping-time.text.zh'),
    ).toMatchObject({ after: ['今天下单今天发。'] });
    const diff = await as(admin).get(`/api/admin/versions/${before + 1}/diff`);
    expect(diff.body).toMatchObject({ from: before, to: before + 1 });
  });

  it('every rejected edit names the field and changes nothing: same version, same answer', async () => {
    const v = version();
    const answer = await ask();
    const doc = live().document;

    // Unknown template variable.
    refused(
      await as(admin).put('/api/admin/replies/shipping-time', {
        baseVersion: v,
        reply: reply('{{price}} 元包邮'),
      }),
      422,
      'replies.shipping-time.text.zh.0',
      /unknown template variable \{\{price\}\}/,
    );
    // A keyword claimed by another intent of the same priority.
    const greeting = doc.intents.find((i) => i.id === 'greeting')!;
    refused(
      await as(admin).put('/api/admin/intents/greeting', {
        baseVersion: v,
        intent: { ...greeting, smalltalk: false, rules: [{ any: ['你好', '退款'] }] },
      }),
      422,
      /^intents\.(greeting|refund)\.rules\.0\.any\.\d$/,
      /keyword "退款" is also a keyword of intent "(refund|greeting)" with the same priority 50/,
    );
    // A tier referenced but missing, from an intent and by deleting a tier in use.
    const refund = doc.intents.find((i) => i.id === 'refund')!;
    refused(
      await as(admin).put('/api/admin/intents/refund', {
        baseVersion: v,
        intent: { ...refund, tier: 'vip' },
      }),
      422,
      'intents.refund.tier',
      /tier "vip" is referenced but not defined/,
    );
    refused(
      await as(admin).del(`/api/admin/tiers/urgent?baseVersion=${v}`),
      422,
      /^routing\.(escalationTier|levels\.\w+\.tiers\.\d)$|^intents\.refund\.tier$/,
      /tier "urgent" is referenced but not defined/,
    );
    // A cap below 0.
    const routing = structuredClone(doc.routing);
    routing.levels.trainee.cap = -1;
    refused(
      await as(admin).put('/api/admin/routing', { baseVersion: v, routing }),
      400,
      'routing.levels.trainee.cap',
      /cap cannot be below 0/,
    );
    // Invalid and catastrophic regular expressions in the spam rules.
    refused(
      await as(admin).put('/api/admin/spam', {
        baseVersion: v,
        spam: { keywords: [], patterns: ['([a-z]+'] },
      }),
      400,
      'spam.patterns.0',
      /invalid regular expression/,
    );
    refused(
      await as(admin).put('/api/admin/spam', {
        baseVersion: v,
        spam: { keywords: [], patterns: ['ok', '(a+)+$'] },
      }),
      400,
      'spam.patterns.1',
      /nested quantifier.*catastrophic/,
    );
    // Unknown fields are refused, not ignored — at the top and deep inside.
    refused(
      await as(admin).put('/api/admin/replies/shipping-time', {
        baseVersion: v,
        reply: reply('x'),
        colour: 'red',
      }),
      400,
      'body',
      /unknown field\(s\): colour/,
    );
    refused(
      await as(admin).put('/api/admin/replies/shipping-time', {
        baseVersion: v,
        reply: { ...reply('x'), tone: 'warm' },
      }),
      400,
      'reply',
      /unknown field\(s\): tone/,
    );
    // Missing base version, a body id that is not the URL's, a nonsense id.
    refused(
      await as(admin).put('/api/admin/replies/shipping-time', { reply: reply('x') }),
      400,
      'baseVersion',
      /version your edit is based on/,
    );
    refused(
      await as(admin).put('/api/admin/replies/shipping-time', {
        baseVersion: v,
        reply: { ...reply('x'), id: 'greeting' },
      }),
      400,
      'reply.id',
      /must equal "shipping-time"/,
    );
    refused(
      await as(admin).put('/api/admin/replies/Bad_Id', { baseVersion: v, reply: reply('x') }),
      400,
      'id',
      /kebab-case/,
    );
    // Deleting what is in use, or what does not exist.
    refused(
      await as(admin).del(`/api/admin/replies/greeting?baseVersion=${v}`),
      422,
      'replies',
      /needs a "greeting" reply/,
    );
    refused(await as(admin).del(`/api/admin/intents/nope?baseVersion=${v}`), 404, 'id', /no such intent/);
    refused(
      await as(admin).del('/api/admin/intents/greeting'),
      400,
      'baseVersion',
      /version your edit is based on/,
    );
    // A group that still has agents.
    await createAgent(app, admin, { login: 'vip-desk', groups: ['general'] });
    refused(
      await as(admin).put('/api/admin/routing', {
        baseVersion: v,
        routing: {
          ...doc.routing,
          groups: { desk: { strategy: 'balanced', sticky: true } },
          defaultGroup: 'desk',
        },
      }),
      422,
      'routing.groups.general',
      /still has agents \(.*vip-desk.*\)/,
    );
    // Bad business hours.
    refused(
      await as(admin).put('/api/admin/hours', {
        baseVersion: v,
        calendar: { ...doc.shop.calendar, holidays: ['2026-13-45'] },
      }),
      400,
      'calendar.holidays.0',
      /a date like/,
    );
    refused(
      await as(admin).put('/api/admin/hours', {
        baseVersion: v,
        calendar: { ...doc.shop.calendar, timezone: 'Mars/Olympus' },
      }),
      400,
      'calendar.timezone',
      /IANA time zone/,
    );

    expect(version()).toBe(v);
    expect(await ask()).toBe(answer);
    expect((await as(admin).get('/api/admin/versions')).body.current).toBe(v);
  });

  it('answers 413 for a body over the limit, 415 for a body that is not JSON, 400 for broken JSON', async () => {
    const v = version();
    const big = await as(admin).put('/api/admin/replies/shipping-time', {
      baseVersion: v,
      reply: reply('长'.repeat(30_000)),
    });
    expect(big.status).toBe(413);
    const whole = {
      baseVersion: v,
      document: { ...live().document, intents: [...live().document.intents] },
      filler: 'x'.repeat(6 * 1024 * 1024),
    };
    expect((await as(admin).put('/api/admin/config', whole)).status).toBe(413);
    const text = await fetch(`${app.url}/api/admin/intents/greeting`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    const broken = await fetch(`${app.url}/api/admin/intents/greeting`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{"baseVersion":',
    });
    expect(broken.status).toBe(400);
    expect(version()).toBe(v);
  });

  it('a stale base version is refused with 409 and the live version; concurrent edits: one wins', async () => {
    const v = version();
    const first = await as(admin).put('/api/admin/replies/shipping-time', {
      baseVersion: v,
      reply: reply('A'),
    });
    expect(first.status).toBe(200);
    const stale = await as(admin).put('/api/admin/replies/shipping-time', {
      baseVersion: v,
      reply: reply('B'),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'stale_version',
      currentVersion: v + 1,
      fields: [{ path: 'baseVersion' }],
    });
    expect(await ask()).toBe('A');

    const results = await Promise.all(
      ['C', 'D', 'E'].map((t) =>
        as(admin).put('/api/admin/replies/shipping-time', { baseVersion: v + 1, reply: reply(t) }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const winner = results.find((r) => r.status === 200)!;
    expect(winner.body.version).toBe(v + 2);
    expect(['C', 'D', 'E']).toContain(await ask());
  });

  it('restores any earlier version in one call, as a new version; an unknown version is 404', async () => {
    const original = (await as(admin).get('/api/admin/versions/1')).body.document.replies.find(
      (r: { id: string }) => r.id === 'shipping-time',
    ).text.zh as string[];
    await as(admin).put('/api/admin/replies/shipping-time', {
      baseVersion: version(),
      reply: reply('临时文案'),
    });
    expect(await ask()).toBe('临时文案');
    const v = version();
    const r = await as(admin).post('/api/admin/versions/1/restore', { baseVersion: v });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ version: v + 1, restored: 1 });
    expect(original).toContain(await ask());
    const versions = (await as(admin).get('/api/admin/versions')).body.versions;
    expect(versions[0]).toMatchObject({ version: v + 1, summary: 'restore version 1', author: 'admin' });

    refused(
      await as(admin).post('/api/admin/versions/999/restore', { baseVersion: v + 1 }),
      404,
      'version',
      /no such version/,
    );
    expect((await as(admin).get('/api/admin/versions/999')).status).toBe(404);
    refused(
      await as(admin).post('/api/admin/versions/1/restore', { baseVersion: v + 1, force: true }),
      400,
      'body',
      /unknown field/,
    );
    expect(version()).toBe(v + 1);
  });

  it('edits intents, tiers, groups and shop settings; each is live at once', async () => {
    // A new intent with its own reply: answered by the next message.
    let v = version();
    let r = await as(admin).put('/api/admin/replies/invoice', {
      baseVersion: v,
      reply: { id: 'invoice', text: { zh: ['可以开电子发票。'] } },
    });
    expect(r.body).toMatchObject({ created: true });
    r = await as(admin).put('/api/admin/intents/invoice', {
      baseVersion: v + 1,
      intent: { id: 'invoice', rules: [{ any: ['发票'] }] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await ask('能开发票吗')).toBe('可以开电子发票。');
    expect((await as(admin).get('/api/admin/intents/invoice')).body.intent).toMatchObject({
      id: 'invoice',
      priority: 50,
      tier: 'general',
    });

    // A tier and a group with another strategy, then an intent routed to them.
    v = version();
    r = await as(admin).put('/api/admin/tiers/vip', {
      baseVersion: v,
      tier: {
        id: 'vip',
        rank: 4,
        firstReplySeconds: 20,
        replySeconds: 30,
        overdueAfterSeconds: 20,
        transferAfterSeconds: 60,
        complianceTarget: 0.95,
      },
    });
    expect(r.body).toMatchObject({ created: true });
    r = await as(admin).put('/api/admin/groups/after-sales', {
      baseVersion: v + 1,
      group: { strategy: 'round-robin', sticky: false },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const refund = live().document.intents.find((i) => i.id === 'refund')!;
    r = await as(admin).put('/api/admin/intents/refund', {
      baseVersion: v + 2,
      intent: { ...refund, tier: 'vip', group: 'after-sales' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(app.services.routingConfig.get().groups['after-sales']).toEqual({
      strategy: 'round-robin',
      sticky: false,
    });
    const tried = await as(admin).post('/api/admin/try', { text: '我要退款' });
    expect(tried.body.live).toMatchObject({
      decision: 'handoff',
      tier: { id: 'vip' },
      group: 'after-sales',
      routing: { strategy: 'round-robin' },
    });
    // The group cannot go while an intent routes to it.
    refused(
      await as(admin).del(`/api/admin/groups/after-sales?baseVersion=${version()}`),
      422,
      'intents.refund.group',
      /group "after-sales" is referenced but not defined/,
    );

    // Greeting off, spam rules on, alert thresholds: the try box sees them at once.
    v = version();
    expect(
      (
        await as(admin).put('/api/admin/greeting', {
          baseVersion: v,
          greeting: { enabled: false, quietAfterActivityMinutes: 30 },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await as(admin).put('/api/admin/spam', {
          baseVersion: v + 1,
          spam: { keywords: ['加微信'], patterns: ['v[x信]\\s*[:：]?\\s*\\w{5,}'], maxLinks: 1 },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await as(admin).put('/api/admin/alerts', {
          baseVersion: v + 2,
          alerts: { firstResponseSeconds: 45, windowMinutes: 10, queueLength: 5, overdueChats: 2 },
        })
      ).status,
    ).toBe(200);
    const spam = await as(admin).post('/api/admin/try', {
      text: '加微信 vx: abc12345 http://a.cn http://b.cn',
    });
    expect(spam.body.live.spam).toEqual(['keyword:加微信', 'pattern:v[x信]\\s*[:：]?\\s*\\w{5,}', 'links:2']);
    expect(spam.body.live.replies.map((x: { kind: string }) => x.kind)).not.toContain('greeting');
    expect((await as(admin).get('/api/admin/shop')).body.shop.alerts).toEqual({
      firstResponseSeconds: 45,
      windowMinutes: 10,
      queueLength: 5,
      overdueChats: 2,
    });

    // Business hours: closed every day → the try box shows the away message with the next opening.
    v = version();
    const closedAllWeek = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    r = await as(admin).put('/api/admin/hours', {
      baseVersion: v,
      calendar: {
        timezone: 'Asia/Shanghai',
        weekly: closedAllWeek,
        holidays: ['2030-01-01'],
        exceptions: [],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const closed = await as(admin).post('/api/admin/try', { text: '人工' });
    expect(closed.body.live).toMatchObject({ open: false, decision: 'handoff' });
    expect(closed.body.live.replies.map((x: { kind: string }) => x.kind)).toEqual(['away']);
    r = await as(admin).put('/api/admin/hours', {
      baseVersion: v + 1,
      calendar: {
        timezone: 'Asia/Shanghai',
        weekly: {
          ...closedAllWeek,
          mon: ['00:00-24:00'],
          tue: ['00:00-24:00'],
          wed: ['00:00-24:00'],
          thu: ['00:00-24:00'],
          fri: ['00:00-24:00'],
          sat: ['00:00-24:00'],
          sun: ['00:00-24:00'],
        },
        holidays: [],
        exceptions: [],
      },
    });
    expect(r.status).toBe(200);
    expect((await as(admin).post('/api/admin/try', { text: '人工' })).body.live.open).toBe(true);
  });

  it('PUT /api/admin/config publishes a whole document; validate checks one without publishing', async () => {
    const v = version();
    const doc = structuredClone(live().document);
    doc.shop.name = '云朵小店';
    const check = await as(admin).post('/api/admin/config/validate', { document: doc });
    expect(check.body).toMatchObject({
      valid: true,
      issues: [],
      diff: [{ path: 'shop.name', before: live().document.shop.name, after: '云朵小店' }],
    });
    const bad = structuredClone(doc);
    bad.intents[0]!.tier = 'nowhere';
    const badCheck = await as(admin).post('/api/admin/config/validate', { document: bad });
    expect(badCheck.body.valid).toBe(false);
    expect(badCheck.body.issues[0]).toMatchObject({ path: `intents.${bad.intents[0]!.id}.tier` });
    expect(version()).toBe(v);

    const r = await as(admin).put('/api/admin/config', {
      baseVersion: v,
      document: doc,
      summary: 'rename the shop',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(live().settings.name).toBe('云朵小店');
    expect((await as(admin).get('/api/admin/versions')).body.versions[0]).toMatchObject({
      summary: 'rename the shop',
    });
  });

  it('audits every admin action: logins (also failed ones), publishes, refusals, restores, agent changes, forced status', async () => {
    const before = (await as(admin).get('/api/admin/audit?limit=1')).body.entries[0]?.seq ?? 0;
    expect(
      (await call(app, 'POST', '/api/auth/login', { body: { login: 'admin', password: 'wrong-password' } }))
        .status,
    ).toBe(401);
    await login(app, 'admin', ADMIN_PASSWORD);
    const v = version();
    await as(admin).put('/api/admin/replies/shipping-time', { baseVersion: v, reply: reply('审计') });
    await as(admin).put('/api/admin/replies/shipping-time', { baseVersion: v, reply: reply('stale') });
    await as(admin).post('/api/admin/versions/1/restore', { baseVersion: v + 1 });
    const bob = await createAgent(app, admin, { login: 'bob' });
    expect(
      (
        await call(app, 'PATCH', `/api/agents/${bob.id}`, {
          token: admin,
          body: { cap: 3, password: 'another-password-1' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(app, 'PUT', `/api/agents/${bob.id}/status`, {
          token: supervisor,
          body: { status: 'away' },
        })
      ).status,
    ).toBe(200);

    // Entries of responses already sent are written when the response finishes: give them a moment.
    let entries: { seq: number; actor: string | null; action: string; detail: Json }[] = [];
    await expect
      .poll(async () => {
        entries = (await as(admin).get('/api/admin/audit?limit=100')).body.entries.filter(
          (e: { seq: number }) => e.seq > before,
        );
        return entries.some((e) => e.action === 'agent.status.forced');
      })
      .toBe(true);
    const find = (action: string) => entries.find((e) => e.action === action);
    expect(find('auth.login.refused')).toMatchObject({ actor: null, detail: { status: 401 } });
    expect(entries.filter((e) => e.action === 'auth.login').map((e) => e.actor)).toEqual(
      expect.arrayContaining(['admin', 'bob']),
    );
    expect(entries.find((e) => e.action === 'config.publish' && e.detail.version === v + 1)).toMatchObject({
      actor: 'admin',
      detail: { summary: 'edit reply shipping-time', changes: 3 },
    });
    expect(find('reply.put.refused')).toMatchObject({ actor: 'admin', detail: { status: 409 } });
    expect(
      entries.some((e) => e.action === 'config.publish' && e.detail.summary === 'restore version 1'),
    ).toBe(true);
    expect(find('agent.create')).toMatchObject({ actor: 'admin', detail: { login: 'bob' } });
    expect(find('agent.update')).toMatchObject({
      actor: 'admin',
      detail: { login: 'bob', changes: { cap: { after: 3 }, password: 'reset' } },
    });
    expect(find('agent.status.forced')).toMatchObject({
      actor: 'sup',
      detail: { login: 'bob', changes: { status: { before: 'offline', after: 'away' } } },
    });
    // Paging and filtering.
    const onlyAuth = (await as(admin).get('/api/admin/audit?action=auth.')).body.entries as {
      action: string;
    }[];
    expect(onlyAuth.length).toBeGreaterThan(0);
    expect(onlyAuth.every((e) => e.action.startsWith('auth.'))).toBe(true);
    const page = (await as(admin).get(`/api/admin/audit?limit=2&before=${entries[0]!.seq}`)).body.entries as {
      seq: number;
    }[];
    expect(page.every((e) => e.seq < entries[0]!.seq)).toBe(true);
    refused(await as(admin).get('/api/admin/audit?limit=2&colour=red'), 400, 'query', /unknown field/);
  });
});
