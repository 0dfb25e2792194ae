import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  echoHandle,
  hmac,
  type PlatformMock,
  post,
  startApp,
  startPlatformMock,
  type TestApp,
} from './helpers';

const AUTH_TOKEN = '445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9';
const USER = '01234567890A=';

const viberOk = () => ({
  body: { status: 0, status_message: 'ok', message_token: 5741311803571721, chat_hostname: 'SN-CHAT-05_' },
});

// Written by hand: message_token is a 64-bit integer (JSON.stringify of a JS number would round it).
const messageCallback = (text: string) =>
  `{"event":"message","timestamp":1457764197627,"chat_hostname":"SN-376_","message_token":4912661846655238145,` +
  `"sender":{"id":"${USER}","name":"John McClane","avatar":"http://avatar.example.com","country":"UK","language":"en","api_version":1},` +
  `"message":{"type":"text","text":${JSON.stringify(text)},"tracking_data":"tracking data"},"silent":false}`;
const sign = (body: string, token = AUTH_TOKEN) => hmac('sha256', token, body).digest('hex');

describe('Viber webhook (bottender ViberClient against a local REST API)', () => {
  let mock: PlatformMock;
  let app: TestApp;
  let echo: ReturnType<typeof echoHandle>;

  beforeAll(async () => {
    mock = await startPlatformMock(viberOk);
    echo = echoHandle();
    app = await startApp(
      { VIBER_ACCESS_TOKEN: AUTH_TOKEN, VIBER_SENDER_NAME: 'Shop Help' },
      (m) => echo.handle(m),
      {
        origins: { viber: mock.origin },
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
  });

  const send = (body: string, headers: Record<string, string>) =>
    post(`${app.url}/webhooks/viber`, body, { 'content-type': 'application/json', ...headers });

  it('accepts X-Viber-Content-Signature and sends the reply with a reply keyboard', async () => {
    const body = messageCallback('When do you open?');
    const res = await send(body, { 'x-viber-content-signature': sign(body) });
    expect(res.status).toBe(200);
    expect(echo.received).toEqual([
      {
        channel: 'viber',
        customerId: USER,
        text: 'When do you open?',
        name: 'John McClane',
        platformAt: 1457764197627,
        platformMessageId: '4912661846655238145',
      },
    ]);
    expect(mock.requests.map((r) => r.path)).toEqual(['/pa/send_message']);
    expect(mock.requests[0]?.headers['x-viber-auth-token']).toBe(AUTH_TOKEN);
    expect(mock.requests[0]?.body).toEqual({
      receiver: USER,
      sender: { name: 'Shop Help' },
      type: 'text',
      text: 'echo: When do you open?',
      keyboard: {
        Type: 'keyboard',
        DefaultHeight: false,
        Buttons: [
          { ActionType: 'reply', ActionBody: 'Yes', Text: 'Yes' },
          { ActionType: 'reply', ActionBody: 'No', Text: 'No' },
        ],
      },
    });
  });

  it('refuses a bad or missing signature with 401', async () => {
    const body = messageCallback('hi');
    expect((await send(body, { 'x-viber-content-signature': sign(body, 'other-token') })).status).toBe(401);
    expect((await send(body, { 'x-viber-content-signature': 'deadbeef' })).status).toBe(401);
    expect((await send(body, {})).status).toBe(401);
    expect(echo.received).toEqual([]);
    expect(app.logs.filter((l) => l.event === 'webhook_refused' && l.channel === 'viber')).toHaveLength(3);
  });

  it('acknowledges the webhook set-up callback and non-text messages without answering', async () => {
    const setup = JSON.stringify({
      event: 'webhook',
      timestamp: 1457764197627,
      message_token: 241256543215,
      chat_hostname: 'SN-376_',
    });
    expect((await send(setup, { 'x-viber-content-signature': sign(setup) })).status).toBe(200);
    const picture = messageCallback('x').replace(
      '"type":"text"',
      '"type":"picture","media":"http://example.com/a.jpg"',
    );
    expect((await send(picture, { 'x-viber-content-signature': sign(picture) })).status).toBe(200);
    expect(echo.received).toEqual([]);
    expect(mock.requests).toEqual([]);
  });
});
