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
}
