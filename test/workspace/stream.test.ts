import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presenceOf } from '../../src/workspace/workspace-routes';
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
  openStream,
  setStatus,
  sleep,
  visitor,
} from './helpers';

const MORNING = Date.parse('2026-11-23T10:00:00+08:00');

describe.each(storageKinds())('workspace stream and presence on %s', (kind) => {
  let app: TestApp;
  let now = MORNING;
  let admin: string;
  const streams: Awaited<ReturnType<typeof openStream>>[] = [];
  const open = async (token: string) => {
    const s = await openStream(app, token);
    streams.push(s);
    return s;
  };
  beforeEach(async () => {
    now = MORNING;
    app = await startTestApp(kind, { ADMIN_PASSWORD }, { clock: () => now });
    admin = await login(app, 'admin', ADMIN_PASSWORD);
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) await s.close();
    await app.close();
    presenceOf(app.services)?.stop(); // the closed streams started grace timers: the database is gone
  });

  it('refuses a stream without a valid token', async () => {
    expect((await call(app, 'GET', '/api/workspace/stream')).status).toBe(401);
    expect((await call(app, 'GET', '/api/workspace/stream?token=forged')).status).toBe(401);
  });

  it('delivers a new assignment live to that agent only; supervisors see everything', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'senior' });
    const wei = await createAgent(app, admin, { login: 'wei', level: 'regular' });
    await setStatus(app, lin, 'online');
    const linStream = await open(lin.token);
    const weiStream = await open(wei.token);
    const supStream = await open(admin);
    expect(linStream.status).toBe(200);
    const hello = await linStream.waitFor((e) => e.event === 'hello');
    expect(hello.data).toMatchObject({ agentId: lin.id, role: 'agent', status: 'online' });
    await weiStream.waitFor((e) => e.event === 'hello');
    await supStream.waitFor((e) => e.event === 'hello');

    const customer = await visitor(app);
    const conversationId = await handOff(app, customer);
    const assigned = await linStream.waitFor((e) => e.data.type === 'conversation.assigned');
    expect(assigned.data).toMatchObject({ conversationId, agentId: lin.id, customerKey: customer.key });

    // The customer writes again: it reaches the agent holding the chat.
    now += 1000;
    await customer.say('我的订单号是 123456');
    const received = await linStream.waitFor(
      (e) => e.data.type === 'message.received' && e.data.text === '我的订单号是 123456',
    );
    expect(received.data.conversationId).toBe(conversationId);
    await supStream.waitFor(
      (e) => e.data.type === 'message.received' && e.data.text === '我的订单号是 123456',
    );
    // The supervisor saw the hand-off conversation from its first message (bot replies included).
    expect(
      supStream.messages().some((m) => m.conversationId === conversationId && m.type === 'bot.replied'),
    ).toBe(true);
    expect(
      supStream
        .messages()
        .some((m) => m.type === 'conversation.assigned' && m.conversationId === conversationId),
    ).toBe(true);

    // A chat of another customer, never Wei's: nothing of it on Wei's stream.
    expect(weiStream.messages().filter((m) => m.conversationId === conversationId)).toEqual([]);
    // …and Lin's stream carries nothing of a conversation Lin does not hold.
    const stranger = await visitor(app);
    await stranger.say('什么时候发货');
    await supStream.waitFor((e) => e.data.type === 'bot.replied' && e.data.customerKey === stranger.key);
    expect(linStream.messages().filter((m) => m.customerKey === stranger.key)).toEqual([]);
  });

  it('a transfer shows as leaving one agent’s stream and arriving on the other’s; the reply goes live', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'senior' });
    const wei = await createAgent(app, admin, { login: 'wei', level: 'regular' });
    await setStatus(app, lin, 'online');
    const customer = await visitor(app);
    const conversationId = await handOff(app, customer);
    await setStatus(app, wei, 'online');
    const linStream = await open(lin.token);
    const weiStream = await open(wei.token);
    await linStream.waitFor((e) => e.event === 'hello');
    await weiStream.waitFor((e) => e.event === 'hello');

    await call(app, 'POST', `/api/workspace/chats/${conversationId}/reply`, {
      token: lin.token,
      body: { text: '稍等，我转给同事' },
    });
    await linStream.waitFor((e) => e.data.type === 'agent.replied' && e.data.text === '稍等，我转给同事');
    const r = await call(app, 'POST', `/api/workspace/chats/${conversationId}/transfer`, {
      token: lin.token,
      body: { agentId: wei.id, note: '发票' },
    });
    expect(r.status).toBe(200);
    const out = await linStream.waitFor((e) => e.data.type === 'conversation.transferred');
    const into = await weiStream.waitFor((e) => e.data.type === 'conversation.transferred');
    expect(out.data).toMatchObject({ conversationId, agentId: wei.id });
    expect(into.data).toMatchObject({ conversationId, agentId: wei.id, text: '发票' });
    // Wei's earlier stream had nothing of the chat before it arrived.
    expect(weiStream.messages().filter((m) => m.type === 'agent.replied')).toEqual([]);

    now += 1000;
    await customer.say('好的谢谢');
    await weiStream.waitFor((e) => e.data.type === 'message.received' && e.data.text === '好的谢谢');
    await sleep(100);
    expect(linStream.messages().some((m) => m.text === '好的谢谢')).toBe(false);

    await call(app, 'POST', `/api/workspace/chats/${conversationId}/close`, { token: wei.token, body: {} });
    await weiStream.waitFor(
      (e) => e.data.type === 'conversation.closed' && e.data.conversationId === conversationId,
    );
  });

  it('a forced status reaches the agent’s stream, with the chats leaving', async () => {
    const lin = await createAgent(app, admin, { login: 'lin', level: 'senior' });
    await setStatus(app, lin, 'online');
    const conversationId = await handOff(app, await visitor(app));
    const linStream = await open(lin.token);
    await linStream.waitFor((e) => e.event === 'hello');
    await call(app, 'PUT', `/api/agents/${lin.id}/status`, { token: admin, body: { status: 'invisible' } });
    const status = await linStream.waitFor((e) => e.data.type === 'agent.status');
    expect(status.data).toMatchObject({ agentId: lin.id, text: 'invisible' });
    const requeued = await linStream.waitFor((e) => e.data.type === 'conversation.requeued');
    expect(requeued.data).toMatchObject({ conversationId, agentId: lin.id });
  });

  it('an agent whose last stream closed is set offline after the grace period; their chats go to a colleague', async () => {
    await changeRouting(app, (r) => {
      r.disconnectGraceSeconds = 1;
    });
    const lin = await createAgent(app, admin, { login: 'lin', level: 'senior' });
    const wei = await createAgent(app, admin, { login: 'wei', level: 'regular' });
    await setStatus(app, lin, 'online');
    const conversationId = await handOff(app, await visitor(app));
    await setStatus(app, wei, 'online');

    const first = await open(lin.token);
    const second = await open(lin.token); // two tabs
    await first.waitFor((e) => e.event === 'hello');
    await second.waitFor((e) => e.event === 'hello');
    const presence = presenceOf(app.services)!;
    expect(presence.streams(lin.id)).toBe(2);

    await first.close();
    await sleep(1300);
    // One tab is still open: no grace timer, still online.
    expect(presence.pending(lin.id)).toBe(false);
    expect((await agentRow(app, lin.id)).status).toBe('online');

    await second.close();
    await expect.poll(() => presence.pending(lin.id)).toBe(true);
    await sleep(300);
    expect((await agentRow(app, lin.id)).status).toBe('online'); // still within the grace
    await expect.poll(async () => (await agentRow(app, lin.id)).status, { timeout: 3000 }).toBe('offline');
    await presence.settled();
    await app.services.router.kick();
    expect(await app.services.routingStore.conversation(conversationId)).toMatchObject({
      status: 'assigned',
      agent_id: wei.id,
    });
    expect(await myChats(app, lin)).toEqual([]);
  });

  it('reconnecting within the grace period keeps the agent online', async () => {
    await changeRouting(app, (r) => {
      r.disconnectGraceSeconds = 1;
    });
    const lin = await createAgent(app, admin, { login: 'lin', level: 'senior' });
    await setStatus(app, lin, 'online');
    const conversationId = await handOff(app, await visitor(app));
    const s = await open(lin.token);
    await s.waitFor((e) => e.event === 'hello');
    await s.close();
    const presence = presenceOf(app.services)!;
    await expect.poll(() => presence.pending(lin.id)).toBe(true);
    await sleep(400);
    const again = await open(lin.token);
    await again.waitFor((e) => e.event === 'hello');
    expect(presence.pending(lin.id)).toBe(false);
    await sleep(1200);
    expect((await agentRow(app, lin.id)).status).toBe('online');
    expect((await myChats(app, lin)).map((c) => c.id)).toEqual([conversationId]);
  });

  it('logout ends the session’s streams', async () => {
    const lin = await createAgent(app, admin, { login: 'lin' });
    const s = await open(lin.token);
    await s.waitFor((e) => e.event === 'hello');
    expect((await call(app, 'POST', '/api/auth/logout', { token: lin.token })).status).toBe(200);
    await expect.poll(() => s.closed).toBe(true);
    expect((await call(app, 'GET', `/api/workspace/stream?token=${lin.token}`)).status).toBe(401);
  });
});
