import type { ConversationsTable, CustomersTable } from './tables';

/** A customer row as first seen. */
export function newCustomer(key: string, channel: string, externalId: string, at: number): CustomersTable {
  return {
    key,
    channel,
    external_id: externalId,
    name: null,
    locale: null,
    vip: 0,
    greeted_day: null,
    away_day: null,
    conversation_id: null,
    created_at: at,
    last_agent_id: null,
  };
}

/** A conversation as it starts: with the bot, no agent, nothing owed. */
export function newConversation(
  id: string,
  customerKey: string,
  channel: string,
  at: number,
): ConversationsTable {
  return {
    id,
    customer_key: customerKey,
    channel,
    status: 'bot',
    tier: null,
    intent: null,
    started_at: at,
    last_message_at: at,
    last_customer_at: null,
    last_agent_at: null,
    handoff_at: null,
    handoff_notice_at: null,
    closed_at: null,
    reply_turn: 0,
    agent_id: null,
    grp: null,
    queued_at: null,
    queue_key: null,
    assigned_at: null,
    awaiting_since: null,
    overdue_due_at: null,
    transfer_due_at: null,
    hold_due_at: null,
    overdue: 0,
    on_hold: 0,
    hops: 0,
    excluded_agents: null,
  };
}
