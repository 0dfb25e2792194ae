import type { ReportEvent } from './report-event';
import { UNKNOWN_AGENT } from './report-event';

/** What one conversation says about its agents, besides reply gaps and reactions. */
export interface AgentActivity {
  /** Messages each agent sent in the conversation. */
  messagesByAgent: Map<string, number>;
  /** The agent who sent the last agent message: the one who served (finished) the chat. */
  servingAgentId: string | null;
  transfers: { from: string | null; to: string }[];
  /** Overdue escalations, charged to the agent named on the event or the one holding the chat. */
  overdue: (string | null)[];
}

/**
 * The chat's holder is the last agent it was assigned or transferred to; with no routing
 * events in the log, the last agent who wrote in it.
 */
export function agentActivityOf(events: readonly ReportEvent[]): AgentActivity {
  const activity: AgentActivity = {
    messagesByAgent: new Map(),
    servingAgentId: null,
    transfers: [],
    overdue: [],
  };
  let assignedTo: string | null = null;
  let lastWriter: string | null = null;
  for (const e of events) {
    switch (e.kind ?? 'message') {
      case 'message':
        if (e.from === 'agent') {
          lastWriter = e.agentId ?? UNKNOWN_AGENT;
          activity.messagesByAgent.set(lastWriter, (activity.messagesByAgent.get(lastWriter) ?? 0) + 1);
        }
        break;
      case 'assigned':
        assignedTo = e.agentId ?? assignedTo;
        break;
      case 'transfer':
        if (e.agentId !== undefined) {
          activity.transfers.push({ from: e.fromAgentId ?? assignedTo ?? lastWriter, to: e.agentId });
          assignedTo = e.agentId;
        }
        break;
      case 'overdue':
        activity.overdue.push(e.agentId ?? assignedTo ?? lastWriter);
        break;
      default:
        break;
    }
  }
  activity.servingAgentId = lastWriter;
  return activity;
}
