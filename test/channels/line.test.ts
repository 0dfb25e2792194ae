import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformOutbox } from '../../src/channels/bottender/index';
import type { InboundMessage } from '../../src/inbound/message';
import {
  echoHandle,
  hmac,
  type PlatformMock,
  post,
  startApp,
  startPlatformMock,
  type TestApp,
} from './helpers';

const ACCESS_TOKEN = 'line-channel-access-token';
const SECRET = 'line-channel-secret';
const USER = 'U4af4980629a0b7d1e2a6c6c1b5f7f1a2';

const lineOk = () => ({ body: {} });

function textEvent(text: string, id: string, replyToken: string, timestamp = 1625665242211) {
  return {
    type: 'message',
    message: { type: 'text', id, quoteToken: `q-${id}`, text },
    webhookEventId: `01FZ74A0TDDPYRVKNK77XKC3Z${id.slice(-1)}`,
    deliveryContext: { isRedelivery: false },
    timestamp,
    source: { type: 'user', userId: USER },
    replyToken,
    mode: 'active',
  };
}

const webhook = (...events: unknown[]) =>
  JSON.stringify({ destination: 'Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', events });
const signature = (body: string, secret = SECRET) => hmac('sha256', secret, body).digest('base64');

describe('LINE webhook (bottender LineClient against a local Messaging API)', () => {
  let mock: PlatformMock;
  let app: TestApp;
  let echo: ReturnType<typeof echoHandle>;

  beforeAll(async () => {
    mock = await startPlatformMock(lineOk);
    echo = echoHandle();
    app = await startApp(
      { LINE_ACCESS_TOKEN: ACCESS_TOKEN, LINE_CHANNEL_SECRET: SECRET },
      (m) => echo.handle(m),
      {
        origins: { line: mock.origin },
      },
    );
  });
  afterAll(async () => {
    await app.close();
    await mock.close();
  });
  afterEach(() => {
    mock.requests.length = 0;
    echo.received.length = 0;
    app.logs.length = 0;
    mock.answerWith(lineOk);
  });

  const send = (body: string, sig: string | null = signature(body), url = app.url) =>
    post(`${url}/webhooks/line`, body, {
      'content-type': 'application/json; charset=utf-8',
      ...(sig === null ? {} : { 'x-line-signature': sig }),
    });

  it('answers a text message with the reply API, quick replies as LINE quick-reply buttons', async () => {
    const body = webhook(
      textEvent('Do you ship to Osaka?', '468789577898262530', 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA'),
    );
    const res = await send(body);
    expect(res.status).toBe(200);
    expect(echo.received).toEqual([
      {
        channel: 'line',
        customerId: USER,
        text: 'Do you ship to Osaka?',
        platformAt: 1625665242211,
        platformMessageId: '468789577898262530',
      },
    ]);
    expect(mock.requests).toHaveLength(1);
    const [call] = mock.requests;
    expect(call?.path).toBe('/v2/bot/message/reply');
    expect(call?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(call?.body).toEqual({
      replyToken: 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA',
      messages: [
        {
          type: 'text',
          text: 'echo: Do you ship to Osaka?',
          quickReply: {
            items: [
              { type: 'action', action: { type: 'message', label: 'Yes', text: 'Yes' } },
              { type: 'action', action: { type: 'message', label: 'No', text: 'No' } },
            ],
          },
        },
      ],
    });
  });

  it('processes the events of one webhook in order, even when the first takes longer', async () => {
    const order: string[] = [];
    const slowFirst = echoHandle();
    const other = await startApp(
      { LINE_ACCESS_TOKEN: ACCESS_TOKEN, LINE_CHANNEL_SECRET: SECRET },
      async (m: InboundMessage) => {
        order.push(`start ${m.text}`);
        if (m.text === 'first') await new Promise((r) => setTimeout(r, 80));
        order.push(`end ${m.text}`);
        return slowFirst.handle(m);
      },
      { origins: { line: mock.origin } },
    );
    try {
      const body = webhook(
        textEvent('first', '1001', 'token-1', 1),
        {
          type: 'postback',
          postback: { data: 'second' },
          timestamp: 2,
          source: { type: 'user', userId: USER },
          replyToken: 'token-2',
          mode: 'active',
          webhookEventId: 'evt-2',
        },
        textEvent('third', '1003', 'token-3', 3),
      );
      expect((await send(body, signature(body), other.url)).status).toBe(200);
    } finally {
      await other.close();
    }
    expect(order).toEqual([
      'start first',
      'end first',
      'start second',
      'end second',
      'start third',
      'end third',
    ]);
    expect(slowFirst.received.map((m) => [m.text, m.platformMessageId])).toEqual([
      ['first', '1001'],
      ['second', 'evt-2'],
      ['third', '1003'],
    ]);
    expect(mock.requests.map((r) => r.body.replyToken)).toEqual(['token-1', 'token-2', 'token-3']);
  });

  it('refuses a bad signature with 401 and does not echo the body back', async () => {
    const body = webhook(textEvent('secret order details', '1', 'tok'));
    const res = await send(body, signature(body, 'not-the-secret'));
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).not.toContain('secret order details');
    expect(echo.received).toEqual([]);
    expect(app.logs).toContainEqual(
      expect.objectContaining({ event: 'webhook_refused', channel: 'line', reason: 'bad_signature' }),
    );
  });

  it('refuses a missing or malformed signature with 401', async () => {
    const body = webhook(textEvent('hi', '1', 'tok'));
    expect((await send(body, null)).status).toBe(401);
    expect((await send(body, '%%%')).status).toBe(401);
    expect(echo.received).toEqual([]);
  });

  it("acknowledges the console's Verify request and non-text events without answering", async () => {
    const verify = webhook(
      { ...textEvent('Hello, world', '100001', '00000000000000000000000000000000') },
      { ...textEvent('Hello, world', '100002', 'ffffffffffffffffffffffffffffffff') },
    );
    expect((await send(verify)).status).toBe(200);
    const sticker = webhook({
      ...textEvent('', '2', 'tok-s'),
      message: {
        type: 'sticker',
        id: '2',
        packageId: '446',
        stickerId: '1988',
        stickerResourceType: 'STATIC',
      },
    });
    expect((await send(sticker)).status).toBe(200);
    expect((await send(webhook())).status).toBe(200);
    expect(echo.received).toEqual([]);
    expect(mock.requests).toEqual([]);
  });

  it('falls back to push when the reply token is refused', async () => {
    mock.answerWith((req) =>
      req.path === '/v2/bot/message/reply'
        ? { status: 400, body: { message: 'Invalid reply token' } }
        : { body: {} },
    );
    const res = await send(webhook(textEvent('late', '9', 'expired-token')));
    expect(res.status).toBe(200);
    expect(mock.requests.map((r) => r.path)).toEqual(['/v2/bot/message/reply', '/v2/bot/message/push']);
    expect(mock.requests[1]?.body).toMatchObject({
      to: USER,
      messages: [{ type: 'text', text: 'echo: late' }],
    });
    expect(app.logs).toContainEqual(expect.objectContaining({ event: 'line_reply_failed_pushing' }));
  });

  it('answers a group message in the group', async () => {
    const event = {
      ...textEvent('hi all', '5', 'tok-g'),
      source: { type: 'group', groupId: 'Cgroup123', userId: USER },
    };
    expect((await send(webhook(event))).status).toBe(200);
    expect(echo.received[0]?.customerId).toBe('Cgroup123');
  });

  it('pushes agent replies through the outbox (LINE_API_ORIGIN from env)', async () => {
    const outbox = createPlatformOutbox({
      env: { LINE_ACCESS_TOKEN: ACCESS_TOKEN, LINE_CHANNEL_SECRET: SECRET, LINE_API_ORIGIN: mock.origin },
    });
    const replies = Array.from({ length: 6 }, (_, i) => ({ kind: 'agent' as const, text: `part ${i + 1}` }));
    await outbox.send('line', USER, replies);
    expect(mock.requests.map((r) => [r.path, r.body.to, r.body.messages.length])).toEqual([
      ['/v2/bot/message/push', USER, 5],
      ['/v2/bot/message/push', USER, 1],
    ]);
    expect(mock.requests[1]?.body.messages).toEqual([{ type: 'text', text: 'part 6' }]);
  });
});
