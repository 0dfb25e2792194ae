import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConversationChange, ConversationStore } from '../../src/store/conversation-store';
import { openDatabase } from '../../src/store/database';
import { newConversation, newCustomer } from '../../src/store/rows';
import { freshStorage, storageKinds } from '../support/storage';

function change(customer: string, i: number, at: number): ConversationChange {
  const key = `api:${customer}`;
  const conversationId = `conv-${customer}`;
  return {
    customer: {
      ...newCustomer(key, 'api', customer, at),
      locale: 'zh',
      greeted_day: '2026-11-23',
      conversation_id: conversationId,
    },
    conversation: {
      ...newConversation(conversationId, key, 'api', at),
      last_message_at: at + i,
      last_customer_at: at + i,
      reply_turn: i,
    },
    events: [
      {
        id: `${customer}-${i}`,
        conversation_id: conversationId,
        customer_key: key,
        channel: 'api',
        type: 'message.received',
        actor: 'customer',
        agent_id: null,
        at: at + i,
        platform_at: null,
        intent: null,
        text: `m${i}`,
        data: null,
      },
    ],
  };
}

describe.each(storageKinds())('conversation store on %s', (kind) => {
  let storage: ReturnType<typeof freshStorage>;
  beforeEach(() => {
    storage = freshStorage(kind);
  });
  const open = () =>
    openDatabase({
      dataDir: storage.dataDir,
      ...(storage.url ? { url: storage.url } : {}),
      ...(storage.schema ? { schema: storage.schema } : {}),
    });
  afterEach(async () => storage.cleanup());

  it('commits concurrent changes together, keeps the last state, and survives a restart', async () => {
    const db = await open();
    const store = new ConversationStore(db);
    const t = Date.parse('2026-11-23T02:00:00Z');
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.commit(change(`c${i % 30}`, i, t))));
    // A retried event id (channel redelivery) is stored once.
    await store.commit(change('c0', 0, t));
    await db.close();

    const again = await open();
    const reopened = new ConversationStore(again);
    const { customer, conversation } = await reopened.load('api:c7');
    expect(customer?.conversation_id).toBe('conv-c7');
    expect(conversation?.reply_turn).toBe(277); // the last of c7's ten changes (7, 37, …, 277)
    const history = await reopened.history('conv-c7');
    expect(history.map((e) => e.text)).toEqual(Array.from({ length: 10 }, (_, k) => `m${7 + 30 * k}`));
    expect(typeof history[0]!.at).toBe('number');
    const n = await again.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(300);
    await again.close();
  });

  it('fails every waiting caller of a batch that cannot commit, and keeps serving the next', async () => {
    const db = await open();
    const store = new ConversationStore(db);
    const bad = change('x', 1, Date.now());
    (bad.events[0] as { conversation_id: unknown }).conversation_id = null; // violates NOT NULL
    const results = await Promise.allSettled([store.commit(bad), store.commit(change('y', 1, Date.now()))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(store.commit(change('z', 1, Date.now()))).resolves.toBeUndefined();
    expect((await store.load('api:z')).conversation?.id).toBe('conv-z');
    expect((await store.load('api:y')).customer).toBeUndefined();
    await db.close();
  });
});
