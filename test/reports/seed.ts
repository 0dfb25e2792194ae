import type { Level } from '../../src/routing/routing-config';
import { reportDb } from '../../src/reports/report-tables';
import { newConversation } from '../../src/store/rows';
import type { AgentsTable, ConversationsTable, EventsTable } from '../../src/store/tables';
import type { TestApp } from '../support/app';

/** Helpers for the report tests: a history made through the real pipeline, with a clock the test drives. */

export const ADMIN_PASSWORD = 'admin-password-123';
export const SEC = 1000;

export interface Call {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export async function call(
  app: TestApp,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Call> {
  const r = await fetch(app.url + path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await r.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV and pages stay text
  }
  return { status: r.status, body, text, headers: r.headers };
}

export async function login(app: TestApp, name: string, password: string): Promise<string> {
  const r = await call(app, 'POST', '/api/auth/login', { body: { login: name, password } });
  if (r.status !== 200) throw new Error(`login ${name}: ${r.status} ${r.text}`);
  return r.body.token as string;
}

/** The scenario's clock: every step sets it, nothing else moves it. */
export class Clock {
  constructor(public now: number) {}
  readonly fn = () => this.now;
  at(t0: number, seconds: number): void {
    this.now = t0 + seconds * SEC;
  }
}

export function pipeline(app: TestApp) {
  const s = app.services;
  const agentRow = async (id: string): Promise<AgentsTable> => (await s.routingStore.agent(id))!;
  return {
    async agent(login: string, level: Level, extra: Record<string, unknown> = {}) {
      return s.agents.create({ login, name: login, password: 'password-123', level, ...extra });
    },
    status: (id: string, status: 'online' | 'away' | 'offline' | 'invisible') =>
      s.router.setStatus(id, status),
    /** A customer writes (HTTP, the real inbound path); routing runs at once. */
    async say(customerId: string, text: string): Promise<string> {
      const r = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId, text }),
      });
      const body = (await r.json()) as { conversationId: string };
      await s.store.flushed();
      await s.router.kick();
      return body.conversationId;
    },
    async reply(agentId: string, conversationId: string, text = '您好，我来帮您看看') {
      await s.workspace.reply(await agentRow(agentId), conversationId, text);
    },
    async close(agentId: string, conversationId: string) {
      await s.workspace.close(await agentRow(agentId), conversationId);
    },
    async transfer(agentId: string, conversationId: string, to: string) {
      await s.workspace.transfer(await agentRow(agentId), conversationId, { agentId: to });
    },
    chat: (id: string) => s.routingStore.conversation(id),
  };
}

export const T0 = Date.parse('2026-11-23T10:00:00+08:00');
const HOUR = 3_600_000;

export interface Scenario {
  ann: string;
  bob: string;
  carl: string;
  tess: string;
  c1: string;
  c2: string;
  c3: string;
  c4: string;
  c5: string;
  c6: string;
  c7: string;
  c8: string;
}

/**
 * A small day at the shop (Monday 2026-11-23, Asia/Shanghai), every step through the real pipeline:
 *
 * - c1 `人工` at 0 → Ann (senior); she replies after 45, 5 and 3 s; closed.
 * - c2 `我要退款` (urgent) at 100 → Ann; replies after 25 and 15 s. Ann's average: 93 / 5 = 18.6 s.
 * - c4 `人工` at 200 → Bob (Ann away); Bob answers after 5 s, the customer writes at 208, Bob
 *   transfers to Carl at 210, Carl answers at 230 (22 s after 208; reaction 20 s).
 * - c3 at 300 → Tess, who answers at 310; Tess is then marked a test agent: a test chat.
 * - c5 `什么时候发货` at 400: the bot answers, no hand-off.
 * - c6 `加微信领红包` at 500: caught by the spam rule (when the test sets one).
 * - c7 `人工` at 600 → Ann, answered after 100 s; flagged spam by hand (when the test does).
 * - c8 `人工` at 800 → Ann, never answered; overdue at 1200.
 */
export async function seedDay(app: TestApp, clock: Clock, t0 = T0): Promise<Scenario> {
  const p = pipeline(app);
  const at = (s: number) => clock.at(t0, s);
  at(-600);
  const ann = (await p.agent('ann', 'senior')).id;
  const bob = (await p.agent('bob', 'regular')).id;
  const carl = (await p.agent('carl', 'regular')).id;
  const tess = (await p.agent('tess', 'trainee')).id;
  await p.status(ann, 'online');
  await p.status(bob, 'online');

  at(0);
  const c1 = await p.say('c1', '人工');
  at(45);
  await p.reply(ann, c1);
  at(50);
  await p.say('c1', '订单号 1001');
  at(55);
  await p.reply(ann, c1);
  at(60);
  await p.say('c1', '好的');
  at(63);
  await p.reply(ann, c1);
  at(70);
  await p.close(ann, c1);

  at(100);
  const c2 = await p.say('c2', '我要退款');
  at(125);
  await p.reply(ann, c2);
  at(130);
  await p.say('c2', '什么时候到账');
  at(145);
  await p.reply(ann, c2);
  at(150);
  await p.close(ann, c2);

  at(190);
  await p.status(ann, 'away');
  at(200);
  const c4 = await p.say('c4', '人工');
  at(205);
  await p.reply(bob, c4, '我请同事来帮您');
  at(208);
  await p.say('c4', '好');
  at(209);
  await p.status(carl, 'online');
  at(210);
  await p.transfer(bob, c4, carl);
  at(230);
  await p.reply(carl, c4);
  at(240);
  await p.close(carl, c4);

  at(290);
  await p.status(bob, 'away');
  await p.status(carl, 'away');
  at(295);
  await p.status(tess, 'online');
  at(300);
  const c3 = await p.say('c3', '人工');
  at(310);
  await p.reply(tess, c3);
  at(320);
  await p.close(tess, c3);
  at(330);
  await p.status(tess, 'offline');
  await p.status(ann, 'online');

  at(400);
  const c5 = await p.say('c5', '什么时候发货');
  at(500);
  const c6 = await p.say('c6', '加微信领红包');
  at(600);
  const c7 = await p.say('c7', '人工');
  at(700);
  await p.reply(ann, c7);
  at(710);
  await p.close(ann, c7);
  at(800);
  const c8 = await p.say('c8', '人工');
  at(1200);
  await app.services.watcher.tick();
  await app.services.agents.update(tess, { test: true });
  return { ann, bob, carl, tess, c1, c2, c3, c4, c5, c6, c7, c8 };
}

// ---------- a longer history, written straight into the tables ----------

export interface HistoryOptions {
  /** First local day (ms of its midnight) and how many days. */
  start: number;
  days: number;
  /** Mean new conversations per day (weekends a little busier, as in shops). */
  perDay: number;
  /** Agents who serve the chats; the weight is their share. */
  agents: { id: string; weight: number }[];
  /** Shop offset from UTC in hours (the hour-of-day curve is local). */
  utcOffsetHours?: number;
  seed?: number;
  /** Id prefix, so several histories can share a database. */
  prefix?: string;
  /** No conversation starts at or after this instant ("now" for a benchmark). */
  until?: number;
}

/** Share of the day's arrivals per local hour: quiet nights, a morning rise, peaks after lunch and at 21:00. */
export const HOUR_CURVE = [
  0.6, 0.3, 0.2, 0.1, 0.1, 0.2, 0.5, 1.2, 2.8, 4.5, 5.6, 5.9, 5.2, 5.8, 6.4, 6.6, 6.2, 5.6, 5.0, 5.6, 6.8,
  7.4, 6.0, 3.2,
].map((w, _, all) => w / all.reduce((a, b) => a + b, 0));

export interface HistoryConversation {
  conversation: ConversationsTable;
  events: Omit<EventsTable, 'seq'>[];
}

/**
 * A realistic shop history: hour-of-day and weekday pattern, a quarter of chats answered by the bot,
 * the rest handed off and assigned (waits grow with the hour's load), one to five rounds of
 * replies, a few transfers (direct and through a group's queue), overdue chats, 95 % closed.
 * Deterministic for a seed. Yields rows ready to insert, with event ids `<conversation>:<n>`.
 */
export function* history(o: HistoryOptions): Generator<HistoryConversation> {
  let x = o.seed ?? 1;
  const random = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  const exp = (mean: number) => -Math.log(1 - random()) * mean;
  const totalWeight = o.agents.reduce((n, a) => n + a.weight, 0);
  const pickAgent = (not?: string) => {
    for (;;) {
      let r = random() * totalWeight;
      for (const a of o.agents) {
        r -= a.weight;
        if (r <= 0) {
          if (a.id !== not || o.agents.length === 1) return a.id;
          break;
        }
      }
    }
  };
  const offset = (o.utcOffsetHours ?? 8) * HOUR;
  const prefix = o.prefix ?? 'h';
  let n = 0;
  for (let d = 0; d < o.days; d++) {
    const dayStart = o.start + d * 24 * HOUR;
    const weekday = new Date(dayStart + offset).getUTCDay();
    const count = Math.round(
      o.perDay * (weekday === 0 || weekday === 6 ? 1.15 : 1) * (0.85 + random() * 0.3),
    );
    for (let i = 0; i < count; i++) {
      // Hour from the curve, minute uniform.
      let r = random();
      let hour = 0;
      while (hour < 23 && r > HOUR_CURVE[hour]!) r -= HOUR_CURVE[hour++]!;
      let t = dayStart + hour * HOUR + Math.floor(random() * HOUR);
      if (o.until !== undefined && t >= o.until) continue;
      const load = HOUR_CURVE[hour]! * 24; // 1 = an average hour
      const id = `${prefix}-${n++}`;
      const customer = `web:buyer-${Math.floor(random() * o.perDay * o.days * 0.6)}`;
      const row = newConversation(id, customer, random() < 0.7 ? 'web' : 'api', t);
      const events: Omit<EventsTable, 'seq'>[] = [];
      let k = 0;
      const log = (type: string, actor: EventsTable['actor'], agent: string | null, data: unknown = null) => {
        events.push({
          id: `${id}:${k++}`,
          conversation_id: id,
          customer_key: customer,
          channel: row.channel,
          type,
          actor,
          agent_id: agent,
          at: t,
          platform_at: null,
          intent: null,
          text: type === 'message.received' ? '请问什么时候发货' : null,
          data: data === null ? null : JSON.stringify(data),
        });
      };
      log('message.received', 'customer', null);
      t += 200 + Math.floor(random() * 600);
      log('bot.replied', 'bot', null, { kind: 'template' });
      row.last_message_at = t;
      const tierRoll = random();
      row.tier = tierRoll < 0.15 ? 'urgent' : tierRoll < 0.9 ? 'general' : 'complex';
      if (random() < 0.25) {
        row.status = 'bot';
        if (random() < 0.5) {
          // A second question the bot also answers.
          t += Math.floor(exp(30_000));
          log('message.received', 'customer', null);
          t += 200 + Math.floor(random() * 600);
          log('bot.replied', 'bot', null, { kind: 'template' });
          row.last_message_at = t;
        }
      } else {
        log('conversation.handoff', 'system', null, { tier: row.tier });
        row.handoff_at = t;
        let agent = pickAgent();
        // Queue wait grows with the hour's load; now and then nobody is free for minutes.
        t += Math.floor(exp(8_000 * load * load) + (random() < 0.04 ? random() * 15 * 60_000 : 0));
        log('conversation.assigned', 'system', agent, { strategy: 'skilled-first' });
        row.status = 'assigned';
        row.agent_id = agent;
        const rounds = 1 + Math.floor(random() * 5);
        for (let round = 0; round < rounds; round++) {
          t += Math.floor(exp(row.tier === 'urgent' ? 12_000 : 25_000) * (0.6 + load * 0.5));
          if (random() < 0.03) log('conversation.overdue', 'system', agent, { tier: row.tier });
          log('agent.replied', 'agent', agent, { kind: 'agent' });
          row.last_message_at = t;
          row.last_agent_at = t;
          const move = random();
          if (move < 0.04) {
            const to = pickAgent(agent);
            t += 3000;
            log('conversation.transferred', 'system', to, { from: agent, to, kind: 'manual' });
            agent = to;
          } else if (move < 0.05) {
            const to = pickAgent(agent);
            t += 3000;
            log('conversation.requeued', 'system', agent, { reason: 'transfer to group general' });
            log('conversation.transferred', 'system', agent, {
              kind: 'manual',
              from: agent,
              group: 'general',
            });
            t += Math.floor(exp(30_000));
            log('conversation.assigned', 'system', to, { strategy: 'skilled-first' });
            agent = to;
          }
          if (round < rounds - 1 || random() < 0.5) {
            t += Math.floor(exp(40_000));
            for (let m = random() < 0.3 ? 2 : 1; m > 0; m--) {
              log('message.received', 'customer', null);
              row.last_message_at = t;
              row.last_customer_at = t;
              t += 3000 + Math.floor(random() * 6000);
            }
          }
        }
        if (random() < 0.5) {
          t += Math.floor(exp(20_000));
          log('agent.replied', 'agent', agent, { kind: 'agent' });
          row.last_message_at = t;
        }
        row.agent_id = agent;
        if (random() < 0.95) {
          t += 60_000 + Math.floor(random() * 9 * 60_000);
          log('conversation.closed', 'system', agent);
          row.status = 'closed';
          row.closed_at = t;
        }
      }
      yield { conversation: row, events };
    }
  }
}

/**
 * Shifts for the history's agents, as status changes: offline an hour before it starts, then each
 * day online about 08:30–21:30 with a lunch break away.
 */
export function historyPresence(
  o: HistoryOptions,
): { id: string; agent_id: string; status: string; at: number }[] {
  let x = (o.seed ?? 1) + 99;
  const random = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  const rows: { id: string; agent_id: string; status: string; at: number }[] = [];
  const jitter = () => Math.floor((random() - 0.5) * 40 * 60_000);
  for (const a of o.agents) {
    const add = (status: string, at: number) =>
      rows.push({ id: `${o.prefix ?? 'h'}:${a.id}:${at}:${status}`, agent_id: a.id, status, at });
    add('offline', o.start - HOUR);
    for (let d = 0; d < o.days; d++) {
      const day = o.start + d * 24 * HOUR;
      add('online', day + 8.5 * HOUR + jitter());
      add('away', day + 12 * HOUR + jitter());
      add('online', day + 12.75 * HOUR + jitter());
      add('offline', day + 21.5 * HOUR + jitter());
    }
  }
  return rows;
}

/** Writes a history through Kysely (tests and the dashboard screenshot; the bench writes faster). */
export async function insertHistory(
  app: TestApp,
  options: HistoryOptions,
): Promise<{ conversations: number; events: number }> {
  const db = app.services.database.db;
  let conversations: ConversationsTable[] = [];
  let events: Omit<EventsTable, 'seq'>[] = [];
  const counts = { conversations: 0, events: 0 };
  const flush = async () => {
    for (let i = 0; i < conversations.length; i += 200)
      await db
        .insertInto('conversations')
        .values(conversations.slice(i, i + 200))
        .execute();
    for (let i = 0; i < events.length; i += 500)
      await db
        .insertInto('events')
        .values(events.slice(i, i + 500))
        .execute();
    conversations = [];
    events = [];
  };
  for (const c of history(options)) {
    conversations.push(c.conversation);
    events.push(...c.events);
    counts.conversations++;
    counts.events += c.events.length;
    if (events.length > 5000) await flush();
  }
  await flush();
  const presence = historyPresence(options);
  for (let i = 0; i < presence.length; i += 500) {
    await reportDb(app.services.database)
      .insertInto('agent_presence')
      .values(presence.slice(i, i + 500))
      .execute();
  }
  return counts;
}
