import { LEVEL_ORDER, type Level, type RoutingConfig } from './routing-config';

/** An agent as routing sees them: no I/O, just the facts a decision needs. */
export interface AgentView {
  id: string;
  name: string;
  level: Level;
  rank: number;
  cap: number;
  groups: string[];
  test: boolean;
  status: 'online' | 'away' | 'invisible' | 'offline';
  active: number;
  lastAssignedAt: number | null;
}

export interface ChatView {
  tier: string;
  group: string;
  /** Agents who let this chat go overdue, and the current agent on a transfer. */
  excluded: string[];
  /** The customer's last agent, for sticky routing. */
  lastAgentId?: string | null;
  /** Automatic transfers climb: only agents at least this experienced. */
  minLevel?: Level;
}

export type PassReason =
  | 'test-agent'
  | 'away'
  | 'invisible'
  | 'offline'
  | 'not-in-group'
  | 'outside-tier-window'
  | 'let-it-go-overdue'
  | 'below-level'
  | 'cap-zero'
  | 'at-cap';

export interface Considered {
  agentId: string;
  name: string;
  level: Level;
  active: number;
  cap: number;
  verdict: 'chosen' | 'next' | 'eligible' | PassReason;
}

/** Who gets the chat, and why everyone else did not: stored with the assignment event. */
export interface Decision {
  agentId: string | null;
  next: string | null;
  strategy: string;
  sticky: boolean;
  considered: Considered[];
}

function passReason(a: AgentView, chat: ChatView, config: RoutingConfig): PassReason | undefined {
  if (a.test) return 'test-agent';
  if (a.status !== 'online') return a.status;
  if (a.groups.length && !a.groups.includes(chat.group)) return 'not-in-group';
  if (!config.levels[a.level].tiers.includes(chat.tier)) return 'outside-tier-window';
  if (chat.excluded.includes(a.id)) return 'let-it-go-overdue';
  if (chat.minLevel && LEVEL_ORDER[a.level] < LEVEL_ORDER[chat.minLevel]) return 'below-level';
  if (a.cap === 0) return 'cap-zero';
  if (a.active >= a.cap) return 'at-cap';
  return undefined;
}

const bySkill = (a: AgentView, b: AgentView) =>
  LEVEL_ORDER[b.level] - LEVEL_ORDER[a.level] || a.rank - b.rank;
const byLastAssigned = (a: AgentView, b: AgentView) => (a.lastAssignedAt ?? -1) - (b.lastAssignedAt ?? -1);
const byId = (a: AgentView, b: AgentView) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function pickAgent(chat: ChatView, agents: readonly AgentView[], config: RoutingConfig): Decision {
  const policy = config.groups[chat.group] ?? config.groups[config.defaultGroup]!;
  const passed: Considered[] = [];
  const eligible: AgentView[] = [];
  for (const a of agents) {
    const reason = passReason(a, chat, config);
    if (reason) passed.push(view(a, reason));
    else eligible.push(a);
  }

  switch (policy.strategy) {
    case 'skilled-first':
      // The seed's rule: fill agents in level/rank order, each up to its cap.
      eligible.sort((a, b) => bySkill(a, b) || byLastAssigned(a, b) || byId(a, b));
      break;
    case 'balanced': {
      // Least loaded among the most skilled eligible level; the others follow as fall-backs.
      eligible.sort(
        (a, b) =>
          LEVEL_ORDER[b.level] - LEVEL_ORDER[a.level] ||
          a.active / a.cap - b.active / b.cap ||
          byLastAssigned(a, b) ||
          byId(a, b),
      );
      break;
    }
    case 'round-robin':
      eligible.sort((a, b) => byLastAssigned(a, b) || byId(a, b));
      break;
  }

  let sticky = false;
  if (policy.sticky && chat.lastAgentId) {
    const i = eligible.findIndex((a) => a.id === chat.lastAgentId);
    if (i > 0) eligible.unshift(...eligible.splice(i, 1));
    sticky = i >= 0;
  }

  const considered = [
    ...eligible.map((a, i) => view(a, i === 0 ? 'chosen' : i === 1 ? 'next' : 'eligible')),
    ...passed,
  ];
  return {
    agentId: eligible[0]?.id ?? null,
    next: eligible[1]?.id ?? null,
    strategy: policy.strategy,
    sticky,
    considered,
  };
}

function view(a: AgentView, verdict: Considered['verdict']): Considered {
  return { agentId: a.id, name: a.name, level: a.level, active: a.active, cap: a.cap, verdict };
}
