import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { Dialect } from './database';

/**
 * Versioned schema changes, run at start. Written once for both databases; the few type differences
 * (autoincrement key, 64-bit times) are chosen by dialect.
 */
function migrations(dialect: Dialect): Record<string, Migration> {
  const time = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    '0001-core': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('customers')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .addColumn('locale', 'text')
          .addColumn('vip', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('greeted_day', 'text')
          .addColumn('away_day', 'text')
          .addColumn('conversation_id', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('conversations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('customer_key', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('tier', 'text')
          .addColumn('intent', 'text')
          .addColumn('started_at', time, (c) => c.notNull())
          .addColumn('last_message_at', time, (c) => c.notNull())
          .addColumn('last_customer_at', time)
          .addColumn('last_agent_at', time)
          .addColumn('handoff_at', time)
          .addColumn('handoff_notice_at', time)
          .addColumn('closed_at', time)
          .addColumn('reply_turn', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex('conversations_customer')
          .on('conversations')
          .columns(['customer_key', 'started_at'])
          .execute();
        await db.schema
          .createTable('events')
          .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('customer_key', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text')
          .addColumn('at', time, (c) => c.notNull())
          .addColumn('platform_at', time)
          .addColumn('intent', 'text')
          .addColumn('text', 'text')
          .addColumn('data', 'text')
          .execute();
        await db.schema
          .createIndex('events_conversation')
          .on('events')
          .columns(['conversation_id', 'seq'])
          .execute();
        await db.schema.createIndex('events_at').on('events').column('at').execute();
      },
    },
    '0002-routing': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('agents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('login', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('rank', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('cap', 'integer', (c) => c.notNull())
          .addColumn('groups', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('test', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('offline'))
          .addColumn('active_count', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_assigned_at', time)
          .addColumn('status_changed_at', time, (c) => c.notNull())
          .addColumn('overdue_in_row', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('agent_id', 'text', (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .addColumn('expires_at', time, (c) => c.notNull())
          .execute();
        for (const [name, type] of [
          ['agent_id', 'text'],
          ['grp', 'text'],
          ['queued_at', time],
          ['queue_key', time],
          ['assigned_at', time],
          ['awaiting_since', time],
          ['overdue_due_at', time],
          ['transfer_due_at', time],
          ['hold_due_at', time],
          ['excluded_agents', 'text'],
        ] as const) {
          await db.schema.alterTable('conversations').addColumn(name, type).execute();
        }
        for (const flag of ['overdue', 'on_hold', 'hops']) {
          await db.schema
            .alterTable('conversations')
            .addColumn(flag, 'integer', (c) => c.notNull().defaultTo(0))
            .execute();
        }
        await db.schema.alterTable('customers').addColumn('last_agent_id', 'text').execute();
        // Partial indexes: most conversations never reach a person, and their writes should not pay
        // for indexes only routing reads.
        await db.schema
          .createIndex('conversations_queue')
          .on('conversations')
          .columns(['queue_key', 'id'])
          .where(sql.ref('status'), '=', 'waiting')
          .execute();
        await db.schema
          .createIndex('conversations_agent')
          .on('conversations')
          .column('agent_id')
          .where(sql.ref('status'), '=', 'assigned')
          .execute();
        for (const due of ['overdue_due_at', 'transfer_due_at', 'hold_due_at']) {
          await db.schema
            .createIndex(`conversations_${due.replace('_at', '')}`)
            .on('conversations')
            .column(due)
            .where(sql.ref(due), 'is not', null)
            .execute();
        }
      },
    },
    '0003-config-versions': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('config_versions')
          .addColumn('version', 'integer', (c) => c.primaryKey())
          .addColumn('document', 'text', (c) => c.notNull())
          .addColumn('author', 'text')
          .addColumn('summary', 'text')
          .addColumn('diff', 'text')
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('audit_log')
          .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('at', time, (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('detail', 'text')
          .execute();
        await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
      },
    },
    '0004-reports': {
      // Reports (src/reports): conversation lookups by start, the manual spam flag, orders for
      // conversion, agent presence for time online, and the state of the first-response alert.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createIndex('conversations_started')
          .on('conversations')
          .column('started_at')
          .execute();
        await db.schema
          .createTable('report_flags')
          .addColumn('conversation_id', 'text', (c) => c.primaryKey())
          .addColumn('spam', 'integer', (c) => c.notNull())
          .addColumn('agent_id', 'text')
          .addColumn('at', time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('report_flags_at').on('report_flags').column('at').execute();
        await db.schema
          .createTable('orders')
          .addColumn('order_id', 'text', (c) => c.primaryKey())
          .addColumn('customer_key', 'text', (c) => c.notNull())
          .addColumn('paid_at', time, (c) => c.notNull())
          .addColumn('amount_cents', time, (c) => c.notNull())
          .addColumn('created_at', time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('orders_paid').on('orders').column('paid_at').execute();
        await db.schema
          .createIndex('orders_customer')
          .on('orders')
          .columns(['customer_key', 'paid_at'])
          .execute();
        await db.schema
          .createTable('agent_presence')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('agent_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('at', time, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('agent_presence_at').on('agent_presence').column('at').execute();
        await db.schema
          .createIndex('agent_presence_agent')
          .on('agent_presence')
          .columns(['agent_id', 'at'])
          .execute();
        await db.schema
          .createTable('report_alerts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('at', time, (c) => c.notNull())
          .addColumn('data', 'text')
          .execute();
        await db.schema.createIndex('report_alerts_at').on('report_alerts').columns(['kind', 'at']).execute();
      },
    },
    '0005-reports-overdue': {
      // The live view lists overdue chats: a partial index holds only those, however many chats stay open.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createIndex('conversations_overdue_open')
          .on('conversations')
          .columns(['status', 'awaiting_since'])
          .where(sql.ref('overdue'), '=', 1)
          .execute();
      },
    },
    '0006-report-facts': {
      // Settled per-conversation report facts (src/reports/settled-facts.ts): one row per UTC day of
      // conversation start saying how far it is settled, the facts in blocks, and the late-event watermark.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('report_fact_days')
          .addColumn('day_start', time, (c) => c.primaryKey())
          .addColumn('context', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('covered_to', time, (c) => c.notNull())
          .addColumn('pending', 'text', (c) => c.notNull())
          .addColumn('blocks', 'integer', (c) => c.notNull())
          .addColumn('conversations', 'integer', (c) => c.notNull())
          .addColumn('settled_at', time, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('report_fact_blocks')
          .addColumn('day_start', time, (c) => c.notNull())
          .addColumn('block', 'integer', (c) => c.notNull())
          .addColumn('first_customer_at', time, (c) => c.notNull())
          .addColumn('last_customer_at', time, (c) => c.notNull())
          .addColumn('conversations', 'integer', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('report_fact_blocks_pk', ['day_start', 'block'])
          .execute();
        await db.schema
          .createTable('report_fact_meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', time, (c) => c.notNull())
          .execute();
      },
    },
    '0007-report-fact-columns': {
      // Settled facts stored as columns (binary, facts-codec.ts `encodeBlock`) instead of JSON text:
      // the blocks are re-created empty and every day is settled again by the background job.
      async up(db: Kysely<unknown>) {
        await db.schema.dropTable('report_fact_blocks').execute();
        await db.deleteFrom('report_fact_days' as never).execute();
        await db.schema
          .createTable('report_fact_blocks')
          .addColumn('day_start', time, (c) => c.notNull())
          .addColumn('block', 'integer', (c) => c.notNull())
          .addColumn('first_customer_at', time, (c) => c.notNull())
          .addColumn('last_customer_at', time, (c) => c.notNull())
          .addColumn('conversations', 'integer', (c) => c.notNull())
          .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
          .addPrimaryKeyConstraint('report_fact_blocks_pk', ['day_start', 'block'])
          .execute();
      },
    },
    '0008-report-fact-pending': {
      // The facts of the conversations not settled yet, as measured when their day was last settled
      // (with the log position then), so a restarted service re-measures only those with events since;
      // and the sequence numbers the late-event check had not seen yet (PostgreSQL), so a restart does
      // not take events it has already seen for late ones.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('report_fact_pending')
          .addColumn('day_start', time, (c) => c.notNull())
          .addColumn('block', 'integer', (c) => c.notNull())
          .addColumn('context', 'text', (c) => c.notNull())
          .addColumn('seq', time, (c) => c.notNull())
          .addColumn('gaps', 'text')
          .addColumn('conversations', 'integer', (c) => c.notNull())
          .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
          .addPrimaryKeyConstraint('report_fact_pending_pk', ['day_start', 'block'])
          .execute();
        await db.schema.alterTable('report_fact_meta').addColumn('data', 'text').execute();
      },
    },
  };
}

export async function migrate(db: Kysely<unknown>, dialect: Dialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    // Without it Kysely looks for its bookkeeping tables in every schema of the database, and a
    // second deployment (or test) in another schema makes it skip creating its own.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${(error as Error).message ?? error}`);
  }
}

export { sql };
