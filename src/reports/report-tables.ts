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

export interface ReportTables extends Tables {
  report_flags: ReportFlagsTable;
  orders: OrdersTable;
  agent_presence: AgentPresenceTable;
  report_alerts: ReportAlertsTable;
}

export type ReportDb = Kysely<ReportTables>;

/** The application's database seen with the report tables too (same connection, same pool). */
export function reportDb(database: Database): ReportDb {
  return database.db as unknown as ReportDb;
}
