import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagesHandler } from '../../src/channels/web/messages-route';
import { VisitorTokens } from '../../src/channels/web/visitor-token';
import { createLogger } from '../../src/shared/log';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';

// 2026-11-23 10:00 in Shanghai: inside the default 09:00–23:00 hours.
const MORNING = Date.parse('2026-11-23T10:00:00+08:00');
const MINUTE = 60_000;

describe.each(storageKinds())('POST /api/messages on %s', (kind) => {
  let app: TestApp;
  let now = MORNING;
  beforeEach(async () => {
    now = MORNING;
    app = await startTestApp(kind, {}, { clock: () => now });
  });
  afterEach(async () => app.close());

  const send = (text: string, customerId = 'c1', extra: Record<string, unknown> = {}) =>
    app.post('/api/messages', { customerId, text, ...extra });

  it('greets once a day, then answers presence with its template', async () => {
    const first = await send('在吗');
    expect(first.status).toBe(200);
    expect(first.body.replies.map((r: any) => r.kind)).toEqual(['greeting']);
    expect(first.body.replies[0].text).toContain('FirstReply Demo Shop');
    now += MINUTE;
    const second = await send('在吗');
    expect(second.body.replies.map((r: any) => [r.kind, r.templateId])).toEqual([['template', 'presence']]);
    expect(second.body.conversationId).toBe(first.body.conversationId);
  });

  it('answers a question with greeting and the template, variants in turn, with quick replies', async () => {
    const r = await send('您好，什么时候发货？');
    expect(r.body.intent).toBe('shipping-time');
    expect(r.body.replies.map((x: any) => x.kind)).toEqual(['greeting', 'template']);
    expect(r.body.replies[1].quickReplies).toEqual(['查物流', '人工客服']);
    now += MINUTE;
    const again = await send('今天能发货吗');
    now += MINUTE;
    const third = await send('什么时候发货');
    expect(again.body.replies[0].text).not.toBe(third.body.replies[0].text);
  });

  it('answers in English to English text', async () => {
    const r = await send('hi, when will you ship?');
    expect(r.body.intent).toBe('shipping-time');
    expect(r.body.replies.map((x: any) => x.text)).toEqual([
      'Welcome to FirstReply Demo Shop!',
      'We ship within 48 hours of payment.',
    ]);
  });

  it('hands off "人工" at once and does not repeat the hand-off notice while the customer waits', async () => {
    await send('你好');
    now += MINUTE;
    const r = await send('人工');
    expect(r.body).toMatchObject({ intent: 'human', handoff: true });
    expect(r.body.replies.map((x: any) => x.kind)).toEqual(['handoff']);
    now += MINUTE;
    const more = await send('我的订单有问题，一直联系不上');
    expect(more.body.handoff).toBe(true);
    expect(more.body.replies).toEqual([]);
    now += 10 * MINUTE;
    const later = await send('还有人吗 能不能快点处理');
    expect(later.body.replies.map((x: any) => x.kind)).toEqual(['handoff']);
  });

  it('hands off what it cannot answer confidently', async () => {
    await send('你好');
    now += MINUTE;
    const r = await send('我想问一下你们这个材质洗了会不会缩水，上次买的那件就缩了');
    expect(r.body).toMatchObject({ intent: null, handoff: true });
    expect(r.body.replies.map((x: any) => x.kind)).toEqual(['handoff']);
  });

  it('outside business hours says when agents are back, once a day', async () => {
    now = Date.parse('2026-11-23T23:30:00+08:00');
    const r = await send('人工');
    expect(r.body.replies.map((x: any) => x.kind)).toEqual(['greeting', 'away']);
    expect(r.body.replies[1].text).toBe('客服已下班，明天 09:00回来为您服务。');
    now += MINUTE;
    const again = await send('转人工');
    expect(again.body.replies).toEqual([]);
  });

  it('logs every message and reply durably with millisecond times before answering', async () => {
    const r = await send('什么时候发货');
    const rows = await app.services.database.db
      .selectFrom('events')
      .selectAll()
      .where('conversation_id', '=', r.body.conversationId)
      .orderBy('seq')
      .execute();
    expect(rows.map((e) => [e.type, e.actor])).toEqual([
      ['message.received', 'customer'],
      ['bot.replied', 'bot'],
      ['bot.replied', 'bot'],
    ]);
    expect(rows[0]!.at).toBe(MORNING);
    expect(rows[0]!.text).toBe('什么时候发货');
    expect(JSON.parse(rows[0]!.data!).candidates[0]).toMatchObject({
      intent: 'shipping-time',
      source: 'keyword',
    });
    expect(JSON.parse(rows[2]!.data!)).toEqual({
      kind: 'template',
      template: 'shipping-time',
      quickReplies: ['查物流', '人工客服'],
    });
  });

  it('starts a new conversation after the idle gap, without a second greeting that day', async () => {
    const a = await send('你好');
    now += 5 * 60 * MINUTE;
    const b = await send('什么时候发货');
    expect(b.body.conversationId).not.toBe(a.body.conversationId);
    expect(b.body.replies.map((x: any) => x.kind)).toEqual(['template']);
  });

  it('stores HTML and control characters as text', async () => {
    const text = '<script>alert(1)</script>\u0007 😀 混合 text';
    const r = await send(text);
    expect(r.status).toBe(200);
    const row = await app.services.database.db
      .selectFrom('events')
      .select('text')
      .where('conversation_id', '=', r.body.conversationId)
      .where('type', '=', 'message.received')
      .executeTakeFirstOrThrow();
    expect(row.text).toBe(text);
  });

  it('throttles a flood: every message logged, only the burst answered', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => send(`什么时候发货 ${i}`, 'flooder')),
    );
    const answered = results.filter((r) => r.body.replies.length > 0).length;
    expect(answered).toBe(10);
    expect(results.filter((r) => r.body.throttled).length).toBe(15);
    const count = await app.services.database.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('customer_key', '=', 'api:flooder')
      .where('type', '=', 'message.received')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(25);
  });
});

describe('bad input on POST /api/messages', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp('sqlite');
  });
  afterEach(async () => app.close());

  it.each([
    ['malformed JSON', '{"customerId": "a", "text": ', 400, 'malformed_json', undefined],
    ['missing text', { customerId: 'a' }, 400, 'invalid_request', 'text'],
    ['wrong type', { customerId: 'a', text: 42 }, 400, 'invalid_request', 'text'],
    ['empty text', { customerId: 'a', text: '   ' }, 400, 'invalid_request', 'text'],
    ['too long text', { customerId: 'a', text: 'x'.repeat(4001) }, 400, 'invalid_request', 'text'],
    ['unknown field', { customerId: 'a', text: 'hi', txet: 'typo' }, 400, 'invalid_request', 'body'],
    ['bad channel', { customerId: 'a', text: 'hi', channel: 'fax' }, 400, 'invalid_request', 'channel'],
    ['web without token', { customerId: 'a', text: 'hi', channel: 'web' }, 401, 'invalid_token', 'token'],
  ])('%s is refused naming the field', async (_name, body, status, code, field) => {
    const r = await app.post('/api/messages', body);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    if (field) expect(r.body.error.fields.map((f: any) => f.path)).toContain(field);
    if (field === 'body') expect(r.body.error.message).toContain('txet');
  });

  it('refuses a body over 64 KiB with 413 and keeps serving', async () => {
    const r = await app.post('/api/messages', { customerId: 'a', text: 'y'.repeat(70_000) });
    expect(r.status).toBe(413);
    const ok = await app.post('/api/messages', { customerId: 'a', text: '你好' });
    expect(ok.status).toBe(200);
  });

  it('refuses a non-JSON content type with 415', async () => {
    const r = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(r.status).toBe(415);
  });

  it('serves other spellings of the path through Express the same way', async () => {
    // The server hands exactly POST /api/messages to the handler ahead of Express (app.ts).
    for (const path of ['/api/messages/', '/API/messages', '/api/messages?source=shop']) {
      const r = await app.post(path, { customerId: 'spelled', text: '什么时候发货' });
      expect(r.status, path).toBe(200);
      expect(r.body.intent, path).toBe('shipping-time');
      const bad = await app.post(path, { customerId: 'spelled' });
      expect(bad.status, path).toBe(400);
      expect(bad.body.error.fields[0].path, path).toBe('text');
    }
  });

  it('answers 404 JSON for unknown API paths', async () => {
    const r = await app.get('/api/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});

describe('the widget on a shop’s own domain', () => {
  it('may call the widget endpoints cross-origin (token auth, no cookies)', async () => {
    const app = await startTestApp('sqlite');
    try {
      const pre = await fetch(`${app.url}/api/messages`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('*');
      expect(pre.headers.get('access-control-allow-headers')).toContain('content-type');
      for (const body of [{ customerId: 'cors', text: '你好' }, { customerId: 'cors' }]) {
        const r = await fetch(`${app.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
          body: JSON.stringify(body),
        });
        expect(r.status).toBe('text' in body ? 200 : 400);
        expect(r.headers.get('access-control-allow-origin')).toBe('*');
      }
      const session = await fetch(`${app.url}/api/widget/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
        body: '{}',
      });
      expect(session.headers.get('access-control-allow-origin')).toBe('*');
      const agentApi = await fetch(`${app.url}/api/me`, { headers: { origin: 'https://shop.example' } });
      expect(agentApi.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await app.close();
    }
  });
});

describe('the messages handler', () => {
  it('answers a failure it did not expect with a logged 500 and keeps serving', async () => {
    const logged: string[] = [];
    let fail = true;
    const handler = messagesHandler(
      async (m) => {
        if (fail) throw new Error('database went away');
        return {
          conversationId: 'c',
          intent: null,
          score: 0,
          replies: [],
          handoff: false,
          throttled: false,
          text: m.text,
        };
      },
      new VisitorTokens('test-secret-key-0123456789'),
      createLogger('error', (line) => logged.push(line)),
    );
    const server = createServer(handler).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    const post = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'a', text: 'hi' }),
      });
    try {
      const r = await post();
      expect(r.status).toBe(500);
      expect(((await r.json()) as any).error.code).toBe('internal');
      expect(logged.join('')).toContain('database went away');
      fail = false;
      const ok = await post();
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as any).text).toBe('hi');
    } finally {
      server.close();
    }
  });
});
