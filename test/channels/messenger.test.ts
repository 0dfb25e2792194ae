import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformOutbox } from '../../src/channels/bottender/index';
import {
  echoHandle,
  hmac,
  type PlatformMock,
  post,
  startApp,
  startPlatformMock,
  type TestApp,
} from './helpers';

const PAGE_TOKEN = 'EAAGm0PX4ZCpsBA-page-token';
const APP_SECRET = 'messenger-app-secret';
const VERIFY_TOKEN = 'messenger-verify-token';
const PAGE = '1067280970047460';
const PSID = '6372198279520219';

const graphOk = () => ({ body: { recipient_id: PSID, message_id: 'm_reply' } });

function messaging(text: string, mid: string, timestamp = 1458692752478) {
  return { sender: { id: PSID }, recipient: { id: PAGE }, timestamp, message: { mid, text } };
}
const pageWebhook = (...events: unknown[]) =>
  JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: 1458692752478, messaging: events }] });
const sha256 = (body: string, secret = APP_SECRET) => `sha256=${hmac('sha256', secret, body).digest('hex')}`;
const sha1 = (body: string) => `sha1=${hmac('sha1', APP_SECRET, body).digest('hex')}`;

describe('Messenger webhook (bottender MessengerClient against a local Graph API)', () => {
  let mock: PlatformMock;
  let app: TestApp;
  let echo: ReturnType<typeof echoHandle>;

  beforeAll(async () => {
    mock = await startPlatformMock(graphOk);
    echo = echoHandle();
    app = await startApp(
      {
        MESSENGER_ACCESS_TOKEN: PAGE_TOKEN,
        MESSENGER_APP_SECRET: APP_SECRET,
        MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN,
        MESSENGER_GRAPH_VERSION: '19.0',
      },
      (m) => echo.handle(m),
      { origins: { messenger: mock.origin } },
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
  });

  const send = (body: string, headers: Record<string, string>) =>
    post(`${app.url}/webhooks/messenger`, body, { 'content-type': 'application/json', ...headers });

  it('accepts a good X-Hub-Signature-256 and sends the reply with quick_replies', async () => {
    const body = pageWebhook(messaging('Is the blue one in stock?', 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM'));
    const res = await send(body, { 'x-hub-signature-256': sha256(body), 'x-hub-signature': sha1(body) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('EVENT_RECEIVED');
    expect(echo.received).toEqual([
      {
        channel: 'messenger',
        customerId: PSID,
        text: 'Is the blue one in stock?',
        platformAt: 1458692752478,
        platformMessageId: 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM',
      },
    ]);
    expect(mock.requests).toHaveLength(1);
    const [call] = mock.requests;
    expect(call?.path).toMatch(new RegExp(`^/v19.0/me/messages\\?access_token=${PAGE_TOKEN}`));
    expect(call?.body).toEqual({
      messaging_type: 'RESPONSE',
      recipient: { id: PSID },
      message: {
        text: 'echo: Is the blue one in stock?',
        quick_replies: [
          { content_type: 'text', title: 'Yes', payload: 'Yes' },
          { content_type: 'text', title: 'No', payload: 'No' },
        ],
      },
    });
  });

  it('handles every messaging event of an entry, in order (bottender keeps only the first)', async () => {
    const body = pageWebhook(messaging('one', 'm_1', 1), messaging('two', 'm_2', 2), {
      sender: { id: PSID },
      recipient: { id: PAGE },
      timestamp: 3,
      postback: { mid: 'm_3', title: 'Talk to a human', payload: 'HUMAN' },
    });
    expect((await send(body, { 'x-hub-signature-256': sha256(body) })).status).toBe(200);
    expect(echo.received.map((m) => m.text)).toEqual(['one', 'two', 'HUMAN']);
    expect(mock.requests.map((r) => r.body.message.text)).toEqual(['echo: one', 'echo: two', 'echo: HUMAN']);
  });

  it('refuses the old SHA-1 header alone, a bad sha256 and no signature with 401', async () => {
    const body = pageWebhook(messaging('hi', 'm_9'));
    expect((await send(body, { 'x-hub-signature': sha1(body) })).status).toBe(401);
    expect((await send(body, { 'x-hub-signature-256': sha256(body, 'other-secret') })).status).toBe(401);
    expect((await send(body, { 'x-hub-signature-256': 'sha256=abc' })).status).toBe(401);
    expect((await send(body, {})).status).toBe(401);
    expect(echo.received).toEqual([]);
    expect(app.logs.filter((l) => l.event === 'webhook_refused')).toHaveLength(4);
  });

  it('ignores echoes of our own messages and read receipts', async () => {
    const body = pageWebhook(
      {
        sender: { id: PAGE },
        recipient: { id: PSID },
        timestamp: 1,
        message: { is_echo: true, app_id: 1517776481860111, mid: 'm_e', text: 'echo: hi' },
      },
      { sender: { id: PSID }, recipient: { id: PAGE }, timestamp: 2, read: { watermark: 1458668856253 } },
    );
    expect((await send(body, { 'x-hub-signature-256': sha256(body) })).status).toBe(200);
    expect(echo.received).toEqual([]);
    expect(mock.requests).toEqual([]);
  });

  it('answers the subscription handshake only with the right verify token', async () => {
    const ok = await fetch(
      `${app.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(
      `${app.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`,
    );
    expect(bad.status).toBe(403);
  });

  it('pushes agent replies through the outbox', async () => {
    const outbox = createPlatformOutbox({
      env: {
        MESSENGER_ACCESS_TOKEN: PAGE_TOKEN,
        MESSENGER_APP_SECRET: APP_SECRET,
        MESSENGER_API_ORIGIN: mock.origin,
      },
    });
    await outbox.send('messenger', PSID, [{ kind: 'agent', text: 'Refund sent.' }]);
    expect(mock.requests[0]?.path).toMatch(/^\/v6.0\/me\/messages\?access_token=/);
    expect(mock.requests[0]?.body).toEqual({
      messaging_type: 'UPDATE',
      recipient: { id: PSID },
      message: { text: 'Refund sent.' },
    });
  });
});
