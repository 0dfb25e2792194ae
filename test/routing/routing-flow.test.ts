import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Level } from '../../src/routing/routing-config';
import { newConversation } from '../../src/store/rows';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';

const MORNING = Date.parse('2026-11-23T10:00:00+08:00');
const SEC = 1000;

describe.each(storageKinds())('routing on %s', (kind) => {
  let app: TestApp;
  let now = MORNING;
  beforeEach(async () => {
    now = MORNING;
    app = await startTestApp(kind, {}, { clock: () => now });
  });
  afterEach(async () => app.close());

  const s = () => app.services;
  async function agent(login: string, level: Level, cap?: number, extra: Record<string, unknown> = {}) {
    const a = await s().agents.create({
      login: `ag-${login}`,
      name: login,
      password: 'password-123',
      level,
      ...(cap === undefined ? {} : { cap }),
      ...extra,
    });
    await s().router.setStatus(a.id, 'online');
    return a;
  }
  async function handoff(customerId: string, text = '人工') {
    now += SEC;
    const r = await app.post('/api/messages', { customerId, text });
    await s().router.kick();
    return r.body;
  }
  const chat = (id: string) => s().routingStore.conversation(id);
  const agentRow = (id: string) => s().routingStore.agent(id);

  it('assigns a hand-off at once to the most skilled online agent, and tells the customer', async () => {
    await agent('tina', 'trainee');
    const sam = await agent('sam', 'senior');
    const r = await handoff('c1');
    const c = await chat(r.conversationId);
    expect(c).toMatchObject({ status: 'assigned', agent_id: sam.id, tier: 'general' });
    expect((await agentRow(sam.id))!.active_count).toBe(1);
    const events = await s().store.history(r.conversationId);
    const assigned = events.find((e) => e.type === 'conversation.assigned')!;
    const why = JSON.parse(assigned.data!);
    expect(why).toMatchObject({ agentId: sam.id, strategy: 'skilled-first' });
    expect(why.considered.map((x: any) => [x.name, x.verdict])).toEqual([
      ['sam', 'chosen'],
      ['tina', 'next'],
      ['Admin', 'offline'],
    ]);
    expect(events.some((e) => e.type === 'customer.notified' && e.text === '客服sam为您服务。')).toBe(true);
  });

  it('queues beyond the caps, tells the position, and assigns the head when a chat closes', async () => {
    const solo = await agent('solo', 'regular', 1);
    const first = await handoff('c1');
    const second = await handoff('c2');
    const third = await handoff('c3');
    expect(second.replies.at(-1).text).toContain('您前面还有1位');
    expect(third.replies.at(-1).text).toContain('您前面还有2位');
    expect((await chat(second.conversationId))!.status).toBe('waiting');
    const me = (await agentRow(solo.id))!;
    await s().workspace.close(me, first.conversationId);
    expect(await chat(second.conversationId)).toMatchObject({ status: 'assigned', agent_id: solo.id });
    expect((await chat(third.conversationId))!.status).toBe('waiting');
    expect((await agentRow(solo.id))!.active_count).toBe(1);
  });

  it('counts at most 500 chats ahead: past that the customer reads "500+"', async () => {
    const db = s().database.db;
    const waiting = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({
        ...newConversation(`old-${from + i}`, `api:old-${from + i}`, 'api', MORNING - 3_600_000),
        status: 'waiting' as const,
        tier: 'general',
        queued_at: MORNING - 3_600_000 + from + i,
        queue_key: MORNING - 3_600_000 + from + i,
      }));
    await db.insertInto('conversations').values(waiting(499, 0)).execute();
    const at500 = await handoff('c500');
    expect(at500.replies.at(-1).text).toContain('您前面还有500位');
    await db.insertInto('conversations').values(waiting(3, 1000)).execute();
    const beyond = await handoff('c504');
    expect(beyond.replies.at(-1).text).toContain('您前面还有500+位');
  });

  it('puts urgent chats ahead, but lets long-waiting ones age past them', async () => {
    const a = await agent('a', 'regular', 1);
    await handoff('busy');
    const general = await handoff('g1', '人工');
    now += 2 * SEC;
    const urgent = await handoff('u1', '我要退款');
    expect((await chat(urgent.conversationId))!.tier).toBe('urgent');
    const queue = await s().routingStore.queue(10);
    expect(queue.map((c) => c.id)).toEqual([urgent.conversationId, general.conversationId]);
    now += 11 * 60 * SEC; // more than the urgent boost (10 min) later
    const late = await handoff('u2', '退款');
    const queue2 = await s().routingStore.queue(10);
    expect(queue2.map((c) => c.id)).toEqual([
      urgent.conversationId,
      general.conversationId,
      late.conversationId,
    ]);
    expect(a.id).toBeTruthy();
  });

  it('flags an unanswered chat overdue, then transfers it up the levels, never back', async () => {
    const reg = await agent('reg', 'regular');
    const sen = await agent('sen', 'senior', 0); // full: forces the first assignment to the regular agent
    const r = await handoff('c1');
    expect((await chat(r.conversationId))!.agent_id).toBe(reg.id);
    await s().agents.update(sen.id, { cap: 5 });
    now += 301 * SEC;
    await s().watcher.tick();
    const flagged = (await chat(r.conversationId))!;
    expect(flagged.overdue).toBe(1);
    expect(JSON.parse(flagged.excluded_agents!)).toEqual([reg.id]);
    expect((await agentRow(reg.id))!.overdue_in_row).toBe(1);
    now += 300 * SEC;
    await s().watcher.tick();
    const moved = (await chat(r.conversationId))!;
    expect(moved).toMatchObject({ agent_id: sen.id, hops: 1, overdue: 0 });
    expect((await agentRow(reg.id))!.active_count).toBe(0);
    expect((await agentRow(sen.id))!.active_count).toBe(1);
    const types = (await s().store.history(r.conversationId)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['conversation.assigned', 'conversation.overdue', 'conversation.transferred']),
    );
  });

  it('frees the slot of a chat waiting on the customer, and takes it back when they write', async () => {
    const a = await agent('a', 'regular', 1);
    const r = await handoff('c1');
    await s().workspace.reply((await agentRow(a.id))!, r.conversationId, '您好，我来帮您看看');
    now += 601 * SEC;
    await s().watcher.tick();
    expect((await chat(r.conversationId))!.on_hold).toBe(1);
    expect((await agentRow(a.id))!.active_count).toBe(0);
    const other = await handoff('c2');
    expect((await chat(other.conversationId))!.agent_id).toBe(a.id);
    await app.post('/api/messages', { customerId: 'c1', text: '好的，订单号是123456' });
    await new Promise((r) => setTimeout(r, 50));
    await s().router.kick();
    expect((await chat(r.conversationId))!.on_hold).toBe(0);
    // Over the cap for a while: the agent keeps their chat, but gets nothing new.
    expect((await agentRow(a.id))!.active_count).toBe(2);
    const third = await handoff('c3');
    expect((await chat(third.conversationId))!.status).toBe('waiting');
  });

  it('sends a forced-offline agent’s chats back to the queue head, to another agent', async () => {
    const a = await agent('a', 'senior', 1);
    const r = await handoff('c1');
    const b = await agent('b', 'regular', 1);
    expect((await chat(r.conversationId))!.agent_id).toBe(a.id);
    const admin = (await s().routingStore.agentByLogin('admin'))!;
    await s().workspace.setStatus(admin, a.id, 'offline');
    expect(await chat(r.conversationId)).toMatchObject({ status: 'assigned', agent_id: b.id });
    expect((await agentRow(a.id))!).toMatchObject({ status: 'offline', active_count: 0 });
  });

  it('sets an agent away after three overdue chats in a row', async () => {
    const a = await agent('a', 'regular', 5);
    for (const c of ['c1', 'c2', 'c3']) await handoff(c);
    now += 301 * SEC;
    await s().watcher.tick();
    expect((await agentRow(a.id))!.status).toBe('away');
  });

  it('keeps a chat with its agent when the customer comes back after the idle gap, and opens a new one after close', async () => {
    const a = await agent('a', 'regular', 5);
    const r = await handoff('c1');
    now += 6 * 3600 * SEC;
    const back = await app.post('/api/messages', { customerId: 'c1', text: '还在吗' });
    expect(back.body.conversationId).toBe(r.conversationId);
    await s().workspace.close((await agentRow(a.id))!, r.conversationId);
    now += SEC;
    const again = await app.post('/api/messages', { customerId: 'c1', text: '还有个问题' });
    expect(again.body.conversationId).not.toBe(r.conversationId);
  });

  it('heals counters that drifted from the open chats', async () => {
    const a = await agent('a', 'regular', 5);
    await handoff('c1');
    await s().database.db.updateTable('agents').set({ active_count: 4 }).where('id', '=', a.id).execute();
    expect(await s().watcher.heal()).toBe(1);
    expect((await agentRow(a.id))!.active_count).toBe(1);
  });
});
