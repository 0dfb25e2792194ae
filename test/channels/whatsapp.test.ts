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

const SID = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX';
const AUTH_TOKEN = 'twilio-auth-token';
const BUSINESS = 'whatsapp:+14155238886';
const CUSTOMER = 'whatsapp:+5511999990000';

const twilioOk = (req: { body: { To?: string } }) => ({
  status: 201,
  body: { sid: 'SMxxxxxxxx', status: 'queued', to: req.body.To, from: BUSINESS },
});

/** What Twilio posts for an incoming WhatsApp message (application/x-www-form-urlencoded). */
function incoming(body: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SmsMessageSid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
    NumMedia: '0',
    ProfileName: 'Maria',
    SmsSid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
    WaId: '5511999990000',
    SmsStatus: 'received',
    Body: body,
    To: BUSINESS,
    NumSegments: '1',
    MessageSid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
    AccountSid: SID,
    From: CUSTOMER,
    ApiVersion: '2010-04-01',
    ...extra,
  };
}
/** Twilio's documented algorithm: URL + each param name and value, names sorted, HMAC-SHA1, base64. */
const sign = (url: string, params: Record<string, string>, token = AUTH_TOKEN) =>
  hmac(
    'sha1',
    token,
    Object.keys(params)
      .sort()
      .reduce((acc, k) => acc + k + params[k], url),
  ).digest('base64');

describe('WhatsApp (Twilio) webhook (bottender TwilioClient against a local Twilio API)', () => {
  let mock: PlatformMock;
  let app: TestApp;
  let echo: ReturnType<typeof echoHandle>;
  const env = () => ({
    WHATSAPP_ACCOUNT_SID: SID,
    WHATSAPP_AUTH_TOKEN: AUTH_TOKEN,
    WHATSAPP_PHONE_NUMBER: '+14155238886',
    WHATSAPP_API_ORIGIN: mock.origin,
  });

  beforeAll(async () => {
    mock = await startPlatformMock(twilioOk);
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
  });

  const send = (url: string, params: Record<string, string>, signature?: string) =>
    post(url, new URLSearchParams(params).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature ? { 'x-twilio-signature': signature } : {}),
    });

  it('accepts a good X-Twilio-Signature and sends the reply through the Messages API', async () => {
    const url = `${app.url}/webhooks/whatsapp`;
    const params = incoming('Is my order shipped? #42 & more');
    const res = await send(url, params, sign(url, params));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    expect(echo.received).toEqual([
      {
        channel: 'whatsapp',
        customerId: CUSTOMER,
        text: 'Is my order shipped? #42 & more',
        name: 'Maria',
        platformMessageId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f',
      },
    ]);
    expect(mock.requests.map((r) => r.path)).toEqual([`/2010-04-01/Accounts/${SID}/Messages.json`]);
    const [call] = mock.requests;
    expect(call?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    expect(call?.body).toEqual({
      From: BUSINESS,
      To: CUSTOMER,
      Body: 'echo: Is my order shipped? #42 & more\n\n• Yes\n• No',
    });
  });

  it('refuses a bad or missing signature with 401', async () => {
    const url = `${app.url}/webhooks/whatsapp`;
    const params = incoming('hi');
    expect((await send(url, params, sign(url, params, 'other-token'))).status).toBe(401);
    expect(
      (await send(url, params, sign('https://elsewhere.example/webhooks/whatsapp', params))).status,
    ).toBe(401);
    expect((await send(url, { ...params, Body: 'tampered' }, sign(url, params))).status).toBe(401);
    expect((await send(url, params)).status).toBe(401);
    expect(echo.received).toEqual([]);
    expect(app.logs.filter((l) => l.event === 'webhook_refused')).toHaveLength(4);
  });

  it('verifies against WHATSAPP_WEBHOOK_URL when a proxy sits in front', async () => {
    const publicUrl = 'https://shop.example.com/webhooks/whatsapp';
    const proxied = await startApp({ ...env(), WHATSAPP_WEBHOOK_URL: publicUrl }, (m) => echo.handle(m));
    try {
      const params = incoming('via proxy');
      expect((await send(`${proxied.url}/webhooks/whatsapp`, params, sign(publicUrl, params))).status).toBe(
        200,
      );
    } finally {
      await proxied.close();
    }
    expect(echo.received.map((m) => m.text)).toEqual(['via proxy']);
  });

  it('ignores media without a caption and status callbacks', async () => {
    const url = `${app.url}/webhooks/whatsapp`;
    for (const params of [
      incoming('', {
        NumMedia: '1',
        MediaContentType0: 'image/jpeg',
        MediaUrl0: 'https://api.twilio.com/media/1',
      }),
      incoming('', { SmsStatus: 'delivered', MessageStatus: 'delivered' }),
    ]) {
      expect((await send(url, params, sign(url, params))).status).toBe(200);
    }
    expect(echo.received).toEqual([]);
    expect(mock.requests).toEqual([]);
  });

  it('pushes agent replies through the outbox', async () => {
    const outbox = createPlatformOutbox({ env: env() });
    await outbox.send('whatsapp', CUSTOMER, [{ kind: 'agent', text: 'Done!' }]);
    expect(mock.requests[0]?.body).toEqual({ From: BUSINESS, To: CUSTOMER, Body: 'Done!' });
  });
});
