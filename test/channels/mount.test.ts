import { createRequire } from 'node:module';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformOutbox, mountWebhooks } from '../../src/channels/bottender/index';
import { echoHandle, post, startApp, type TestApp } from './helpers';

const SECRET = 'telegram-secret';
const env = {
  TELEGRAM_ACCESS_TOKEN: '1:abc',
  TELEGRAM_SECRET_TOKEN: SECRET,
  TELEGRAM_API_ORIGIN: 'http://127.0.0.1:9',
};
const quick = (url: string, init?: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(2000) });

describe('mountWebhooks', () => {
  let app: TestApp;
  const echo = echoHandle();

  beforeAll(async () => {
    app = await startApp(env, echo.handle);
  });
  afterAll(() => app.close());

  it('enables only the channels whose credentials are set', () => {
    expect(app.enabled).toEqual(['telegram']);
    const bare = express();
    expect(mountWebhooks(bare, echo.handle, { env: {}, log: () => {} }).enabled).toEqual([]);
    const all = mountWebhooks(express(), echo.handle, {
      log: () => {},
      env: {
        TELEGRAM_ACCESS_TOKEN: 't',
        TELEGRAM_SECRET_TOKEN: 'secret',
        LINE_ACCESS_TOKEN: 'l',
        LINE_CHANNEL_SECRET: 's',
        MESSENGER_ACCESS_TOKEN: 'm',
        MESSENGER_APP_SECRET: 's',
        SLACK_ACCESS_TOKEN: 'x',
        SLACK_SIGNING_SECRET: 's',
        VIBER_ACCESS_TOKEN: 'v',
        WHATSAPP_ACCOUNT_SID: 'AC1',
        WHATSAPP_AUTH_TOKEN: 't',
        WHATSAPP_PHONE_NUMBER: '+1555',
      },
    });
    expect(all.enabled).toEqual(['telegram', 'line', 'messenger', 'slack', 'viber', 'whatsapp']);
  });

  it('refuses to start a channel whose secret is missing', () => {
    expect(() => mountWebhooks(express(), echo.handle, { env: { LINE_ACCESS_TOKEN: 'l' } })).toThrow(
      /LINE_CHANNEL_SECRET/,
    );
    expect(() =>
      mountWebhooks(express(), echo.handle, { env: { SLACK_ACCESS_TOKEN: 'x', SLACK_SIGNING_SECRET: '' } }),
    ).toThrow(/SLACK_SIGNING_SECRET/);
    expect(() => mountWebhooks(express(), echo.handle, { env: { MESSENGER_ACCESS_TOKEN: 'm' } })).toThrow(
      /MESSENGER_APP_SECRET/,
    );
  });

  it('refuses to start Telegram without a secret token: its webhook could not be verified', () => {
    expect(() =>
      mountWebhooks(express(), echo.handle, { env: { TELEGRAM_ACCESS_TOKEN: 't' }, log: () => {} }),
    ).toThrow(/TELEGRAM_SECRET_TOKEN is required/);
  });

  it('answers 404 for unknown and disabled channels under /webhooks, without hanging', async () => {
    for (const path of ['/webhooks/nope', '/webhooks/line', '/webhooks/telegram/extra', '/webhooks']) {
      const res = await quick(`${app.url}${path}`, { method: 'POST', body: '{}' });
      expect(res.status, path).toBe(404);
    }
  });

  it('answers 405 to other methods on a known channel', async () => {
    expect((await quick(`${app.url}/webhooks/telegram`)).status).toBe(405);
  });

  it('refuses bodies over 64 KiB with 413 before checking anything', async () => {
    const big = JSON.stringify({ update_id: 1, message: { text: 'x'.repeat(70 * 1024) } });
    const res = await post(`${app.url}/webhooks/telegram`, big, {
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': SECRET,
    });
    expect(res.status).toBe(413);
    expect(echo.received).toEqual([]);
  });

  it('fails loudly (500) instead of skipping verification when a global JSON parser ate the body', async () => {
    const wrong = await startApp(env, echo.handle, { before: (a) => a.use(express.json()) });
    try {
      const res = await post(`${wrong.url}/webhooks/telegram`, '{"update_id":1}', {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': SECRET,
      });
      expect(res.status).toBe(500);
      expect(wrong.logs).toContainEqual(expect.objectContaining({ event: 'webhook_raw_body_unavailable' }));
    } finally {
      await wrong.close();
    }
  });
});

describe('createPlatformOutbox', () => {
  it('refuses channels that are not enabled here', async () => {
    const outbox = createPlatformOutbox({ env: {} });
    await expect(outbox.send('line', 'U1', [{ kind: 'agent', text: 'hi' }])).rejects.toThrow(/not enabled/);
    await expect(outbox.send('web', 'v1', [{ kind: 'agent', text: 'hi' }])).rejects.toThrow(/not enabled/);
  });
});

describe('dependencies', () => {
  it("bottender's clients run on the overridden axios 0.35.0 (the e2e tests exercise it)", () => {
    const fromClient = createRequire(createRequire(import.meta.url).resolve('messaging-api-telegram'));
    expect(fromClient('axios/package.json').version).toBe('0.35.0');
    const fromBottender = createRequire(createRequire(import.meta.url).resolve('bottender'));
    expect(fromBottender('axios/package.json').version).toBe('0.35.0');
  });
});
