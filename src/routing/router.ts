import type { LiveHub } from '../live/hub';
import type { Logger } from '../shared/log';
import type { AgentStatus } from '../store/tables';
import { type AgentView, type ChatView, type Decision, pickAgent } from './pick-agent';
import { type RoutingConfig, tierById } from './routing-config';
import {
  type ConversationRow,
  type Deadlines,
  QUEUE_COUNT_CAP,
  type RoutingStore,
  toAgentView,
} from './routing-store';

export interface RouterDeps {
  store: RoutingStore;
  hub: LiveHub;
  config: () => RoutingConfig;
  clock: () => number;
  log: Logger;
  /** Tells a customer something (queue position, who serves them) through their channel. */
  notifyCustomer: (
    chat: ConversationRow,
    template: string,
    values: Record<string, string | number>,
  ) => Promise<void>;
}

const QUEUE_BATCH = 500;
/** Agent-level events belong to no conversation. */
const NO_CHAT = { id: '', customer_key: '', channel: '' };
/** Rough minutes one chat holds a slot, for the customer's wait estimate (15–20 chats per agent-hour). */
const HANDLE_MINUTES = 3.5;

const EXPLAINED = 25;

/**
 * The explanation kept with an assignment: the first candidates in full, the rest counted by
 * reason, so a shop with a thousand agents does not write a thousand entries per chat.
 */
function explain(d: Decision) {
  const passed: Record<string, number> = {};
  for (const c of d.considered) passed[c.verdict] = (passed[c.verdict] ?? 0) + 1;
  return {
    ...d,
    considered: d.considered.slice(0, EXPLAINED),
    candidates: d.considered.length,
    byVerdict: passed,
  };
}

/**
 * Puts waiting chats in front of agents. Runs are single-flight per process and coalesced: any
 * number of kicks during a run cause one more run. Several processes may run at once; the store's
 * atomic claim decides who wins each chat.
 */
export class Router {
  private running = false;
  private again = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly deps: RouterDeps) {}

  get config(): RoutingConfig {
    return this.deps.config();
  }

  queueKey(tier: string, at: number): number {
    return at - tierById(this.config, tier).queueBoostSeconds * 1000;
  }

  deadlines(tier: string, since: number): Deadlines {
    const t = tierById(this.config, tier);
    return {
      overdueAt: since + t.overdueAfterSeconds * 1000,
      transferAt: since + t.transferAfterSeconds * 1000,
    };
  }

  /**
   * Place in the queue and a rough wait, for the hand-off message (the chat is not stored yet).
   * Past the counting cap both read as lower bounds ("500+").
   */
  async estimate(
    queueKey: number,
  ): Promise<{ queuePosition: number | string; waitMinutes: number | string }> {
    const [ahead, agents] = await Promise.all([
      this.deps.store.queuePosition(queueKey, '\uffff'),
      this.deps.store.agents(),
    ]);
    const slots = agents.filter((a) => a.status === 'online' && !a.test).reduce((n, a) => n + a.cap, 0);
    const free = agents
      .filter((a) => a.status === 'online' && !a.test)
      .reduce((n, a) => n + Math.max(0, a.cap - a.active_count), 0);
    const queuePosition = ahead; // queuePosition counts those ahead + 1: exactly our place
    const waitMinutes =
      free >= queuePosition ? 0 : Math.ceil(((queuePosition - free) * HANDLE_MINUTES) / Math.max(1, slots));
    if (queuePosition > QUEUE_COUNT_CAP)
      return { queuePosition: `${QUEUE_COUNT_CAP}+`, waitMinutes: `${waitMinutes}+` };
    return { queuePosition, waitMinutes };
  }

  /** Ask for a run; returns when the run it caused (or joined) has finished. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.idle;
    }
    this.running = true;
    this.idle = (async () => {
      try {
        do {
          this.again = false;
          await this.runOnce();
        } while (this.again);
      } catch (e) {
        this.deps.log.error('routing run failed', { err: String(e) });
      } finally {
        this.running = false;
      }
    })();
    return this.idle;
  }

  /** Assign as many queued chats as capacity allows, in queue order. Returns the number assigned. */
  async runOnce(): Promise<number> {
    const { store, clock } = this.deps;
    const config = this.config;
    // Agents first: with no free slot anywhere (the common case under load) the queue is not read.
    const agents: AgentView[] = (await store.agents()).map(toAgentView);
    if (!agents.some((a) => a.status === 'online' && !a.test && a.active < a.cap)) return 0;
    const queue = await store.queue(QUEUE_BATCH);
    let assigned = 0;
    for (const chat of queue) {
      if (!agents.some((a) => a.status === 'online' && !a.test && a.active < a.cap)) break;
      const view: ChatView = {
        tier: tierById(config, chat.tier).id,
        group: chat.grp && config.groups[chat.grp] ? chat.grp : config.defaultGroup,
        excluded: JSON.parse(chat.excluded_agents ?? '[]') as string[],
        lastAgentId: await store.lastAgentOf(chat.customer_key),
      };
      // Another process may take the agent's last slot between our read and our claim: try the next.
      for (let attempt = 0; attempt < 3; attempt++) {
        const decision = pickAgent(view, agents, config);
        if (!decision.agentId) break;
        const now = clock();
        const due = this.deadlines(view.tier, now);
        const ok = await store.claim(chat, decision.agentId, now, due, {
          ...explain(decision),
          queuedAt: chat.queued_at,
          waitedMs: chat.queued_at ? now - chat.queued_at : null,
        });
        const agent = agents.find((a) => a.id === decision.agentId)!;
        if (ok) {
          agent.active++;
          agent.lastAssignedAt = now;
          assigned++;
          await this.deps.notifyCustomer(chat, 'assigned', { agent: agent.name }).catch(() => {});
          break;
        }
        const fresh = await store.agent(agent.id);
        if (fresh) Object.assign(agent, toAgentView(fresh));
        else agent.status = 'offline';
      }
    }
    return assigned;
  }

  /**
   * Status changes. Going offline or invisible hands the agent's chats back to the queue head;
   * coming online may take chats from the queue at once.
   */
  async setStatus(agentId: string, status: AgentStatus): Promise<void> {
    const { store, clock } = this.deps;
    const now = clock();
    await store.setStatus(agentId, status, now);
    if (status === 'offline' || status === 'invisible') {
      for (const chat of await store.agentChats(agentId)) await store.requeue(chat, now, `agent ${status}`);
    }
    // Logged (time online in reports) and, through the store, pushed to live views.
    await store.logEvent(NO_CHAT, 'agent.status', now, agentId, { status }, status);
    await this.kick();
  }
}
