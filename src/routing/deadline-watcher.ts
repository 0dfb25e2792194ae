import type { LiveHub } from '../live/hub';
import type { Logger } from '../shared/log';
import { LEVEL_ORDER, levelIds, tierById } from './routing-config';
import { pickAgent } from './pick-agent';
import type { Router } from './router';
import { type ConversationRow, type RoutingStore, toAgentView } from './routing-store';
import { postAlert } from '../shared/alert-webhook';

export interface WatcherDeps {
  store: RoutingStore;
  router: Router;
  hub: LiveHub;
  clock: () => number;
  log: Logger;
  /** Optional URL that receives a JSON POST for every overdue chat and auto-away. */
  alertWebhook?: string | undefined;
}

/** How often to look even without a known deadline: other processes set deadlines too. */
const POLL_MS = 1000;
const RECOUNT_MS = 60_000;
const RETRY_TRANSFER_MS = 30_000;

/**
 * Watches per-conversation deadlines: overdue (flag, tell supervisors, maybe set the agent away),
 * transfer (hand the chat to another agent, climbing the levels, up to N hops) and on-hold (free the
 * slot). A timer is armed for the earliest deadline and a one-second poll covers deadlines set by
 * other processes; every change is a conditional update, so all processes may watch at once.
 */
export class DeadlineWatcher {
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private recount: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly deps: WatcherDeps) {}

  start(): void {
    this.poll = setInterval(() => void this.tick(), POLL_MS);
    this.recount = setInterval(() => void this.heal(), RECOUNT_MS);
    this.poll.unref();
    this.recount.unref();
    void this.tick();
  }

  stop(): void {
    clearInterval(this.poll);
    clearInterval(this.recount);
    clearTimeout(this.timer);
  }

  /** A deadline was just set at `at`: fire then, not at the next poll. */
  schedule(at: number | null): void {
    if (at === null || at >= this.armedFor) return;
    clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(
      () => {
        this.armedFor = Number.POSITIVE_INFINITY;
        void this.tick();
      },
      Math.max(0, at - this.deps.clock()),
    );
    this.timer.unref();
  }

  /** Handle everything due now. Single-flight: a tick during a tick waits for it. */
  tick(): Promise<void> {
    this.busy ??= this.run().finally(() => {
      this.busy = undefined;
    });
    return this.busy;
  }

  async heal(): Promise<number> {
    const drifted = await this.deps.store.recount();
    if (drifted) this.deps.log.warn('agent chat counters healed', { drifted });
    await this.deps.router.kick();
    return drifted;
  }

  private async run(): Promise<void> {
    const { store, clock } = this.deps;
    try {
      const now = clock();
      const due = await store.due(now);
      for (const chat of due.overdue) await this.overdue(chat, now);
      for (const chat of due.transfer) await this.transfer(chat, now);
      let freed = false;
      for (const chat of due.hold) freed = (await store.hold(chat, now)) || freed;
      if (freed || due.transfer.length) await this.deps.router.kick();
      this.schedule(await store.nextDeadline());
    } catch (e) {
      this.deps.log.error('deadline watch failed', { err: String(e) });
    }
  }

  private async overdue(chat: ConversationRow, now: number): Promise<void> {
    const { store, router } = this.deps;
    const inRow = await store.markOverdue(chat, now);
    if (inRow === undefined) return; // another process flagged it first
    void this.alert({
      type: 'conversation.overdue',
      conversationId: chat.id,
      agentId: chat.agent_id,
      tier: chat.tier,
      at: now,
    });
    const limit = router.config.awayAfterOverdueInRow;
    if (limit > 0 && inRow >= limit && chat.agent_id) {
      await store.setStatus(chat.agent_id, 'away', now);
      await store.logEvent(chat, 'agent.auto_away', now, chat.agent_id, { overdueInRow: inRow });
      void this.alert({ type: 'agent.auto_away', agentId: chat.agent_id, overdueInRow: inRow, at: now });
    }
  }

  private async transfer(chat: ConversationRow, now: number): Promise<void> {
    const { store, router } = this.deps;
    const config = router.config;
    if (!chat.agent_id || chat.hops >= config.maxTransferHops) {
      await store.postponeTransfer(chat.id, null);
      return;
    }
    const agents = (await store.agents()).map(toAgentView);
    const current = agents.find((a) => a.id === chat.agent_id);
    const excluded = [...(JSON.parse(chat.excluded_agents ?? '[]') as string[]), chat.agent_id];
    const tier = tierById(config, chat.tier).id;
    const group = chat.grp && config.groups[chat.grp] ? chat.grp : config.defaultGroup;
    // Climb: first someone more experienced than the current agent, else an equal.
    const above = current ? levelIds.find((l) => LEVEL_ORDER[l] > LEVEL_ORDER[current.level]) : undefined;
    let decision = above ? pickAgent({ tier, group, excluded, minLevel: above }, agents, config) : undefined;
    if (!decision?.agentId)
      decision = pickAgent(
        { tier, group, excluded, ...(current ? { minLevel: current.level } : {}) },
        agents,
        config,
      );
    if (!decision.agentId) {
      await store.postponeTransfer(chat.id, now + RETRY_TRANSFER_MS);
      return;
    }
    const since = chat.awaiting_since ?? now;
    const due = router.deadlines(tier, now);
    await store.transfer(chat, chat.agent_id, decision.agentId, now, due, {
      kind: 'auto',
      excludeOld: true,
      explanation: { ...decision, awaitingSince: since },
    });
  }

  private alert(body: Record<string, unknown>): Promise<void> {
    return postAlert(this.deps.alertWebhook, body, this.deps.log);
  }
}
