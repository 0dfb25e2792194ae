import type { AgentRow, ConversationRow, RoutingStore } from '../routing/routing-store';
import { publicAgent } from '../routing/agent-directory';
import type { Considered } from '../routing/pick-agent';
import { type RoutingConfig, tierById } from '../routing/routing-config';

/** Why a candidate did not get the chat, in words (the page translates the verdict codes itself). */
export const VERDICT_TEXT: Record<Considered['verdict'], string> = {
  chosen: 'got the chat',
  next: 'next in line',
  eligible: 'eligible, further down the order',
  'test-agent': 'test agent: receives no real chats',
  away: 'away',
  invisible: 'invisible',
  offline: 'offline',
  'not-in-group': 'not in the chat’s group',
  'outside-tier-window': 'their level does not take this tier',
  'let-it-go-overdue': 'let this chat go overdue before',
  'below-level': 'less experienced than the transfer required',
  'cap-zero': 'cap 0: receives no chats',
  'at-cap': 'at their cap',
};

const QUEUE_LIMIT = 500;
const OPEN_LIMIT = 2000;

function groupOf(config: RoutingConfig, chat: ConversationRow): string {
  return chat.grp && config.groups[chat.grp] ? chat.grp : config.defaultGroup;
}

/** What a supervisor watches: the queue by tier, every agent's status and load, overdue chats. */
export async function overview(store: RoutingStore, config: RoutingConfig, now: number, onlyTier?: string) {
  const [queue, agents, open] = await Promise.all([
    store.queue(QUEUE_LIMIT),
    store.agents(),
    store.database.db
      .selectFrom('conversations')
      .selectAll()
      .where('status', '=', 'assigned')
      .orderBy('assigned_at')
      .limit(OPEN_LIMIT)
      .execute(),
  ]);
  const names = new Map(agents.map((a) => [a.id, a.name]));
  const keys = [...new Set([...queue, ...open].map((c) => c.customer_key))];
  const customers = new Map<string, string | null>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await store.database.db
      .selectFrom('customers')
      .select(['key', 'name'])
      .where('key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const r of rows) customers.set(r.key, r.name);
  }

  const tiers = [...config.tiers]
    .sort((a, b) => b.rank - a.rank)
    .filter((t) => !onlyTier || t.id === onlyTier)
    .map((t) => {
      const chats = queue
        .filter((c) => tierById(config, c.tier).id === t.id)
        .map((c) => ({
          id: c.id,
          customerKey: c.customer_key,
          customerName: customers.get(c.customer_key) ?? null,
          channel: c.channel,
          group: groupOf(config, c),
          intent: c.intent,
          queuedAt: c.queued_at,
          waitingMs: c.queued_at === null ? 0 : Math.max(0, now - c.queued_at),
        }));
      return {
        id: t.id,
        rank: t.rank,
        count: chats.length,
        oldestWaitMs: chats.reduce((m, c) => Math.max(m, c.waitingMs), 0),
        chats,
      };
    });

  const openView = open.map((c) => ({
    id: c.id,
    customerKey: c.customer_key,
    customerName: customers.get(c.customer_key) ?? null,
    channel: c.channel,
    agentId: c.agent_id,
    agentName: c.agent_id ? (names.get(c.agent_id) ?? null) : null,
    tier: tierById(config, c.tier).id,
    group: groupOf(config, c),
    overdue: c.overdue === 1,
    onHold: c.on_hold === 1,
    awaitingSince: c.awaiting_since,
    waitingMs: c.awaiting_since === null ? 0 : Math.max(0, now - c.awaiting_since),
    assignedAt: c.assigned_at,
  }));

  return {
    now,
    queue: { total: tiers.reduce((n, t) => n + t.count, 0), tiers },
    agents: agents.map((a) => {
      const held = openView.filter((c) => c.agentId === a.id);
      return {
        ...publicAgent(a),
        openChats: held.length,
        overdueChats: held.filter((c) => c.overdue).length,
      };
    }),
    overdue: openView.filter((c) => c.overdue),
    chats: openView,
  };
}

interface StoredDecision {
  agentId?: string | null;
  next?: string | null;
  strategy?: string;
  sticky?: boolean;
  considered?: Considered[];
  waitedMs?: number | null;
  queuedAt?: number | null;
  awaitingSince?: number | null;
}

interface StoredTransfer {
  from?: string;
  to?: string;
  kind?: 'auto' | 'manual';
  note?: string | null;
  group?: string;
  excludeOld?: boolean;
  explanation?: StoredDecision;
}

/**
 * The routing story of one chat: every assignment and transfer, with the candidates the router
 * considered, why each was passed over, and who was next in line.
 */
export async function explain(store: RoutingStore, conversationId: string, agents: AgentRow[]) {
  const names = new Map(agents.map((a) => [a.id, a.name]));
  const name = (id: string | null | undefined) => (id ? (names.get(id) ?? null) : null);
  const rows = await store.database.db
    .selectFrom('events')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('type', 'in', [
      'conversation.handoff',
      'conversation.assigned',
      'conversation.transferred',
      'conversation.requeued',
      'conversation.overdue',
      'conversation.closed',
    ])
    .orderBy('seq')
    .execute();

  const decision = (d: StoredDecision | undefined) =>
    d?.considered
      ? {
          strategy: d.strategy ?? null,
          sticky: d.sticky ?? false,
          chosen: d.agentId ?? null,
          chosenName: name(d.agentId),
          next: d.next ?? null,
          nextName: name(d.next),
          considered: d.considered.map((c) => ({ ...c, why: VERDICT_TEXT[c.verdict] ?? c.verdict })),
        }
      : null;

  const steps = rows.map((e) => {
    const data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {};
    const base = { type: e.type, at: Number(e.at), agentId: e.agent_id, agentName: name(e.agent_id) };
    switch (e.type) {
      case 'conversation.assigned': {
        const d = data as StoredDecision;
        return { ...base, kind: 'routing', waitedMs: d.waitedMs ?? null, decision: decision(d) };
      }
      case 'conversation.transferred': {
        const t = data as StoredTransfer;
        return {
          ...base,
          kind: t.group ? 'group' : (t.kind ?? 'manual'),
          from: t.from ?? null,
          fromName: name(t.from),
          group: t.group ?? null,
          note: t.note ?? null,
          decision: decision(t.explanation),
        };
      }
      case 'conversation.requeued':
        return { ...base, reason: typeof data.reason === 'string' ? data.reason : null };
      case 'conversation.handoff':
        return {
          ...base,
          reason: typeof data.reason === 'string' ? data.reason : null,
          tier: data.tier ?? null,
          group: data.group ?? null,
        };
      default:
        return base;
    }
  });
  return { conversationId, steps };
}
