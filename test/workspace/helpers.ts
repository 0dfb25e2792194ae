import { expect } from 'vitest';
import type { RoutingConfig } from '../../src/routing/routing-config';
import type { TestApp } from '../support/app';

export const ADMIN_PASSWORD = 'admin-password-123';
export const PASSWORD = 'agent-password-123';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** A JSON request with an optional bearer token. */
export async function call(
  app: TestApp,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Reply> {
  const r = await fetch(app.url + path, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: r.status, body, headers: r.headers };
}

export async function login(app: TestApp, loginName: string, password = PASSWORD): Promise<string> {
  const r = await call(app, 'POST', '/api/auth/login', { body: { login: loginName, password } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.token as string;
}

export interface TestAgent {
  id: string;
  login: string;
  token: string;
}

/** Creates an agent through the API (as the given supervisor/admin) and logs them in. */
export async function createAgent(
  app: TestApp,
  adminToken: string,
  fields: Record<string, unknown> & { login: string },
): Promise<TestAgent> {
  const r = await call(app, 'POST', '/api/agents', {
    token: adminToken,
    body: { name: fields.login, password: PASSWORD, ...fields },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.agent.id, login: fields.login, token: await login(app, fields.login) };
}

export async function setStatus(app: TestApp, agent: TestAgent, status: string): Promise<void> {
  const r = await call(app, 'PUT', '/api/workspace/status', { token: agent.token, body: { status } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** A widget visitor: session, then messages through POST /api/messages as channel web. */
export async function visitor(app: TestApp) {
  const s = await call(app, 'POST', '/api/widget/session', { body: {} });
  expect(s.status).toBe(200);
  const { customerId, token } = s.body as { customerId: string; token: string };
  return {
    customerId,
    token,
    key: `web:${customerId}`,
    async say(text: string): Promise<Reply> {
      const r = await call(app, 'POST', '/api/messages', {
        body: { customerId, token, channel: 'web', text },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r;
    },
    async history(): Promise<any> {
      const r = await call(app, 'GET', `/api/widget/history?${new URLSearchParams({ customerId, token })}`);
      expect(r.status).toBe(200);
      return r.body;
    },
  };
}

/** Customer asks for a person; routing settles. Returns the conversation id. */
export async function handOff(
  app: TestApp,
  v: Awaited<ReturnType<typeof visitor>>,
  text = '人工',
): Promise<string> {
  const r = await v.say(text);
  expect(r.body.handoff).toBe(true);
  await app.services.router.kick();
  return r.body.conversationId as string;
}

export async function myChats(app: TestApp, agent: TestAgent): Promise<any[]> {
  const r = await call(app, 'GET', '/api/workspace/chats', { token: agent.token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.chats;
}

export async function agentRow(app: TestApp, id: string) {
  const a = await app.services.routingStore.agent(id);
  expect(a).toBeDefined();
  return a!;
}

export interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/** An EventSource-like reader over fetch: collects events, waits for one matching a predicate. */
export async function openStream(app: TestApp, token: string) {
  const abort = new AbortController();
  const r = await fetch(`${app.url}/api/workspace/stream?token=${encodeURIComponent(token)}`, {
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let closed = false;
  const done = (async () => {
    if (!r.ok || !r.body) return;
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            const m = /^(\w+): ?(.*)$/.exec(line);
            if (m) fields[m[1]!] = m[2]!;
          }
          if (!fields.data) continue;
          events.push({
            event: fields.event ?? 'message',
            ...(fields.id ? { id: fields.id } : {}),
            data: JSON.parse(fields.data),
          });
          for (const w of waiters) w();
        }
      }
    } catch {
      // aborted
    } finally {
      closed = true;
      for (const w of waiters) w();
    }
  })();

  return {
    status: r.status,
    events,
    /** Messages (not hello) received so far. */
    messages: () => events.filter((e) => e.event === 'message').map((e) => e.data),
    async waitFor(predicate: (e: SseEvent) => boolean, timeoutMs = 5000): Promise<SseEvent> {
      const found = () => events.find(predicate);
      const deadline = Date.now() + timeoutMs;
      while (!found()) {
        if (closed) throw new Error(`stream closed before the event came; got ${JSON.stringify(events)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no such event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          const w = () => {
            clearTimeout(t);
            waiters.delete(w);
            resolve();
          };
          const t = setTimeout(w, left);
          waiters.add(w);
        });
      }
      return found()!;
    },
    get closed() {
      return closed;
    },
    async close() {
      abort.abort();
      await done;
    },
    done,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Changes the live routing rules the way the running app would see them: through the live
 * configuration's publish (a new version).
 */
export async function changeRouting(app: TestApp, change: (routing: RoutingConfig) => void): Promise<void> {
  const services = app.services;
  const routing = structuredClone(services.routingConfig.get());
  change(routing);
  const { current } = services.config;
  const r = await services.config.publish(
    { ...current.document, routing },
    current.version,
    'test',
    'routing change for a test',
  );
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  expect(services.routingConfig.get()).toEqual(routing);
}
