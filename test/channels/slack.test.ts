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

const BOT_TOKEN = 'xoxb-test-slack-token';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DM = 'D0LAN2Q65';

const slackOk = (req: { body: { channel?: string } }) => ({
  body: { ok: true, channel: req.body.channel, ts: '1503435956.000247', message: { text: 'x' } },
});

function eventCallback(event: Record<string, unknown>) {
  return JSON.stringify({
    token: 'XXYYZZ',
    team_id: 'T0001',
    api_app_id: 'A0001',
    event,
    type: 'event_callback',
    event_id: 'Ev08MFMKH6',
    event_time: 1355517523,
  });
}
const dm = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'message',
  channel: DM,
  user: 'U2147483697',
  text,
  ts: '1355517523.000005',
  event_ts: '1355517523.000005',
  channel_type: 'im',
  client_msg_id: 'b5c4a2ee-1f2c-4c1e-9f1a-0c3c2f8a7a11',
  ...extra,
});
const sign = (body: string, ts: number, secret = SIGNING_SECRET) =>
  `v0=${hmac('sha256', secret, `v0:${ts}:${body}`).digest('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

describe('Slack Events API webhook (bottender SlackOAuthClient against a local Web API)', () => {
  let mock: PlatformMock;
  let app: TestApp;
  let echo: ReturnType<typeof echoHandle>;

  beforeAll(async () => {
    mock = await startPlatformMock(slackOk);
    echo = echoHandle();
    app = await startApp(
      { SLACK_ACCESS_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET },
      (m) => echo.handle(m),
      {
        origins: { slack: mock.origin },
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
    post(`${app.url}/webhooks/slack`, body, { 'content-type': 'application/json', ...headers });

  it('accepts a v0 signature and posts the reply with chat.postMessage', async () => {
    const body = eventCallback(dm('Can I change my address?'));
    const ts = now();
    const res = await send(body, {
      'x-slack-signature': sign(body, ts),
      'x-slack-request-timestamp': String(ts),
    });
    expect(res.status).toBe(200);
    expect(echo.received).toEqual([
      {
        channel: 'slack',
        customerId: DM,
        text: 'Can I change my address?',
        platformAt: 1355517523000,
        platformMessageId: 'b5c4a2ee-1f2c-4c1e-9f1a-0c3c2f8a7a11',
      },
    ]);
    expect(mock.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage']);
    expect(mock.requests[0]?.body).toEqual({
      channel: DM,
      text: 'echo: Can I change my address?\n\n• Yes\n• No',
      token: BOT_TOKEN,
    });
  });

  it('unescapes what Slack escapes in the text, and escapes our reply', async () => {
    const body = eventCallback(dm('Q&amp;A: is 3 &lt; 5 &gt; 2?'));
    const ts = now();
    expect(
      (await send(body, { 'x-slack-signature': sign(body, ts), 'x-slack-request-timestamp': String(ts) }))
        .status,
    ).toBe(200);
    expect(echo.received[0]?.text).toBe('Q&A: is 3 < 5 > 2?');
    expect(mock.requests[0]?.body.text).toBe('echo: Q&amp;A: is 3 &lt; 5 &gt; 2?\n\n• Yes\n• No');
  });

  it('answers the url_verification challenge', async () => {
    const body = JSON.stringify({
      token: 'x',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    const ts = now();
    const res = await send(body, {
      'x-slack-signature': sign(body, ts),
      'x-slack-request-timestamp': String(ts),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');
  });

  it('refuses wrong-length (bottender: 500), wrong, stale and missing signatures with 401', async () => {
    const body = eventCallback(dm('hi'));
    const ts = now();
    const cases: Record<string, string>[] = [
      { 'x-slack-signature': 'v0=abc', 'x-slack-request-timestamp': String(ts) },
      { 'x-slack-signature': sign(body, ts, 'other-secret'), 'x-slack-request-timestamp': String(ts) },
      { 'x-slack-signature': sign(body, ts - 600), 'x-slack-request-timestamp': String(ts - 600) },
      { 'x-slack-request-timestamp': String(ts) },
      {},
    ];
    for (const headers of cases) expect((await send(body, headers)).status).toBe(401);
    expect(echo.received).toEqual([]);
    expect(app.logs.map((l) => l.reason)).toEqual([
      'bad_signature',
      'bad_signature',
      'stale_timestamp',
      'missing_signature',
      'missing_signature',
    ]);
  });

  it('ignores bot posts (our own replies) and message edits', async () => {
    for (const event of [
      dm('echo: hi', { bot_id: 'B0001', subtype: 'bot_message' }),
      dm('edited', { subtype: 'message_changed' }),
    ]) {
      const body = eventCallback(event);
      const ts = now();
      expect(
        (await send(body, { 'x-slack-signature': sign(body, ts), 'x-slack-request-timestamp': String(ts) }))
          .status,
      ).toBe(200);
    }
    expect(echo.received).toEqual([]);
    expect(mock.requests).toEqual([]);
  });
});
