import type { Database } from '../../src/store/database';
import { reportDb } from '../../src/reports/report-tables';
import { BASE, type Generated, HOUR } from './edge-log';

/**
 * Writes a generated log into the app's database as the app would have it at `now`: its
 * conversations, the events up to `now`, its agents (a1–a4; `testAgents` flagged as test agents)
 * and orders for the first 40 customers, so that conversion is computed too.
 */
export async function seedLog(
  database: Database,
  log: Generated,
  now: number,
  testAgents: readonly string[] = [],
): Promise<void> {
  const db = database.db;
  for (let i = 0; i < log.conversations.length; i += 200)
    await db
      .insertInto('conversations')
      .values(log.conversations.slice(i, i + 200))
      .execute();
  const past = log.events.filter((e) => e.at <= now);
  for (let i = 0; i < past.length; i += 500)
    await db
      .insertInto('events')
      .values(past.slice(i, i + 500))
      .execute();
  for (const id of ['a1', 'a2', 'a3', 'a4'])
    await db
      .insertInto('agents')
      .values({
        id,
        login: id,
        name: id,
        password_hash: 'x',
        role: 'agent',
        level: 'regular',
        rank: 100,
        cap: 8,
        groups: '[]',
        test: testAgents.includes(id) ? 1 : 0,
        status: 'offline',
        active_count: 0,
        last_assigned_at: null,
        status_changed_at: BASE,
        overdue_in_row: 0,
        created_at: BASE,
      })
      .execute();
  await reportDb(database)
    .insertInto('orders')
    .values(
      log.conversations.slice(0, 40).map((c, i) => ({
        order_id: `o${i}`,
        customer_key: c.customer_key,
        paid_at: Number(c.started_at) + HOUR,
        amount_cents: 1000 + i,
        created_at: Number(c.started_at) + HOUR,
      })),
    )
    .execute();
}
