import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import {
  ADMIN_PASSWORD,
  agentRow,
  call,
  changeRouting,
  createAgent,
  handOff,
  login,
  myChats,
  setStatus,
  type TestAgent,
  visitor,
} from './helpers';

// 2026-11-23 10:00 in Shanghai: inside the default 09:00–23:00 hours.
const MORNING = Date.parse('2026-11-23T10:00:00+08:00');
const SECOND = 1000;

describe.each(storageKinds())('agent workspace chats on %s', (kind) => {
  let app: TestApp;
  let now = MORNING;
  let admin: string;
  beforeEach(async () => {
    now = MORNING;
    app = await startTestApp(kind, { ADMIN_PASSWORD }, { clock: () => now });
    admin = await login(app, 'admin', ADMIN_PASSWORD);
  });
  afterEach(async () => app.close());

  const events = async (conversationId: string) => app.services.store.history(conversationId);
  const chatRow = async (id: string) => (await app.services.routingStore.conversation(id))!;

  it('a customer asking for a person is assigned to the online agent, who sees it with tier and waiting time', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'regular' });
    const wei = await createAgent(app, admin, { login: 'wei', level: 'regular' });
    await setStatus(app, lin, 'online');
    const customer = await visitor(app);
    const conversationId = await handOff(app, customer);

    expect(await chatRow(conversationId)).toMatchObject({ status: 'assigned', agent_id: lin.id });
    now += 42 * SECOND;
    const chats = await myChats(app, lin);
    expect(chats.map((c) => c.id)).toEqual([conversationId]);
    expect(chats[0]).toMatchObject({
      customerKey: customer.key,
      tier: 'general',
      overdue: false,
      onHold: false,
      waitingMs: 42 * SECOND,
    });
    // The preview is what the customer said last (bot replies and notices are not previews).
    expect(chats[0].last).toEqual({ text: '人工', actor: 'customer', agentId: null, at: MORNING });
    expect(await myChats(app, wei)).toEqual([]);
    expect((await agentRow(app, lin.id)).active_count).toBe(1);
  });

  it('lists my chats most urgent first: overdue, then tier, then longest waiting', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'senior' });
    await setStatus(app, lin, 'online');
    const first = await handOff(app, await visitor(app));
    now += 10 * SECOND;
    const urgent = await handOff(app, await visitor(app), '我要退款');
    now += 10 * SECOND;
    const third = await handOff(app, await visitor(app));
    expect((await myChats(app, lin)).map((c) => c.id)).toEqual([urgent, first, third]);
    expect((await myChats(app, lin))[0].tier).toBe('urgent');

    // The general chat answered late turns red: it goes to the top.
    now += 300 * SECOND;
    await app.services.watcher.tick();
    const chats = await myChats(app, lin);
    expect(
      chats
        .filter((c) => c.overdue)
        .map((c) => c.id)
        .sort(),
    ).toEqual([first, third, urgent].sort());
    expect(chats[0].id).toBe(urgent);
  });

  it('the agent replies: logged, and the customer sees it in the widget history; then closes', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'regular' });
    await setStatus(app, lin, 'online');
    const customer = await visitor(app);
    const conversationId = await handOff(app, customer);

    now += 20 * SECOND;
    const text = '您好，我是小林，马上帮您查 <b>订单</b>';
    const r = await call(app, 'POST', `/api/workspace/chats/${conversationId}/reply`, {
      token: lin.token,
      body: { text },
    });
    expect(r.status).toBe(200);
    expect(r.body.message).toMatchObject({ type: 'agent.replied', actor: 'agent', agentId: lin.id, text });

    const logged = (await events(conversationId)).filter((e) => e.type === 'agent.replied');
    expect(logged.map((e) => [e.text, e.agent_id, Number(e.at)])).toEqual([[text, lin.id, now]]);
    const widget = await customer.history();
    expect(widget.messages.at(-1)).toMatchObject({ actor: 'agent', type: 'agent.replied', text });
    // Answered: no longer waiting.
    expect((await myChats(app, lin))[0]).toMatchObject({ waitingMs: 0, awaitingSince: null });

    const history = await call(app, 'GET', `/api/workspace/chats/${conversationId}/messages`, {
      token: lin.token,
    });
    const types: string[] = history.body.messages.map((m: any) => m.type);
    expect(
      types.filter((t) => t.startsWith('message.') || t.startsWith('conversation.') || t === 'agent.replied'),
    ).toEqual(['message.received', 'conversation.handoff', 'conversation.assigned', 'agent.replied']);
    expect(types).toContain('bot.replied'); // the hand-off notice
    expect(history.body.messages.at(-1)).toMatchObject({ actor: 'agent', text });
    expect(history.body.conversation).toMatchObject({
      status: 'assigned',
      agentId: lin.id,
      customerKey: customer.key,
    });

    const empty = await call(app, 'POST', `/api/workspace/chats/${conversationId}/reply`, {
      token: lin.token,
      body: { text: '   ' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields[0].path).toBe('text');

    const closed = await call(app, 'POST', `/api/workspace/chats/${conversationId}/close`, {
      token: lin.token,
      body: {},
    });
    expect(closed.status).toBe(200);
    expect(await chatRow(conversationId)).toMatchObject({ status: 'closed' });
    expect(await myChats(app, lin)).toEqual([]);
    expect((await agentRow(app, lin.id)).active_count).toBe(0);

    const late = await call(app, 'POST', `/api/workspace/chats/${conversationId}/reply`, {
      token: lin.token,
      body: { text: '还在吗' },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('not_open');
    expect((await events(conversationId)).filter((e) => e.type === 'agent.replied')).toHaveLength(1);
    expect(
      (
        await call(app, 'POST', `/api/workspace/chats/${conversationId}/close`, {
          token: lin.token,
          body: {},
        })
      ).status,
    ).toBe(409);
  });

  it('refuses replies to someone else’s chat, and by a supervisor who does not hold it', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'regular' });
    const wei = await createAgent(app, admin, { login: 'wei', level: 'regular' });
    await setStatus(app, lin, 'online');
    const conversationId = await handOff(app, await visitor(app));
    const other = await call(app, 'POST', `/api/workspace/chats/${conversationId}/reply`, {
      token: wei.token,
      body: { text: 'hi' },
    });
    expect(other.status).toBe(403);
    const sup = await call(app, 'POST', `/api/workspace/chats/${conversationId}/reply`, {
      token: admin,
      body: { text: 'hi' },
    });
    expect(sup.status).toBe(409);
    expect((await events(conversationId)).some((e) => e.type === 'agent.replied')).toBe(false);
    expect(
      (await call(app, 'POST', '/api/workspace/chats/nope/reply', { token: lin.token, body: { text: 'hi' } }))
        .status,
    ).toBe(404);
  });

  describe('transfers', () => {
    let lin: TestAgent;
    let wei: TestAgent;
    let conversationId: string;
    beforeEach(async () => {
      lin = await createAgent(app, admin, { login: 'lin', level: 'senior' });
      wei = await createAgent(app, admin, { login: 'wei', level: 'regular', cap: 1 });
      await setStatus(app, lin, 'online');
      conversationId = await handOff(app, await visitor(app));
      expect((await chatRow(conversationId)).agent_id).toBe(lin.id);
    });

    const transfer = (by: TestAgent, body: unknown) =>
      call(app, 'POST', `/api/workspace/chats/${conversationId}/transfer`, { token: by.token, body });

    async function unchanged() {
      expect(await chatRow(conversationId)).toMatchObject({ status: 'assigned', agent_id: lin.id });
      expect((await agentRow(app, lin.id)).active_count).toBe(1);
      expect((await events(conversationId)).some((e) => e.type === 'conversation.transferred')).toBe(false);
    }

    it('to a named agent, with a note the receiver sees', async () => {
      await setStatus(app, wei, 'online');
      const r = await transfer(lin, { agentId: wei.id, note: '客户要开发票' });
      expect(r.status).toBe(200);
      expect(await chatRow(conversationId)).toMatchObject({ status: 'assigned', agent_id: wei.id });
      expect(await myChats(app, lin)).toEqual([]);
      expect((await myChats(app, wei)).map((c) => c.id)).toEqual([conversationId]);
      expect((await agentRow(app, lin.id)).active_count).toBe(0);
      expect((await agentRow(app, wei.id)).active_count).toBe(1);
      const history = await call(app, 'GET', `/api/workspace/chats/${conversationId}/messages`, {
        token: wei.token,
      });
      expect(history.body.messages.at(-1)).toMatchObject({
        type: 'conversation.transferred',
        agentId: wei.id,
        note: '客户要开发票',
        kind: 'manual',
      });
      // Lin no longer holds it.
      expect(
        (await call(app, 'GET', `/api/workspace/chats/${conversationId}/messages`, { token: lin.token }))
          .status,
      ).toBe(403);
    });

    it('refused: to an offline agent, to oneself, to an agent at cap, to nobody; state unchanged', async () => {
      const offline = await transfer(lin, { agentId: wei.id });
      expect(offline.status).toBe(409);
      expect(offline.body.error).toMatchObject({ code: 'agent_unavailable', fields: [{ path: 'agentId' }] });
      await unchanged();

      const self = await transfer(lin, { agentId: lin.id });
      expect(self.status).toBe(400);
      expect(self.body.error.fields[0].path).toBe('agentId');
      await unchanged();

      // Wei online with their single slot taken.
      await setStatus(app, wei, 'online');
      await app.services.routingStore.database.db
        .updateTable('agents')
        .set({ status: 'offline' })
        .where('id', '=', lin.id)
        .execute();
      const busy = await handOff(app, await visitor(app));
      await app.services.routingStore.database.db
        .updateTable('agents')
        .set({ status: 'online' })
        .where('id', '=', lin.id)
        .execute();
      expect((await chatRow(busy)).agent_id).toBe(wei.id);
      const full = await transfer(lin, { agentId: wei.id });
      expect(full.status).toBe(409);
      expect(full.body.error).toMatchObject({ code: 'agent_at_cap', fields: [{ path: 'agentId' }] });
      await unchanged();

      const ghost = await transfer(lin, { agentId: 'no-such-agent' });
      expect(ghost.status).toBe(404);
      expect(ghost.body.error.fields[0].path).toBe('agentId');
      const neither = await transfer(lin, { note: 'hm' });
      expect(neither.status).toBe(400);
      expect(neither.body.error.fields[0].path).toBe('agentId');
      const both = await transfer(lin, { agentId: wei.id, group: 'general' });
      expect(both.status).toBe(400);
      expect(both.body.error.fields[0].path).toBe('group');
      const noGroup = await transfer(lin, { group: 'vip-desk' });
      expect(noGroup.status).toBe(404);
      expect(noGroup.body.error.fields[0].path).toBe('group');
      const notMine = await transfer(wei, { group: 'general' });
      expect(notMine.status).toBe(403);
      await unchanged();
    });

    it('to a group: back to the queue and on to an agent of that group', async () => {
      await changeRouting(app, (config) => {
        config.groups['after-sales'] = { strategy: 'skilled-first', sticky: false };
      });
      const mei = await createAgent(app, admin, { login: 'mei', level: 'regular', groups: ['after-sales'] });
      // Lin serves only the general group from now on.
      expect(
        (await call(app, 'PATCH', `/api/agents/${lin.id}`, { token: admin, body: { groups: ['general'] } }))
          .status,
      ).toBe(200);
      await setStatus(app, mei, 'online');
      expect(await myChats(app, mei)).toEqual([]);

      const r = await transfer(lin, { group: 'after-sales', note: '退货问题' });
      expect(r.status).toBe(200);
      await app.services.router.kick();
      expect(await chatRow(conversationId)).toMatchObject({
        status: 'assigned',
        agent_id: mei.id,
        grp: 'after-sales',
      });
      expect(await myChats(app, lin)).toEqual([]);
      expect((await agentRow(app, lin.id)).active_count).toBe(0);
      const transferred = (await events(conversationId)).find((e) => e.type === 'conversation.transferred');
      expect(JSON.parse(transferred!.data!)).toMatchObject({
        kind: 'manual',
        from: lin.id,
        group: 'after-sales',
        note: '退货问题',
      });
    });
  });

  it('a supervisor forcing an agent offline sends their chats back to the queue, where the next agent gets them', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'senior' });
    const wei = await createAgent(app, admin, { login: 'wei', level: 'regular' });
    const boss = await createAgent(app, admin, { login: 'boss', role: 'supervisor', level: 'supervisor' });
    await setStatus(app, lin, 'online');
    const a = await handOff(app, await visitor(app));
    const b = await handOff(app, await visitor(app));
    expect((await myChats(app, lin)).length).toBe(2);
    await setStatus(app, wei, 'online');
    expect(await myChats(app, wei)).toEqual([]);

    const notAllowed = await call(app, 'PUT', `/api/agents/${lin.id}/status`, {
      token: wei.token,
      body: { status: 'offline' },
    });
    expect(notAllowed.status).toBe(403);
    expect((await agentRow(app, lin.id)).status).toBe('online');

    const r = await call(app, 'PUT', `/api/agents/${lin.id}/status`, {
      token: boss.token,
      body: { status: 'offline' },
    });
    expect(r.status).toBe(200);
    expect(r.body.agent).toMatchObject({ id: lin.id, status: 'offline', activeChats: 0 });
    await app.services.router.kick();
    expect((await myChats(app, wei)).map((c) => c.id).sort()).toEqual([a, b].sort());
    expect(await myChats(app, lin)).toEqual([]);
    for (const id of [a, b]) {
      const types = (await events(id)).map((e) => e.type);
      expect(types.filter((t) => t.startsWith('conversation.'))).toEqual([
        'conversation.handoff',
        'conversation.assigned',
        'conversation.requeued',
        'conversation.assigned',
      ]);
    }
    const forced = await app.services.routingStore.database.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'agent.status_forced')
      .execute();
    expect(forced.map((e) => [e.agent_id, JSON.parse(e.data!)])).toEqual([
      [lin.id, { by: boss.id, from: 'online', to: 'offline' }],
    ]);

    const overview = await call(app, 'GET', '/api/supervisor/overview', { token: boss.token });
    expect(overview.status).toBe(200);
    const byLogin = Object.fromEntries(overview.body.agents.map((x: any) => [x.login, x]));
    expect(byLogin.lin).toMatchObject({ status: 'offline', activeChats: 0, openChats: 0, cap: 10 });
    expect(byLogin.wei).toMatchObject({ status: 'online', activeChats: 2, openChats: 2, cap: 8 });
    expect(JSON.stringify(overview.body)).not.toContain('scrypt');
  });

  it('the overview shows the queue by tier with waiting times, loads and overdue chats', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'regular', cap: 1 });
    await setStatus(app, lin, 'online');
    const held = await handOff(app, await visitor(app));
    now += 5 * SECOND;
    const queuedGeneral = await handOff(app, await visitor(app));
    now += 5 * SECOND;
    const queuedUrgent = await handOff(app, await visitor(app), '退款');
    now += 295 * SECOND;
    await app.services.watcher.tick(); // the held chat, unanswered for 305 s, turns red

    const r = await call(app, 'GET', '/api/supervisor/overview', { token: admin });
    expect(r.status).toBe(200);
    const tiers = Object.fromEntries(r.body.queue.tiers.map((t: any) => [t.id, t]));
    expect(r.body.queue.tiers.map((t: any) => t.id)).toEqual(['urgent', 'general', 'complex']);
    expect(r.body.queue.total).toBe(2);
    expect(tiers.urgent.chats.map((c: any) => [c.id, c.waitingMs])).toEqual([[queuedUrgent, 295 * SECOND]]);
    expect(tiers.general.chats.map((c: any) => [c.id, c.waitingMs])).toEqual([[queuedGeneral, 300 * SECOND]]);
    expect(tiers.general.oldestWaitMs).toBe(300 * SECOND);
    expect(tiers.complex.count).toBe(0);
    expect(r.body.overdue.map((c: any) => [c.id, c.agentId, c.waitingMs])).toEqual([
      [held, lin.id, 305 * SECOND],
    ]);
    const linRow = r.body.agents.find((a: any) => a.id === lin.id);
    expect(linRow).toMatchObject({ status: 'online', activeChats: 1, cap: 1, overdueChats: 1 });
  });

  it('explains an assignment: who was considered, why each was passed over, who was next', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', name: '林', level: 'senior' });
    const wei = await createAgent(app, admin, { login: 'wei', name: '魏', level: 'regular' });
    const tian = await createAgent(app, admin, { login: 'tian', name: '田', level: 'trainee' });
    const off = await createAgent(app, admin, { login: 'off', name: '欧', level: 'lead' });
    const other = await createAgent(app, admin, { login: 'other', level: 'lead', groups: [] });
    await call(app, 'PATCH', `/api/agents/${other.id}`, { token: admin, body: { cap: 0 } });
    for (const a of [lin, wei, tian, other]) await setStatus(app, a, 'online');
    const conversationId = await handOff(app, await visitor(app), '我要退款'); // urgent: trainees do not take it

    const r = await call(app, 'GET', `/api/workspace/chats/${conversationId}/explain`, { token: admin });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ conversationId, status: 'assigned', agentId: lin.id, tier: 'urgent' });
    const assigned = r.body.steps.find((s: any) => s.type === 'conversation.assigned');
    expect(assigned).toMatchObject({ agentId: lin.id, agentName: '林', kind: 'routing' });
    expect(assigned.decision).toMatchObject({
      strategy: 'skilled-first',
      chosen: lin.id,
      chosenName: '林',
      next: wei.id,
      nextName: '魏',
    });
    const verdicts = Object.fromEntries(assigned.decision.considered.map((c: any) => [c.agentId, c.verdict]));
    expect(verdicts).toEqual({
      [lin.id]: 'chosen',
      [wei.id]: 'next',
      [tian.id]: 'outside-tier-window',
      [off.id]: 'offline',
      [other.id]: 'cap-zero',
      [(await app.services.routingStore.agentByLogin('admin'))!.id]: 'offline',
    });
    expect(assigned.decision.considered.find((c: any) => c.agentId === tian.id).why).toMatch(/tier/);
    expect(r.body.steps[0]).toMatchObject({ type: 'conversation.handoff', tier: 'urgent' });

    // After a manual transfer the story goes on.
    await call(app, 'POST', `/api/workspace/chats/${conversationId}/transfer`, {
      token: lin.token,
      body: { agentId: wei.id, note: 'n' },
    });
    const after = await call(app, 'GET', `/api/workspace/chats/${conversationId}/explain`, { token: admin });
    expect(after.body.steps.at(-1)).toMatchObject({
      type: 'conversation.transferred',
      kind: 'manual',
      from: lin.id,
      fromName: '林',
      agentId: wei.id,
      note: 'n',
    });

    expect(
      (await call(app, 'GET', `/api/workspace/chats/${conversationId}/explain`, { token: wei.token })).status,
    ).toBe(403);
    expect((await call(app, 'GET', '/api/workspace/chats/nope/explain', { token: admin })).status).toBe(404);
  });

  it('suggests the templates for the last customer message, in the customer’s language', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'regular' });
    await setStatus(app, lin, 'online');
    const zh = await visitor(app);
    const zhChat = await handOff(app, zh);
    const suggest = (id: string) =>
      call(app, 'GET', `/api/workspace/chats/${id}/suggestions`, { token: lin.token });

    const none = await suggest(zhChat);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ basedOn: { text: '人工' }, suggestions: [] });

    now += SECOND;
    await zh.say('你好，什么时候发货？');
    const r = await suggest(zhChat);
    expect(r.body.locale).toBe('zh');
    expect(r.body.basedOn.text).toBe('你好，什么时候发货？');
    expect(r.body.suggestions.map((s: any) => [s.templateId, s.text])).toEqual([
      ['shipping-time', '付款后48小时内发货。'],
      ['greeting', '欢迎光临FirstReply Demo Shop！'],
    ]);
    expect(r.body.suggestions.length).toBeLessThanOrEqual(3);

    // A newer message that suggests nothing ("好的") leaves the suggestions of the question before it.
    now += SECOND;
    await zh.say('好的');
    const after = await suggest(zhChat);
    expect(after.body.basedOn.text).toBe('你好，什么时候发货？');
    expect(after.body.suggestions.map((s: any) => s.templateId)).toEqual(['shipping-time', 'greeting']);

    const en = await visitor(app);
    const enChat = await handOff(app, en, 'agent please');
    now += SECOND;
    await en.say('when will you ship?');
    const e = await suggest(enChat);
    expect(e.body.locale).toBe('en');
    expect(e.body.suggestions[0]).toMatchObject({
      templateId: 'shipping-time',
      text: 'We ship within 48 hours of payment.',
    });
  });
});
