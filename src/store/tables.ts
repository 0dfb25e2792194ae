import type { Generated } from 'kysely';

/** Row shapes of the database. Times are milliseconds since the epoch (bigint in PostgreSQL). */

export interface CustomersTable {
  /** `${channel}:${external id}` */
  key: string;
  channel: string;
  external_id: string;
  name: string | null;
  locale: string | null;
  vip: number;
  /** Shop-local date of the last first-of-the-day greeting. */
  greeted_day: string | null;
  /** Shop-local date of the last away message. */
  away_day: string | null;
  conversation_id: string | null;
  created_at: number;
  /** For sticky routing: the agent who last served this customer. */
  last_agent_id: string | null;
}

export type ConversationStatus = 'bot' | 'waiting' | 'assigned' | 'closed';

export interface ConversationsTable {
  id: string;
  customer_key: string;
  channel: string;
  status: ConversationStatus;
  tier: string | null;
  intent: string | null;
  started_at: number;
  last_message_at: number;
  last_customer_at: number | null;
  last_agent_at: number | null;
  handoff_at: number | null;
  handoff_notice_at: number | null;
  closed_at: number | null;
  /** Counts bot replies, to send template variants in turn. */
  reply_turn: number;
  // Routing: owned by src/routing (conditional updates), never by the message snapshot.
  agent_id: string | null;
  /** Agent group the chat is routed in. */
  grp: string | null;
  queued_at: number | null;
  /** Queue order: queued time minus the tier's boost, so chats age and no tier starves. */
  queue_key: number | null;
  assigned_at: number | null;
  /** The earliest customer message no agent has answered yet. */
  awaiting_since: number | null;
  overdue_due_at: number | null;
  transfer_due_at: number | null;
  hold_due_at: number | null;
  overdue: number;
  on_hold: number;
  hops: number;
  /** JSON array of agents who let this chat go overdue: it never goes back to them. */
  excluded_agents: string | null;
}

export type AgentRole = 'agent' | 'supervisor' | 'admin';
export type AgentStatus = 'online' | 'away' | 'invisible' | 'offline';

export interface AgentsTable {
  id: string;
  login: string;
  name: string;
  password_hash: string;
  role: AgentRole;
  level: 'trainee' | 'regular' | 'senior' | 'lead' | 'supervisor';
  rank: number;
  cap: number;
  /** JSON array of group ids; empty = every group. */
  groups: string;
  test: number;
  status: AgentStatus;
  /** Chats holding a slot now; healed by a periodic recount. */
  active_count: number;
  last_assigned_at: number | null;
  status_changed_at: number;
  overdue_in_row: number;
  created_at: number;
}

export interface SessionsTable {
  token_hash: string;
  agent_id: string;
  created_at: number;
  expires_at: number;
}

export interface EventsTable {
  seq: Generated<number>;
  /** Unique id: idempotency for imports and channel retries. */
  id: string;
  conversation_id: string;
  customer_key: string;
  channel: string;
  type: string;
  actor: 'customer' | 'bot' | 'agent' | 'system';
  agent_id: string | null;
  /** Server time of the fact (receive time for inbound messages), ms. */
  at: number;
  /** The platform's own timestamp, where the channel gives one. */
  platform_at: number | null;
  intent: string | null;
  text: string | null;
  /** JSON: explanation, reply kind, throttling… */
  data: string | null;
}

export interface Tables {
  customers: CustomersTable;
  conversations: ConversationsTable;
  events: EventsTable;
  agents: AgentsTable;
  sessions: SessionsTable;
  config_versions: ConfigVersionsTable;
  audit_log: AuditLogTable;
}

export interface ConfigVersionsTable {
  version: number;
  /** The whole BotConfig document as JSON. */
  document: string;
  author: string | null;
  summary: string | null;
  /** JSON list of {path, before, after} against the previous version. */
  diff: string | null;
  created_at: number;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: number;
  actor: string | null;
  action: string;
  detail: string | null;
}
