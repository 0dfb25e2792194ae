/**
 * Routing benchmarks (issue: routing):
 *  1. the assignment decision (pure pickAgent) with 1 000 online agents, p50/p99 per decision,
 *     next to a baseline that only filters eligible agents (no ordering, no explanation);
 *  2. sustained assignments per second through the store's atomic claim, SQLite and PostgreSQL
 *     (when DATABASE_URL is set): 10 000 queued chats, 1 000 agents;
 *  3. a burst of 5 000 hand-offs within a second with 200 agents: all assigned or queued, zero cap
 *     violations, and the time until the queue drains as agents close chats.
 *
 *   npx tsx bench/routing.ts          env: BENCH_QUEUED=10000 BENCH_BURST=5000
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnv } from '../src/config/env';
import { type AgentView, pickAgent } from '../src/routing/pick-agent';
import { defaultRoutingConfig, levelIds } from '../src/routing/routing-config';
import { buildServices, type Services } from '../src/services';
import { createLogger } from '../src/shared/log';
import { newConversation } from '../src/store/rows';
import { summarize } from './lib/stats';

const QUEUED = Number(process.env.BENCH_QUEUED ?? 10_000);
const BURST = Number(process.env.BENCH_BURST ?? 5_000);
const config = defaultRoutingConfig();

function decisionBench(): void {
  const agents: AgentView[] = Array.from({ length: 1000 }, (_, i) => ({
    id: `a${i}`,
    name: `a${i}`,
    level: levelIds[i % 4]!,
    rank: i % 37,
    cap: 5 + (i % 6),
    groups: [],
    test: i % 50 === 0,
    status: i % 10 === 0 ? 'away' : 'online',
    active: i % 7,
    lastAssignedAt: i * 13,
  }));
  const chats = ['urgent', 'general', 'complex'].map((tier) => ({
    tier,
    group: 'general',
    excluded: ['a3', 'a5'],
  }));
  const time = (f: () => unknown) => {
    const t: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const s = process.hrtime.bigint();
      f();
      t.push(Number(process.hrtime.bigint() - s) / 1000);
    }
    return summarize(t.slice(500));
  };
  let k = 0;
  const ours = time(() => pickAgent(chats[k++ % 3]!, agents, config));
  const baseline = time(() => agents.filter((a) => a.status === 'online' && !a.test && a.active < a.cap)[0]);
  console.log('## 1. Assignment decision, 1 000 online agents (µs per decision)');
  console.log(`| | p50 | p99 |\n|---|---|---|`);
  console.log(
    `| pickAgent (order + explanation of every candidate) | ${ours.p50.toFixed(1)} | ${ours.p99.toFixed(1)} |`,
  );
  console.log(
    `| baseline: filter eligible, take first | ${baseline.p50.toFixed(1)} | ${baseline.p99.toFixed(1)} |\n`,
  );
}

async function services(kind: 'sqlite' | 'postgres'): Promise<Services> {
  const schema = `bench_${Date.now().toString(36)}`;
  const env = readEnv({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'fr-routing-')),
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'bench-password',
    ...(kind === 'postgres' ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  });
  return buildServices({
    env,
    log: createLogger('silent'),
    ...(kind === 'postgres' ? { pgSchema: schema } : {}),
  });
}

/** Writes waiting chats straight into the store (the hand-off path is measured elsewhere). */
async function enqueue(s: Services, n: number, from: number): Promise<void> {
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) => {
    const c = newConversation(`q${from + i}`, `api:q${from + i}`, 'api', now);
    return {
      ...c,
      status: 'waiting' as const,
      tier: ['urgent', 'general', 'complex'][i % 3]!,
      grp: 'general',
      queued_at: now + i,
      queue_key: now + i,
    };
  });
  for (let i = 0; i < rows.length; i += 500)
    await s.database.db
      .insertInto('conversations')
      .values(rows.slice(i, i + 500))
      .execute();
}

async function agents(s: Services, n: number, cap: number): Promise<string[]> {
  const ids: string[] = [];
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) => ({
    id: `ag${i}`,
    login: `ag${i}`,
    name: `Agent ${i}`,
    password_hash: 'x',
    role: 'agent' as const,
    level: levelIds[1 + (i % 3)]!,
    rank: i,
    cap,
    groups: '[]',
    test: 0,
    status: 'online' as const,
    active_count: 0,
    last_assigned_at: null,
    status_changed_at: now,
    overdue_in_row: 0,
    created_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await s.database.db
      .insertInto('agents')
      .values(rows.slice(i, i + 500))
      .execute();
  for (const r of rows) ids.push(r.id);
  return ids;
}

async function capViolations(s: Services): Promise<number> {
  const rows = await s.database.db.selectFrom('agents').select(['id', 'cap', 'active_count']).execute();
  const open = await s.database.db
    .selectFrom('conversations')
    .select(['agent_id'])
    .where('status', '=', 'assigned')
    .execute();
  const per = new Map<string, number>();
  for (const o of open) per.set(o.agent_id!, (per.get(o.agent_id!) ?? 0) + 1);
  return rows.filter((r) => (per.get(r.id) ?? 0) > r.cap).length;
}

async function throughput(kind: 'sqlite' | 'postgres'): Promise<void> {
  const s = await services(kind);
  await agents(s, 1000, 10);
  await enqueue(s, QUEUED, 0);
  const t0 = performance.now();
  let assigned = 0;
  for (;;) {
    const n = await s.router.runOnce();
    assigned += n;
    if (!n) break;
  }
  const ms = performance.now() - t0;
  console.log(
    `| ${kind} | ${QUEUED} queued, 1 000 agents × cap 10 | ${assigned} | ${(ms / 1000).toFixed(2)} s | **${Math.round(assigned / (ms / 1000))}/s** | ${await capViolations(s)} |`,
  );
  await s.close();
}

async function burst(kind: 'sqlite' | 'postgres'): Promise<void> {
  const s = await services(kind);
  await agents(s, 200, 5);
  const t0 = performance.now();
  // 5 000 customers ask for a person within about a second, through the real message path.
  await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      s.handleMessage({ channel: 'api', customerId: `b${i}`, text: '人工' }),
    ),
  );
  const handoffMs = performance.now() - t0;
  await s.router.kick();
  const count = async (status: string) =>
    Number(
      (
        await s.database.db
          .selectFrom('conversations')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', status as 'waiting')
          .executeTakeFirstOrThrow()
      ).n,
    );
  const assigned0 = await count('assigned');
  const waiting0 = await count('waiting');
  const violations0 = await capViolations(s);
  // Drain: agents close their chats one round at a time; each close assigns the queue head.
  const t1 = performance.now();
  let rounds = 0;
  while ((await count('waiting')) > 0 && rounds < 100) {
    const open = await s.database.db
      .selectFrom('conversations')
      .selectAll()
      .where('status', '=', 'assigned')
      .execute();
    for (const c of open) await s.routingStore.close(c, c.agent_id!, Date.now());
    await s.router.kick();
    rounds++;
  }
  const drainMs = performance.now() - t1;
  console.log(
    `| ${kind} | ${BURST} hand-offs in ${(handoffMs / 1000).toFixed(2)} s, 200 agents × cap 5 | ${assigned0} assigned + ${waiting0} queued | ${violations0} | ${(drainMs / 1000).toFixed(2)} s (${rounds} rounds of closing every open chat) | ${await capViolations(s)} |`,
  );
  await s.close();
}

console.log(`# Routing benchmark — ${new Date().toISOString().slice(0, 10)}, node ${process.version}\n`);
decisionBench();
const kinds: ('sqlite' | 'postgres')[] = process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
console.log('## 2. Sustained assignments through the atomic claim');
console.log('| store | setup | assigned | time | rate | cap violations |\n|---|---|---|---|---|---|');
for (const k of kinds) await throughput(k);
console.log('\n## 3. Burst of hand-offs');
console.log(
  '| store | burst | right after | cap violations | queue drained in | cap violations after |\n|---|---|---|---|---|---|',
);
for (const k of kinds) await burst(k);
