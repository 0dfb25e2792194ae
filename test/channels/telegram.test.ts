import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformOutbox } from '../../src/channels/bottender/index';
import { echoHandle, type PlatformMock, post, startApp, startPlatformMock, type TestApp } from './helpers';

const TOKEN = '123456:test-telegram-token';
const SECRET = 'telegram-webhook-secret_1';

/** A real Update as Telegram posts it (snake_case, date in seconds). */
function textUpdate(text: string, updateId = 10000, messageId = 1365) {
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      from: {
        id: 1111111,
        is_bot: false,
        first_name: 'Ana',
        last_name: 'Silva',
        username: 'anas',
        language_code: 'en',
      },
      chat: { id: 1111111, first_name: 'Ana', last_name: 'Silva', username: 'anas', type: 'private' },
      date: 1441645532,
      text,
    },
  };
}

const telegramOk = (req: { path: string; body: { chat_id?: number } }) => ({
  body: req.path.endsWith('/sendMessage')
    ? {
        ok: true,
        result: { message_id: 2001, chat: { id: req.body.chat_id, type: 'private' }, date: 1441645533 },
      }
    : { ok: true, result: true },
});

describe('telegram webhook (bottender TelegramClient against a local Bot API)', () => {
  let mock: PlatformMock;
  let app: TestApp;
  let echo: ReturnType<typeof echoHandle>;
  const env = () => ({
    TELEGRAM_ACCESS_TOKEN: TOKEN,
    TELEGRAM_SECRET_TOKEN: SECRET,
    TELEGRAM_API_ORIGIN: mock.origin,
  });

  beforeAll(async () => {
    mock = await startPlatformMock(telegramOk);
    echo = echoHandle();
    app = await startApp(env(), (m) => echo.handle(m));
  });
  afterAll(async () => {
    await app.close();
    await mock.close();
  });
  afterEach(() => {
    mock.requests.length = 0;
    echo.received.length = 0;
    app.logs.length = 0;
    mock.answerWith(telegramOk);
  });

  const send = (update: unknown, secret: string | null = SECRET) =>
    post(`${app.url}/webhooks/telegram`, JSON.stringify(update), {
      'content-type': 'application/json',
      ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
    });

  it('turns a text Update into an InboundMessage and sends the reply with a reply keyboard', async () => {
    const res = await send(textUpdate('Where is my order?'));
    expect(res.status).toBe(200);
    expect(app.enabled).toEqual(['telegram']);
    expect(echo.received).toEqual([
      {
        channel: 'telegram',
        customerId: '1111111',
        text: 'Where is my order?',
        name: 'Ana Silva',
        platformAt: 1441645532000,
        platformMessageId: '1365',
      },
    ]);
    expect(mock.requests).toHaveLength(1);
    const [call] = mock.requests;
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(call?.body).toEqual({
      chat_id: '1111111',
      text: 'echo: Where is my order?',
      reply_markup: {
        keyboard: [[{ text: 'Yes' }], [{ text: 'No' }]],
        resize_keyboard: true,
        one_time_keyboard: true,
      },
    });
  });

  it('sends several replies in order and no keyboard when there are no quick replies', async () => {
    const local = echoHandle((m) => [
      { kind: 'greeting', text: 'Hi!' },
      { kind: 'template', text: `About "${m.text}"…` },
    ]);
    const other = await startApp(env(), local.handle);
    try {
      expect(
        (
          await post(`${other.url}/webhooks/telegram`, JSON.stringify(textUpdate('hello')), {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': SECRET,
          })
        ).status,
      ).toBe(200);
    } finally {
      await other.close();
    }
    expect(mock.requests.map((r) => r.body)).toEqual([
      { chat_id: '1111111', text: 'Hi!' },
      { chat_id: '1111111', text: 'About "hello"…' },
    ]);
  });

  it('refuses a missing secret token with 401, logs it, and never calls handle', async () => {
    const res = await send(textUpdate('hi'), null);
    expect(res.status).toBe(401);
    expect(echo.received).toEqual([]);
    expect(mock.requests).toEqual([]);
    expect(app.logs).toContainEqual(
      expect.objectContaining({ event: 'webhook_refused', channel: 'telegram', reason: 'missing_signature' }),
    );
  });

  it('refuses a wrong secret token (any length) with 401', async () => {
    for (const secret of ['nope', `${SECRET}x`, SECRET.toUpperCase()]) {
      const res = await send(textUpdate('hi'), secret);
      expect(res.status).toBe(401);
    }
    expect(echo.received).toEqual([]);
    expect(app.logs.filter((l) => l.reason === 'bad_signature')).toHaveLength(3);
  });

  it('ignores a sticker cleanly: 200, nothing handled, nothing sent', async () => {
    const update = textUpdate('x');
    const { text: _text, ...message } = update.message;
    const res = await send({
      ...update,
      message: {
        ...message,
        sticker: { file_id: 'CAADAgAD', file_unique_id: 'u1', width: 512, height: 512, is_animated: false },
      },
    });
    expect(res.status).toBe(200);
    expect(echo.received).toEqual([]);
    expect(mock.requests).toEqual([]);
  });

  it('maps an inline-button callback_query to text and answers the callback', async () => {
    const res = await send({
      update_id: 10001,
      callback_query: {
        id: '4382bfdwdsb323b2d9',
        from: { id: 1111111, is_bot: false, first_name: 'Ana' },
        message: {
          message_id: 1366,
          chat: { id: 1111111, type: 'private' },
          date: 1441645540,
          text: 'Pick one',
        },
        chat_instance: '-123',
        data: 'Track my order',
      },
    });
    expect(res.status).toBe(200);
    expect(echo.received).toEqual([
      {
        channel: 'telegram',
        customerId: '1111111',
        text: 'Track my order',
        name: 'Ana',
        platformMessageId: '4382bfdwdsb323b2d9',
      },
    ]);
    expect(mock.requests.map((r) => r.path)).toEqual([
      `/bot${TOKEN}/answerCallbackQuery`,
      `/bot${TOKEN}/sendMessage`,
    ]);
    expect(mock.requests[0]?.body).toEqual({ callback_query_id: '4382bfdwdsb323b2d9' });
  });

  it('answers 500 when handle fails, so Telegram redelivers the update', async () => {
    const failing = await startApp(env(), async () => {
      throw new Error('store down');
    });
    try {
      const res = await post(`${failing.url}/webhooks/telegram`, JSON.stringify(textUpdate('hi')), {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': SECRET,
      });
      expect(res.status).toBe(500);
      expect(failing.logs).toContainEqual(
        expect.objectContaining({ event: 'webhook_handle_failed', error: 'store down' }),
      );
    } finally {
      await failing.close();
    }
  });

  it('still acknowledges when the Bot API refuses the reply, and logs it without the token', async () => {
    mock.answerWith(() => ({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
    }));
    const res = await send(textUpdate('hi'));
    expect(res.status).toBe(200);
    const failure = app.logs.find((l) => l.event === 'reply_failed');
    expect(failure).toMatchObject({ channel: 'telegram', customerId: '1111111' });
    expect(String(failure?.error)).toContain('chat not found');
    expect(JSON.stringify(app.logs)).not.toContain(TOKEN);
  });

  it('answers 400 to a body that is not JSON (after the secret matched)', async () => {
    const res = await post(`${app.url}/webhooks/telegram`, '{not json', {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': SECRET,
    });
    expect(res.status).toBe(400);
  });

  it('pushes agent replies through the outbox with sendMessage', async () => {
    const outbox = createPlatformOutbox({
      env: { TELEGRAM_ACCESS_TOKEN: TOKEN, TELEGRAM_SECRET_TOKEN: 'secret' },
      origins: { telegram: mock.origin },
    });
    await outbox.send('telegram', '1111111', [
      { kind: 'agent', text: 'Your parcel left today.', quickReplies: ['Thanks'] },
    ]);
    expect(mock.requests.map((r) => [r.path, r.body])).toEqual([
      [
        `/bot${TOKEN}/sendMessage`,
        {
          chat_id: '1111111',
          text: 'Your parcel left today.',
          reply_markup: { keyboard: [[{ text: 'Thanks' }]], resize_keyboard: true, one_time_keyboard: true },
        },
      ],
    ]);
  });
});
