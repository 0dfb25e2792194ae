import type { Kysely } from 'kysely';
import type { Database } from '../store/database';
import type { Tables } from '../store/tables';

/**
 * Tables the reports add (migration `0004-reports` in src/store/migrations.ts). Typed here rather
 * than in src/store/tables.ts so the reports stay one self-contained module.
 */
export interface ReportFlagsTable {
  conversation_id: string;
  /** Manual flag by a supervisor: 1 = spam (out of every metric), 0 = not spam (overrides the rule). */
  spam: number;
  agent_id: string | null;
  at: number;
}

export interface OrdersTable {
  /** The shop's order id: posting it again changes nothing. */
  order_id: string;
  customer_key: string;
  paid_at: number;
  /** Whole cents (fen): money is never a float in storage. */
  amount_cents: number;
  created_at: number;
}

/** Agent status changes, logged from the live hub (`agent.status`, `agent.auto_away`). */
export interface AgentPresenceTable {
  /** The hub message id: every instance receives the same change, the first insert wins. */
  id: string;
  agent_id: string;
  status: string;
  at: number;
}

/** State changes of report alerts; the id chains each change to the previous one (see alerts.ts). */
export interface ReportAlertsTable {
  id: string;
  kind: string;
  state: 'raised' | 'cleared';
  at: number;
  data: string | null;
}

/** How far the conversations that started on one UTC day are settled (migration `0006-report-facts`). */
export interface ReportFactDaysTable {
  day_start: number;
  /** What the facts were measured with (test agents, spam rules): another context makes them unusable. */
  context: string;
  /** `fresh`, or `stale`: a settled conversation changed since (a late event, a spam flag). */
  state: 'fresh' | 'stale';
  /** Conversations that started before this were examined: settled into blocks, or pending. */
  covered_to: number;
  /** JSON array of the ids examined but not settled yet (open and active). */
  pending: string;
  /** Blocks written (numbers 0 … blocks − 1). */
  blocks: number;
  conversations: number;
  settled_at: number;
}

export interface ReportFactBlocksTable {
  day_start: number;
  block: number;
  /** First and last customer message of the block's conversations: which periods need it. */
  first_customer_at: number;
  last_customer_at: number;
  conversations: number;
  /** facts-codec.ts `encodeBlock` (a blob since migration 0007). */
  data: Buffer;
}

export interface ReportFactMetaTable {
  key: string;
  value: number;
  /**
   * JSON beside the value (migration 0008). `late_seq` on PostgreSQL: `{ top, gaps }`, the watermark
   * it was written with and the numbers up to PG_SEQ_MARGIN below it not seen yet (settled-facts.ts).
   */
  data: string | null;
}

/**
 * The pending conversations' facts as measured when their day was last settled (migration
 * `0008-report-fact-pending`): blocks in the format of `report_fact_blocks`, with the log position
 * they were measured at; valid for a conversation as long as no event was logged for it since.
 */
export interface ReportFactPendingTable {
  day_start: number;
  block: number;
  context: string;
  /** The highest `events.seq` when the day's conversations were read. */
  seq: number;
  /**
   * PostgreSQL: JSON, the numbers up to PG_SEQ_MARGIN below `seq` not in the log then (handed out,
   * not committed yet): an event that comes with one of them was not seen either.
   */
  gaps: string | null;
  conversations: number;
  data: Buffer;
}

export interface ReportTables extends Tables {
  report_flags: ReportFlagsTable;
  orders: OrdersTable;
  agent_presence: AgentPresenceTable;
  report_alerts: ReportAlertsTable;
  report_fact_days: ReportFactDaysTable;
  report_fact_blocks: ReportFactBlocksTable;
  report_fact_meta: ReportFactMetaTable;
  report_fact_pending: ReportFactPendingTable;
}

export type ReportDb = Kysely<ReportTables>;

/** The application's database seen with the report tables too (same connection, same pool). */
export function reportDb(database: Database): ReportDb {
  return database.db as unknown as ReportDb;
}
