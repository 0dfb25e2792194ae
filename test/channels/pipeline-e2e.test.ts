import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { type PlatformMock, post, startPlatformMock } from './helpers';

const TOKEN = '123456:e2e-token';
const SECRET = 'e2e-secret_1';
const MORNING = Date.parse('2026-11-23T10:00:00+08:00');

const update = (text: string, id: number) => ({
  update_id: id,
  message: {
    message_id: id,
    from: { id: 4242, is_bot: false, first_name: 'Li', language_code: 'zh-hans' },
    chat: { id: 4242, first_name: 'Li', type: 'private' },
    date: Math.floor(MORNING / 1000),
    text,
  },
});

// A Telegram update through the real pipeline, storage and routing; the reply and a human agent's
// answer arrive at a local stand-in for the Bot API.
describe('Telegram end to end through the real pipeline', () => {
  let mock: PlatformMock;
  let app: TestApp;
  let now = MORNING;
  beforeAll(async () => {
    mock = await startPlatformMock((req) => ({
      body: req.path.endsWith('/sendMessage')
        ? { ok: true, result: { message_id: 1, chat: { id: req.body.chat_id, type: 'private' }, date: 1 } }
        : { ok: true, result: true },
    }));
    app = await startTestApp(
      'sqlite',
      {},
      {
        clock: () => now,
        channelEnv: {
          TELEGRAM_ACCESS_TOKEN: TOKEN,
          TELEGRAM_SECRET_TOKEN: SECRET,
          TELEGRAM_API_ORIGIN: mock.origin,
        },
      },
    );
  });
  afterAll(async () => {
    await app.close();
    await mock.close();
  });
  const send = (text: string, id: number, secret = SECRET) =>
    post(`${app.url}/webhooks/telegram`, JSON.stringify(update(text, id)), {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': secret,
    });
  const sent = () => mock.requests.filter((r) => r.path === `/bot${TOKEN}/sendMessage`).map((r) => r.body);

  it('greets and answers a question with the template and its keyboard, and logs the platform time', async () => {
    expect((await send('您好，什么时候发货', 1)).status).toBe(200);
    const out = sent();
    expect(out.map((m) => String(m.chat_id))).toEqual(['4242', '4242']);
    expect(out[0].text).toContain('欢迎光临');
    expect(out[1].text).toMatch(/48小时/);
    expect(out[1].reply_markup.keyboard.flat().map((k: any) => k.text)).toEqual(['查物流', '人工客服']);
    const row = await app.services.database.db
      .selectFrom('events')
      .selectAll()
      .where('customer_key', '=', 'telegram:4242')
      .where('type', '=', 'message.received')
      .executeTakeFirstOrThrow();
    expect(row.platform_at).toBe(Math.floor(MORNING / 1000) * 1000);
    expect(row.id).toBe('in:telegram:4242:1');
  });

  it('answers a redelivered update once', async () => {
    const before = sent().length;
    await send('您好，什么时候发货', 1);
    expect(sent().length).toBe(before);
  });

  it('refuses a wrong secret with 401 and handles nothing', async () => {
    const before = sent().length;
    expect((await send('人工', 2, 'wrong')).status).toBe(401);
    expect(sent().length).toBe(before);
  });

  it('hands off to an agent whose reply goes out through the Bot API', async () => {
    const s = app.services;
    const agent = await s.agents.create({
      login: 'li-agent',
      name: '小李',
      password: 'password-123',
      level: 'regular',
    });
    await s.router.setStatus(agent.id, 'online');
    now += 60_000;
    await send('转人工', 3);
    await s.router.kick();
    const chats = await s.routingStore.agentChats(agent.id);
    expect(chats.map((c) => c.customer_key)).toEqual(['telegram:4242']);
    await s.workspace.reply(
      (await s.routingStore.agent(agent.id))!,
      chats[0]!.id,
      '您好，我是小李，马上帮您查',
    );
    const last = sent().at(-1);
    expect(last).toMatchObject({ chat_id: '4242', text: '您好，我是小李，马上帮您查' });
  });
});
