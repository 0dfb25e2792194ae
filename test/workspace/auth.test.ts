import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';
import { ADMIN_PASSWORD, agentRow, call, createAgent, handOff, login, PASSWORD, visitor } from './helpers';

const MORNING = Date.parse('2026-11-23T10:00:00+08:00');

describe.each(storageKinds())('workspace auth and agent admin on %s', (kind) => {
  let app: TestApp;
  let now = MORNING;
  let admin: string;
  beforeEach(async () => {
    now = MORNING;
    app = await startTestApp(kind, { ADMIN_PASSWORD }, { clock: () => now });
    admin = await login(app, 'admin', ADMIN_PASSWORD);
  });
  afterEach(async () => app.close());

  it('logs in with the right password; refuses a wrong password and an unknown login alike', async () => {
    const ok = await call(app, 'POST', '/api/auth/login', {
      body: { login: 'admin', password: ADMIN_PASSWORD },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.token).toMatch(/^[\w-]{40,}$/);
    expect(ok.body.agent).toMatchObject({ login: 'admin', role: 'admin' });
    expect(JSON.stringify(ok.body)).not.toMatch(/password|scrypt/);

    const wrong = await call(app, 'POST', '/api/auth/login', {
      body: { login: 'admin', password: 'not-the-password' },
    });
    const unknown = await call(app, 'POST', '/api/auth/login', {
      body: { login: 'nobody', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.token).toBeUndefined();
  });

  it('refuses a login after 5 wrong passwords in 15 minutes, the right one too, until the window passes', async () => {
    const lin = await createAgent(app, admin, { login: 'lin' });
    const attempt = (password: string, loginName = 'lin') =>
      call(app, 'POST', '/api/auth/login', { body: { login: loginName, password } });
    for (let i = 0; i < 5; i++) {
      expect((await attempt(`wrong-${i}-password`)).status).toBe(401);
      now += 60_000;
    }
    const refused = await attempt(PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_attempts');
    // The first failure was at +0 min, now is +5 min: the window of 15 min frees it in 10 min.
    expect(refused.headers.get('retry-after')).toBe('600');
    // Another login from the same address is not locked (20 failures per address would be).
    expect((await attempt(ADMIN_PASSWORD, 'admin')).status).toBe(200);
    now += 10 * 60_000 + 1;
    const back = await attempt(PASSWORD);
    expect(back.status).toBe(200);
    expect(back.body.agent.id).toBe(lin.id);
  });

  it('ends the sessions of an agent whose password an admin changed', async () => {
    const lin = await createAgent(app, admin, { login: 'lin' });
    expect((await call(app, 'GET', '/api/me', { token: lin.token })).status).toBe(200);
    const changed = await call(app, 'PATCH', `/api/agents/${lin.id}`, {
      token: admin,
      body: { password: 'a-new-password-456' },
    });
    expect(changed.status).toBe(200);
    expect((await call(app, 'GET', '/api/me', { token: lin.token })).status).toBe(401);
    expect((await call(app, 'GET', '/api/me', { token: admin })).status).toBe(200);
    expect(await login(app, 'lin', 'a-new-password-456')).toMatch(/^[\w-]{40,}$/);
  });

  it('validates the login body, naming the fields', async () => {
    const missing = await call(app, 'POST', '/api/auth/login', { body: { login: 'admin' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields.map((f: any) => f.path)).toEqual(['password']);
    const extra = await call(app, 'POST', '/api/auth/login', {
      body: { login: 'admin', password: ADMIN_PASSWORD, remember: true },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain('remember');
  });

  it('/api/me needs a valid bearer token; logout ends the session', async () => {
    expect((await call(app, 'GET', '/api/me')).status).toBe(401);
    expect((await call(app, 'GET', '/api/me', { token: 'made-up-token' })).status).toBe(401);
    const me = await call(app, 'GET', '/api/me', { token: admin });
    expect(me.status).toBe(200);
    expect(me.body.agent).toMatchObject({ login: 'admin', role: 'admin' });
    expect(me.body.statuses).toEqual(['online', 'away', 'invisible', 'offline']);
    expect(me.body.groups).toContain('general');

    expect((await call(app, 'POST', '/api/auth/logout', { token: admin })).status).toBe(200);
    expect((await call(app, 'GET', '/api/me', { token: admin })).status).toBe(401);
    expect((await call(app, 'POST', '/api/auth/logout', { token: admin })).status).toBe(401);
  });

  it('sessions expire after 12 hours', async () => {
    const a = await createAgent(app, admin, { login: 'lin' });
    now += 12 * 3600_000 + 1;
    expect((await call(app, 'GET', '/api/me', { token: a.token })).status).toBe(401);
  });

  it('anonymous callers get 401 and agents 403 on supervisor endpoints', async () => {
    const agent = await createAgent(app, admin, { login: 'lin' });
    const someone = await createAgent(app, admin, { login: 'wei' });
    const supervisorOnly: [string, string, unknown?][] = [
      ['GET', '/api/supervisor/overview'],
      ['GET', '/api/agents'],
      ['POST', '/api/agents', { login: 'x1', name: 'X', password: PASSWORD }],
      ['PATCH', `/api/agents/${someone.id}`, { cap: 1 }],
      ['PUT', `/api/agents/${someone.id}/status`, { status: 'online' }],
      ['GET', '/api/workspace/chats/whatever/explain'],
    ];
    const everyone: [string, string, unknown?][] = [
      ['GET', '/api/workspace/chats'],
      ['GET', '/api/workspace/chats/whatever/messages'],
      ['POST', '/api/workspace/chats/whatever/reply', { text: 'hi' }],
      ['POST', '/api/workspace/chats/whatever/close', {}],
      ['POST', '/api/workspace/chats/whatever/transfer', { group: 'general' }],
      ['GET', '/api/workspace/chats/whatever/suggestions'],
      ['PUT', '/api/workspace/status', { status: 'online' }],
      ['GET', '/api/workspace/stream'],
      ['GET', '/api/workspace/directory'],
    ];
    for (const [method, path, body] of [...supervisorOnly, ...everyone]) {
      const r = await call(app, method, path, body === undefined ? {} : { body });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.error.code, `${method} ${path}`).toBe('unauthenticated');
    }
    for (const [method, path, body] of supervisorOnly) {
      const r = await call(app, method, path, {
        token: agent.token,
        ...(body === undefined ? {} : { body }),
      });
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    // Nothing the agent tried changed anything.
    expect(await agentRow(app, someone.id)).toMatchObject({ cap: 5, status: 'offline' });
    expect((await call(app, 'GET', '/api/agents', { token: admin })).body.agents).toHaveLength(3);
  });

  it('an agent sees only their own chats; supervisors see any', async () => {
    const lin = await createAgent(app, admin, { login: 'lin' });
    const wei = await createAgent(app, admin, { login: 'wei' });
    const boss = await createAgent(app, admin, { login: 'boss', role: 'supervisor', level: 'supervisor' });
    await call(app, 'PUT', '/api/workspace/status', { token: lin.token, body: { status: 'online' } });
    const conversationId = await handOff(app, await visitor(app));
    expect((await agentRow(app, lin.id)).active_count).toBe(1);

    const own = await call(app, 'GET', `/api/workspace/chats/${conversationId}/messages`, {
      token: lin.token,
    });
    expect(own.status).toBe(200);
    const other = await call(app, 'GET', `/api/workspace/chats/${conversationId}/messages`, {
      token: wei.token,
    });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('not_your_chat');
    expect(
      (await call(app, 'GET', `/api/workspace/chats/${conversationId}/suggestions`, { token: wei.token }))
        .status,
    ).toBe(403);
    const sup = await call(app, 'GET', `/api/workspace/chats/${conversationId}/messages`, {
      token: boss.token,
    });
    expect(sup.status).toBe(200);
    expect(sup.body.messages.map((m: any) => m.id)).toEqual(own.body.messages.map((m: any) => m.id));
    expect(
      (await call(app, 'GET', '/api/workspace/chats/no-such-chat/messages', { token: boss.token })).status,
    ).toBe(404);
  });

  it('creates agents with validation: unknown group, cap below 0, bad level, taken login', async () => {
    const created = await call(app, 'POST', '/api/agents', {
      token: admin,
      body: { login: 'lin', name: '林', password: PASSWORD, level: 'senior', groups: ['general'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.agent).toMatchObject({
      login: 'lin',
      name: '林',
      level: 'senior',
      cap: 10,
      groups: ['general'],
      status: 'offline',
    });
    expect(JSON.stringify(created.body)).not.toContain('password');

    const cases: [Record<string, unknown>, number, string][] = [
      [{ login: 'a1', name: 'A', password: PASSWORD, groups: ['nope'] }, 400, 'groups'],
      [{ login: 'a2', name: 'A', password: PASSWORD, cap: -1 }, 400, 'cap'],
      [{ login: 'a3', name: 'A', password: PASSWORD, level: 'wizard' }, 400, 'level'],
      [{ login: 'a4', name: 'A', password: 'short' }, 400, 'password'],
      [{ login: 'lin', name: 'Again', password: PASSWORD }, 409, 'login'],
    ];
    for (const [body, status, field] of cases) {
      const r = await call(app, 'POST', '/api/agents', { token: admin, body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(
        r.body.error.fields.map((f: any) => f.path),
        JSON.stringify(body),
      ).toContain(field);
    }
    const list = await call(app, 'GET', '/api/agents', { token: admin });
    expect(list.body.agents.map((a: any) => a.login).sort()).toEqual(['admin', 'lin']);
  });

  it('patches agents; refusals leave them unchanged; supervisors cannot make admins', async () => {
    const lin = await createAgent(app, admin, { login: 'lin' });
    const patched = await call(app, 'PATCH', `/api/agents/${lin.id}`, {
      token: admin,
      body: { cap: 2, level: 'regular', groups: ['general'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.agent).toMatchObject({ cap: 2, level: 'regular', groups: ['general'] });

    for (const [body, field] of [
      [{ cap: -3 }, 'cap'],
      [{ groups: ['ghosts'] }, 'groups'],
      [{ status: 'online' }, 'body'],
    ] as const) {
      const r = await call(app, 'PATCH', `/api/agents/${lin.id}`, { token: admin, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.fields.map((f: any) => f.path)).toContain(field);
    }
    expect(await agentRow(app, lin.id)).toMatchObject({
      cap: 2,
      level: 'regular',
      groups: '["general"]',
      status: 'offline',
    });
    expect((await call(app, 'PATCH', '/api/agents/nobody', { token: admin, body: { cap: 1 } })).status).toBe(
      404,
    );

    const boss = await createAgent(app, admin, { login: 'boss', role: 'supervisor', level: 'supervisor' });
    const promote = await call(app, 'PATCH', `/api/agents/${lin.id}`, {
      token: boss.token,
      body: { role: 'admin' },
    });
    expect(promote.status).toBe(403);
    const makeAdmin = await call(app, 'POST', '/api/agents', {
      token: boss.token,
      body: { login: 'evil', name: 'E', password: PASSWORD, role: 'admin' },
    });
    expect(makeAdmin.status).toBe(403);
    expect((await agentRow(app, lin.id)).role).toBe('agent');
    const ok = await call(app, 'PATCH', `/api/agents/${lin.id}`, { token: boss.token, body: { cap: 3 } });
    expect(ok.body.agent.cap).toBe(3);
    // An admin account is out of a supervisor's reach, and the last admin stays an admin.
    const adminId = (await app.services.routingStore.agentByLogin('admin'))!.id;
    expect(
      (await call(app, 'PATCH', `/api/agents/${adminId}`, { token: boss.token, body: { cap: 3 } })).status,
    ).toBe(403);
    const demote = await call(app, 'PATCH', `/api/agents/${adminId}`, {
      token: admin,
      body: { role: 'supervisor' },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.error.fields[0].path).toBe('role');
    expect((await agentRow(app, adminId)).role).toBe('admin');
  });

  it('status must be one of the four; forced status on an unknown agent is 404', async () => {
    const lin = await createAgent(app, admin, { login: 'lin' });
    const bad = await call(app, 'PUT', '/api/workspace/status', {
      token: lin.token,
      body: { status: 'busy' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('status');
    expect((await agentRow(app, lin.id)).status).toBe('offline');
    const unknown = await call(app, 'PUT', '/api/agents/nobody/status', {
      token: admin,
      body: { status: 'online' },
    });
    expect(unknown.status).toBe(404);
    const forced = await call(app, 'PUT', `/api/agents/${lin.id}/status`, {
      token: admin,
      body: { status: 'away' },
    });
    expect(forced.status).toBe(200);
    expect(forced.body.agent.status).toBe('away');
    expect((await agentRow(app, lin.id)).status).toBe('away');
  });

  it('unknown tier filter is a 400 naming tier', async () => {
    const r = await call(app, 'GET', '/api/supervisor/overview?tier=vip-gold', { token: admin });
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0].path).toBe('tier');
    expect(
      (await call(app, 'GET', '/api/supervisor/overview?tier=urgent', { token: admin })).body.queue.tiers.map(
        (t: any) => t.id,
      ),
    ).toEqual(['urgent']);
  });
});
