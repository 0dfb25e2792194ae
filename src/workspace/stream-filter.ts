import type { LiveMessage } from '../live/hub';

/**
 * Which live messages an agent's workspace stream carries: everything about the chats they hold
 * (customer messages, replies, overdue flags), chats coming to them (assignment, transfer in), chats
 * leaving them (transfer out, re-queue, close), and their own status changes. The set of held chats
 * follows those events, so no database read is needed per message.
 */
export class AgentStreamFilter {
  private readonly mine = new Set<string>();

  constructor(readonly agentId: string) {}

  /** Start from the chats the agent holds now. */
  reset(conversationIds: Iterable<string>): void {
    this.mine.clear();
    for (const id of conversationIds) this.mine.add(id);
  }

  holds(conversationId: string): boolean {
    return this.mine.has(conversationId);
  }

  accept(m: LiveMessage): boolean {
    const toMe = m.agentId === this.agentId;
    const held = m.conversationId !== '' && this.mine.has(m.conversationId);
    switch (m.type) {
      case 'agent.status':
        // Offline or invisible hands every chat back to the queue.
        if (toMe && (m.text === 'offline' || m.text === 'invisible')) this.mine.clear();
        return toMe;
      case 'agent.auto_away':
        return toMe;
      case 'conversation.assigned':
      case 'conversation.transferred':
        if (toMe) {
          this.mine.add(m.conversationId);
          return true;
        }
        // Someone else has it now: the agent sees it leave.
        if (held) this.mine.delete(m.conversationId);
        return held;
      case 'conversation.requeued':
      case 'conversation.closed':
        if (held) this.mine.delete(m.conversationId);
        return held || toMe;
      default:
        return held || (toMe && m.conversationId !== '');
    }
  }
}
