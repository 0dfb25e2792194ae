import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env';
import { buildServices, type Services } from '../../src/services';
import { createLogger } from '../../src/shared/log';
import { FIXTURE_PACK } from '../support/app';
import { freshStorage } from '../support/storage';

// Two server instances (separate connection pools, separate routers) on one PostgreSQL schema.
describe.runIf(Boolean(process.env.DATABASE_URL))('two instances on one PostgreSQL database', () => {
  const storage = freshStorage('postgres');
  let a: Services;
  let b: Services;
  const open = () =>
    buildServices({
      env: readEnv({
        ...FIXTURE_PACK,
        DATA_DIR: storage.dataDir,
        DATABASE_URL: storage.url,
        SECRET_KEY: 'test-secret-key-0123456789',
        ADMIN_PASSWORD: 'admin-password',
      }),
      log: createLogger('silent'),
      pgSchema: storage.schema!,
    });
  beforeAll(async () => {
    a = await open();
    b = await open();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await storage.cleanup();
  });

  it('never exceeds a cap and never gives one chat to two agents under concurrent hand-offs', async () => {
    const caps = [1, 2, 3, 1, 2];
    const agents = [];
    for (const [i, cap] of caps.entries()) {
      const agent = await a.agents.create({
        login: `agent-${i}`,
        name: `Agent ${i}`,
        password: 'password-123',
        level: i % 2 ? 'senior' : 'regular',
        cap,
      });
      await (i % 2 ? a : b).router.setStatus(agent.id, 'online');
      agents.push(agent);
    }
    const total = caps.reduce((x, y) => x + y, 0);
    // 60 customers ask for a person at once, half through each instance; both routers run meanwhile.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b)
          .handleMessage({ channel: 'api', customerId: `c${i}`, text: '人工' })
          .then(() => (i % 3 ? a : b).router.kick()),
      ),
    );
    await Promise.all([a.router.kick(), b.router.kick(), a.router.kick(), b.router.kick()]);

    const db = a.database.db;
    const chats = await db.selectFrom('conversations').selectAll().execute();
    const assigned = chats.filter((c) => c.status === 'assigned');
    expect(assigned.length).toBe(total);
    expect(chats.filter((c) => c.status === 'waiting').length).toBe(60 - total);
    const perAgent = new Map<string, number>();
    for (const c of assigned) perAgent.set(c.agent_id!, (perAgent.get(c.agent_id!) ?? 0) + 1);
    const rows = await db.selectFrom('agents').selectAll().where('login', 'like', 'agent-%').execute();
    for (const r of rows) {
      expect(perAgent.get(r.id) ?? 0).toBeLessThanOrEqual(r.cap);
      expect(r.active_count).toBe(perAgent.get(r.id) ?? 0);
    }
    // One assignment event per chat: no chat was claimed twice.
    const events = await db
      .selectFrom('events')
      .select(['conversation_id'])
      .where('type', '=', 'conversation.assigned')
      .execute();
    expect(events.length).toBe(total);
    expect(new Set(events.map((e) => e.conversation_id)).size).toBe(total);

    // A live message published on one instance reaches listeners on the other.
    const heard = new Promise((resolve) =>
      b.hub.subscribeAll((m) => m.type === 'ping.test' && resolve(m.text)),
    );
    a.hub.publish({
      id: 'p1',
      conversationId: '',
      customerKey: '',
      type: 'ping.test',
      actor: 'system',
      text: 'from a',
      at: Date.now(),
    });
    expect(await heard).toBe('from a');

    // Both instances flag the same overdue chats at once: each flag happens exactly once.
    const later = Date.now() + 400_000;
    const due = await a.routingStore.due(later);
    await Promise.all(
      due.overdue.flatMap((c) => [
        a.routingStore.markOverdue(c, later),
        b.routingStore.markOverdue(c, later),
      ]),
    );
    const flags = await db
      .selectFrom('events')
      .select('conversation_id')
      .where('type', '=', 'conversation.overdue')
      .execute();
    expect(flags.length).toBe(total);
    expect(new Set(flags.map((f) => f.conversation_id)).size).toBe(total);
  });
});
