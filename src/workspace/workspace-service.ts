import type { Delivery } from '../channels/delivery';
import type { AgentDirectory } from '../routing/agent-directory';
import type { DeadlineWatcher } from '../routing/deadline-watcher';
import { type RoutingConfig, tierById } from '../routing/routing-config';
import type { Router } from '../routing/router';
import type { RoutingStore } from '../routing/routing-store';
import type { AgentsTable, AgentStatus } from '../store/tables';

/** A refused agent action: HTTP status, stable code, readable reason. */
export class WorkspaceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface WorkspaceDeps {
  store: RoutingStore;
  router: Router;
  watcher: DeadlineWatcher;
  delivery: Delivery;
  directory: AgentDirectory;
  config: () => RoutingConfig;
  clock: () => number;
}

/** What agents and supervisors do with chats; every step keeps routing's invariants. */
export class WorkspaceService {
  constructor(private readonly deps: WorkspaceDeps) {}

  /** The chat, if this agent may act on it (their own; supervisors and admins: any). */
  async chatFor(actor: AgentsTable, conversationId: string) {
    const chat = await this.deps.store.conversation(conversationId);
    if (!chat) throw new WorkspaceError(404, 'not_found', `conversation ${conversationId} does not exist`);
    if (actor.role === 'agent' && chat.agent_id !== actor.id) {
      throw new WorkspaceError(403, 'not_your_chat', 'this conversation is not assigned to you');
    }
    return chat;
  }

  /** My open chats, most urgent first: overdue, then tier, then longest waiting. */
  async myChats(agentId: string) {
    const config = this.deps.config();
    const now = this.deps.clock();
    const chats = await this.deps.store.agentChats(agentId);
    return chats
      .map((c) => ({
        id: c.id,
        customerKey: c.customer_key,
        channel: c.channel,
        tier: tierById(config, c.tier).id,
        tierRank: tierById(config, c.tier).rank,
        intent: c.intent,
        overdue: c.overdue === 1,
        onHold: c.on_hold === 1,
        awaitingSince: c.awaiting_since,
        waitingMs: c.awaiting_since ? now - c.awaiting_since : 0,
        overdueAt: c.overdue_due_at,
        assignedAt: c.assigned_at,
        lastMessageAt: c.last_message_at,
      }))
      .sort(
        (a, b) =>
          Number(b.overdue) - Number(a.overdue) || b.tierRank - a.tierRank || b.waitingMs - a.waitingMs,
      );
  }

  async reply(actor: AgentsTable, conversationId: string, text: string) {
    const chat = await this.chatFor(actor, conversationId);
    if (chat.status !== 'assigned' || chat.agent_id !== actor.id) {
      throw new WorkspaceError(
        409,
        'not_open',
        chat.status === 'closed' ? 'this conversation is closed' : 'reply only to chats assigned to you',
      );
    }
    const now = this.deps.clock();
    const holdAt = now + this.deps.config().onHoldAfterSeconds * 1000;
    const updated = await this.deps.store.database.db
      .updateTable('conversations')
      .set({
        awaiting_since: null,
        overdue_due_at: null,
        transfer_due_at: null,
        overdue: 0,
        last_agent_at: now,
        last_message_at: now,
        hold_due_at: holdAt,
      })
      .where('id', '=', chat.id)
      .where('agent_id', '=', actor.id)
      .where('status', '=', 'assigned')
      .executeTakeFirst();
    if (!Number(updated.numUpdatedRows))
      throw new WorkspaceError(409, 'not_open', 'the conversation changed hands; reload');
    // An answer in time ends an agent's run of overdue chats.
    if (!chat.overdue)
      await this.deps.store.database.db
        .updateTable('agents')
        .set({ overdue_in_row: 0 })
        .where('id', '=', actor.id)
        .execute();
    this.deps.watcher.schedule(holdAt);
    return this.deps.delivery.deliver(
      chat,
      { kind: 'agent', text },
      { type: 'agent.replied', agentId: actor.id, at: now },
    );
  }

  async close(actor: AgentsTable, conversationId: string) {
    const chat = await this.chatFor(actor, conversationId);
    if (chat.status !== 'assigned' || !chat.agent_id)
      throw new WorkspaceError(409, 'not_open', 'only open, assigned chats can be closed');
    if (!(await this.deps.store.close(chat, chat.agent_id, this.deps.clock()))) {
      throw new WorkspaceError(409, 'not_open', 'the conversation changed hands; reload');
    }
    await this.deps.router.kick();
  }

  /** Hand a chat to a named agent, or back to the queue of a group, with a note. */
  async transfer(
    actor: AgentsTable,
    conversationId: string,
    to: { agentId?: string; group?: string; note?: string },
  ) {
    const chat = await this.chatFor(actor, conversationId);
    if (chat.status !== 'assigned' || !chat.agent_id)
      throw new WorkspaceError(409, 'not_open', 'only open, assigned chats can be transferred');
    const now = this.deps.clock();
    const config = this.deps.config();
    if (to.agentId) {
      if (to.agentId === chat.agent_id)
        throw new WorkspaceError(400, 'invalid_target', 'cannot transfer a chat to its own agent', 'agentId');
      const target = await this.deps.store.agent(to.agentId);
      if (!target)
        throw new WorkspaceError(404, 'unknown_agent', `agent ${to.agentId} does not exist`, 'agentId');
      if (target.status !== 'online')
        throw new WorkspaceError(409, 'agent_unavailable', `${target.name} is ${target.status}`, 'agentId');
      if (target.test)
        throw new WorkspaceError(409, 'agent_unavailable', `${target.name} is a test agent`, 'agentId');
      if (target.active_count >= target.cap)
        throw new WorkspaceError(
          409,
          'agent_at_cap',
          `${target.name} is at their cap (${target.cap})`,
          'agentId',
        );
      const due = this.deps.router.deadlines(tierById(config, chat.tier).id, now);
      const ok = await this.deps.store.transfer(
        chat,
        chat.agent_id,
        target.id,
        now,
        chat.awaiting_since ? due : { overdueAt: null, transferAt: null },
        {
          kind: 'manual',
          excludeOld: false,
          ...(to.note ? { note: to.note } : {}),
        },
      );
      if (!ok)
        throw new WorkspaceError(409, 'agent_at_cap', `${target.name} has no free slot any more`, 'agentId');
      this.deps.watcher.schedule(due.overdueAt);
      return { to: target.id };
    }
    if (to.group) {
      if (!config.groups[to.group])
        throw new WorkspaceError(404, 'unknown_group', `group "${to.group}" does not exist`, 'group');
      await this.deps.store.database.db
        .updateTable('conversations')
        .set({ grp: to.group })
        .where('id', '=', chat.id)
        .execute();
      if (
        !(await this.deps.store.requeue({ ...chat, grp: to.group }, now, `transfer to group ${to.group}`))
      ) {
        throw new WorkspaceError(409, 'not_open', 'the conversation changed hands; reload');
      }
      await this.deps.store.logEvent(
        chat,
        'conversation.transferred',
        now,
        null,
        {
          kind: 'manual',
          by: actor.id,
          from: chat.agent_id,
          group: to.group,
          note: to.note ?? null,
        },
        to.note ?? null,
      );
      await this.deps.router.kick();
      return { group: to.group };
    }
    throw new WorkspaceError(400, 'invalid_target', 'give agentId or group', 'agentId');
  }

  /** My status, or (supervisors, admins) anyone's: forced changes are logged. */
  async setStatus(actor: AgentsTable, agentId: string, status: AgentStatus) {
    if (agentId !== actor.id && actor.role === 'agent')
      throw new WorkspaceError(403, 'forbidden', 'only supervisors may change another agent’s status');
    const target = await this.deps.store.agent(agentId);
    if (!target) throw new WorkspaceError(404, 'unknown_agent', `agent ${agentId} does not exist`, 'agentId');
    if (agentId !== actor.id) {
      await this.deps.store.logEvent(
        { id: '', customer_key: '', channel: '' },
        'agent.status_forced',
        this.deps.clock(),
        agentId,
        {
          by: actor.id,
          from: target.status,
          to: status,
        },
      );
    }
    await this.deps.router.setStatus(agentId, status);
  }
}
