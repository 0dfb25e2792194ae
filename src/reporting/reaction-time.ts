import type { ReportEvent } from './report-event';

/** One assignment (or transfer) of a chat to an agent, and when that agent first wrote after it. */
export interface Assignment {
  agentId: string;
  assignedAt: number;
  /** null: the agent never wrote before the chat moved on or the log ended. */
  reactedAt: number | null;
}

/**
 * Reaction time = assignment → the assigned agent's first message. Messages from other agents
 * do not end it; a new assignment or transfer before the agent wrote leaves it unreacted.
 */
export function assignmentsOf(events: readonly ReportEvent[]): Assignment[] {
  const assignments: Assignment[] = [];
  let pending: Assignment | null = null;
  for (const e of events) {
    const kind = e.kind ?? 'message';
    if ((kind === 'assigned' || kind === 'transfer') && e.agentId !== undefined) {
      pending = { agentId: e.agentId, assignedAt: e.at, reactedAt: null };
      assignments.push(pending);
    } else if (
      pending !== null &&
      kind === 'message' &&
      e.from === 'agent' &&
      e.agentId === pending.agentId
    ) {
      pending.reactedAt = e.at;
      pending = null;
    }
  }
  return assignments;
}
