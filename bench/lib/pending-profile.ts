/**
 * Times reading and measuring the pending conversations (those not settled yet) from the event log,
 * what a report does for the ones whose stored facts it cannot use and what settling does for every
 * pending one, on a database kept by `BENCH_KEEP=1 npx tsx bench/reports.ts`:
 *
 *   BENCH_DB=/tmp/firstreply-bench-XXXX/bench.db npx tsx bench/lib/pending-profile.ts
 *   DATABASE_URL=postgres://… BENCH_PG_SCHEMA=bench_xxxx npx tsx bench/lib/pending-profile.ts
 *
 * Each of BENCH_ROUNDS (default 3) rounds: `loadConversationsWhole` over the pending ids of every
 * day (read), then `settledOf` for each (measure). Add `node --cpu-prof --import tsx` to profile.
 */
import { performance } from 'node:perf_hooks';
import { loadConversationsWhole } from '../../src/reports/events-from-db';
import { Pacer } from '../../src/reports/pacer';
import { reportDb } from '../../src/reports/report-tables';
import { settledOf } from '../../src/reports/settled-facts';
import { openKeptDatabase } from './kept-database';

async function main() {
  const { database, name } = await openKeptDatabase();
  const days = await reportDb(database).selectFrom('report_fact_days').select('pending').execute();
  const ids = days.flatMap((d) => JSON.parse(d.pending) as string[]);
  const testAgents = ['agent-test-1', 'agent-test-2'];
  console.log(`# pending-profile ${name}: ${ids.length} pending conversations`);
  for (let round = 0; round < Number(process.env.BENCH_ROUNDS ?? 3); round++) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const loaded = await loadConversationsWhole(database, ids, undefined, new Pacer());
    const t1 = performance.now();
    let events = 0;
    let measured = 0;
    for (const c of loaded.values()) {
      events += c.events.length;
      if (settledOf(c, testAgents)) measured++;
    }
    const t2 = performance.now();
    const used = process.cpuUsage(cpu);
    console.log(
      `round ${round + 1}: read ${(t1 - t0).toFixed(0)} ms (${loaded.size} conversations, ${events} events), ` +
        `measure ${(t2 - t1).toFixed(0)} ms (${measured}); CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`,
    );
  }
  await database.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
