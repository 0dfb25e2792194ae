import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotConfig } from '../../src/bot-config/bot-config';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { ADMIN_PASSWORD, call, createAgent, login, setStatus } from '../workspace/helpers';

/** POST /api/admin/try and the keyword suggestions, over real HTTP. */
describe.each(storageKinds())('try it and keyword suggestions on %s', (kind) => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp(kind, { ADMIN_PASSWORD });
    admin = await login(app, 'admin', ADMIN_PASSWORD);
  });
  afterAll(async () => app?.close());

  const post = (path: string, body: unknown) => call(app, 'POST', path, { token: admin, body });
  const tryIt = async (body: Record<string, unknown>) => {
    const r = await post('/api/admin/try', body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const doc = (): BotConfig => structuredClone(app.services.config.current.document);

  it('shows the normalised text, tokens, matching rules with their words, decision, rendered reply and tier', async () => {
    const { live } = await tryIt({ text: '請問什麼時候發貨？' });
    expect(live.version).toBe(app.services.config.current.version);
    expect(live.normalized.text).toBe('请问什么时候发货');
    expect(live.tokens).toEqual(expect.arrayContaining(['什么时候', '发货']));
    expect(live.match).toMatchObject({ intent: 'shipping-time', reason: 'confident' });
    expect(live.match.score).toBeGreaterThanOrEqual(0.7);
    expect(live.rules[0]).toMatchObject({
      intent: 'shipping-time',
      source: 'keyword',
      rule: 1,
      words: ['什么时候', '发货'],
    });
    expect(live.decision).toBe('template');
    expect(live.replies.map((r: { kind: string }) => r.kind)).toEqual(['greeting', 'template']);
    expect(live.replies[0].text).toBe(`欢迎光临${app.services.config.current.settings.name}！`);
    expect(['付款后48小时内发货。', '一般48小时内发出哦。']).toContain(live.replies[1].text);
    expect(live.replies[1].quickReplies).toEqual(['查物流', '人工客服']);
    expect(live.tier).toEqual({ id: 'general', because: ['intent'] });
    expect(live.spam).toEqual([]);

    const en = (await tryIt({ text: 'When will you ship?', returning: true })).live;
    expect(en.locale).toBe('en');
    expect(en.replies).toEqual([
      { kind: 'template', template: 'shipping-time', text: 'We ship within 48 hours of payment.' },
    ]);
  });

  it('says which agent a hand-off would go to now, and why the others would not get it', async () => {
    const amy = await createAgent(app, admin, { login: 'amy', level: 'regular', cap: 2 });
    const tom = await createAgent(app, admin, { login: 'tom', level: 'senior', cap: 2, test: true });
    let live = (await tryIt({ text: '人工' })).live;
    expect(live).toMatchObject({
      decision: 'handoff',
      tier: { id: 'general' },
      routing: { applies: true, agentId: null },
    });
    expect(live.routing.considered.find((c: { agentId: string }) => c.agentId === amy.id).verdict).toBe(
      'offline',
    );

    await setStatus(app, amy, 'online');
    await setStatus(app, tom, 'online');
    live = (await tryIt({ text: '人工' })).live;
    expect(live.routing).toMatchObject({ agentId: amy.id, agentName: 'amy', strategy: 'skilled-first' });
    expect(live.routing.considered.find((c: { agentId: string }) => c.agentId === tom.id).verdict).toBe(
      'test-agent',
    );
    // An escalation word raises the tier whatever the intent.
    const urgent = (await tryIt({ text: '人工，不然我打12315' })).live;
    expect(urgent.tier).toEqual({ id: 'urgent', because: ['keyword:12315'] });
    // Nothing was stored: trying is not chatting.
    const messages = await app.services.database.db
      .selectFrom('events')
      .select('id')
      .where('type', 'in', ['message.received', 'bot.replied', 'conversation.handoff'])
      .execute();
    expect(messages.length).toBe(0);
  });

  it('compares a draft with the live version: what changes for the text, the document diff, and an eval of a labelled file', async () => {
    const draft = doc();
    draft.intents.find((i) => i.id === 'shipping-time')!.rules.push({ any: ['几号寄'], weight: 1 });
    draft.replies.find((r) => r.id === 'shipping-time')!.text.zh = ['今天下单，明天寄出。'];
    const csv = [
      'text,intent',
      '几号寄出,shipping-time',
      '什么时候发货,shipping-time',
      '人工,human',
      '"随便聊聊, 没事",',
    ].join('\n');
    const r = await tryIt({ text: '几号寄出', returning: true, draft, csv });
    expect(r.live).toMatchObject({ decision: 'handoff', match: { intent: null } });
    expect(r.draft).toMatchObject({
      version: null,
      decision: 'template',
      match: { intent: 'shipping-time' },
      replies: [{ text: '今天下单，明天寄出。' }],
    });
    expect(r.changes.map((c: { what: string }) => c.what)).toEqual(
      expect.arrayContaining(['intent', 'decision', 'replies']),
    );
    expect(r.changes.find((c: { what: string }) => c.what === 'intent')).toEqual({
      what: 'intent',
      live: null,
      draft: 'shipping-time',
    });
    expect(r.documentDiff.map((d: { path: string }) => d.path).sort()).toEqual([
      'intents.shipping-time.rules',
      'replies.shipping-time.text.zh',
    ]);

    expect(r.eval.lines).toBe(4);
    expect(r.eval.live).toMatchObject({ inScope: 3, outOfScope: 1, correct: 2, answered: 2 });
    expect(r.eval.draft).toMatchObject({ correct: 3, answered: 3, precision: 1, coverage: 1 });
    expect(r.eval).toMatchObject({ fixed: 1, broken: 0, unknownLabels: [] });
    expect(r.eval.changed).toEqual([
      {
        line: 2,
        text: '几号寄出',
        expected: 'shipping-time',
        live: null,
        draft: 'shipping-time',
        better: true,
      },
    ]);

    // Only an eval, against the live version.
    const onlyEval = await tryIt({ csv: 'text,intent\n退款,refund\nhello,nope\n' });
    expect(onlyEval.live).toBeUndefined();
    expect(onlyEval.eval).toMatchObject({ lines: 2, live: { correct: 1 }, unknownLabels: ['nope'] });
    // Trying changed nothing.
    expect(app.services.config.current.document).not.toEqual(draft);
  });

  it('refuses an invalid draft (422, paths under draft.), a bad labelled file (400 with the line), and an empty request', async () => {
    const draft = doc();
    draft.intents[0]!.tier = 'gold';
    let r = await post('/api/admin/try', { text: '你好', draft });
    expect(r.status).toBe(422);
    expect(r.body.error.fields).toEqual([
      {
        path: `draft.intents.${draft.intents[0]!.id}.tier`,
        message: 'tier "gold" is referenced but not defined',
      },
    ]);

    r = await post('/api/admin/try', { text: '你好', csv: 'text,intent\n"unterminated,refund\n' });
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0]).toMatchObject({
      path: 'csv.line.2',
      message: expect.stringContaining('unterminated'),
    });
    r = await post('/api/admin/try', { text: '你好', csv: 'words,label\nx,y\n' });
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0].message).toContain('"text" and "intent"');

    r = await post('/api/admin/try', {});
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0]).toMatchObject({
      path: 'text',
      message: expect.stringContaining('give a text'),
    });
    r = await post('/api/admin/try', { text: '你好', mood: 'happy' });
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0].message).toContain('unknown field(s): mood');
  });

  it('suggests keywords from a labelled file, adds the accepted ones to a draft, and the published draft answers', async () => {
    const csv = [
      'text,intent',
      '几号寄出,shipping-time',
      '明天能寄出吗,shipping-time',
      '什么时候寄出呀,shipping-time',
      '今天寄出吗,shipping-time',
      '什么时候发货,shipping-time',
      '转人工客服,human',
      '我要人工,human',
      '退款怎么还没到,refund',
      '退款多久到账,refund',
      '天气不错,',
    ].join('\n');
    const r = await post('/api/admin/suggest-keywords', { csv });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const shipping = r.body.intents.find((i: { intent: string }) => i.intent === 'shipping-time');
    expect(shipping).toMatchObject({ lines: 5, answered: 1 });
    const jichu = shipping.suggestions.find((s: { keyword: string }) => s.keyword === '寄出');
    expect(jichu).toMatchObject({ support: 4, occurrences: 4, precision: 1, gain: 4 });
    expect(shipping.suggestions[0].keyword).toBe('寄出');
    // Keywords an intent already has are not proposed again.
    const refund = r.body.intents.find((i: { intent: string }) => i.intent === 'refund');
    expect(refund.suggestions.map((s: { keyword: string }) => s.keyword)).not.toContain('退款');

    const accepted = await post('/api/admin/suggest-keywords/accept', {
      accept: { 'shipping-time': ['寄出'] },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      valid: true,
      issues: [],
      diff: [{ path: 'intents.shipping-time.rules' }],
    });
    const draft = accepted.body.draft as BotConfig;
    expect(draft.intents.find((i) => i.id === 'shipping-time')!.rules.at(-1)).toEqual({
      any: ['寄出'],
      weight: 1,
    });

    const compared = await tryIt({ draft, csv });
    expect(compared.eval).toMatchObject({ fixed: 4, broken: 0 });

    // A conflicting or unknown acceptance is reported, not applied silently.
    const bad = await post('/api/admin/suggest-keywords/accept', {
      draft,
      accept: { 'shipping-time': ['退款'], nope: ['x'] },
    });
    expect(bad.body.valid).toBe(false);
    expect(bad.body.issues).toEqual(
      expect.arrayContaining([
        { path: 'accept.nope', message: 'intent "nope" does not exist' },
        expect.objectContaining({
          message: expect.stringContaining('keyword "退款" is also a keyword of intent'),
        }),
      ]),
    );

    const v = app.services.config.current.version;
    const published = await call(app, 'PUT', '/api/admin/config', {
      token: admin,
      body: { baseVersion: v, document: draft, summary: 'keywords from suggestions' },
    });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const answer = await app.post('/api/messages', { customerId: 'after-suggestions', text: '周末能寄出吗' });
    expect(answer.body.intent).toBe('shipping-time');
  });
});
