/**
 * `npx tsx bench/report-engine.ts [events=1000000]` — generates a realistic shuffled event log
 * (bot first, hand-off, assignment, agent replies, some transfers, spam, test agents and
 * duplicates over 30 days), then times the pure engine, and the import-line parsing the CLI
 * adds on top. Deterministic: the same count always produces the same log.
 */
import { performance } from 'node:perf_hooks';
import { buildReport } from '../src/reporting/build-report';
import { prepareConversations } from '../src/reporting/conversations';
import { parseEventLine } from '../src/reporting/event-line';
import type { ReportEvent } from '../src/reporting/report-event';

const target = Number(process.argv[2] ?? 1_000_000);
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const agents = Array.from({ length: 60 }, (_, i) => `agent-${i}`);
const tiers = ['urgent', 'general', 'general', 'general', 'complex'];
const start = Date.parse('2024-06-01T00:00:00+08:00');

function generate(): ReportEvent[] {
  const events: ReportEvent[] = [];
  for (let c = 0; events.length < target; c++) {
    const conversationId = `conv-${c}`;
    const customerId = `buyer-${Math.floor(random() * 40_000)}`;
    const spam = random() < 0.01;
    const tier = pick(tiers);
    // Arrivals peak in the afternoon and evening, local time.
    let t =
      start +
      Math.floor(random() * 30) * 86_400_000 +
      (8 + Math.floor(random() * random() * 16)) * 3_600_000 +
      Math.floor(random() * 3_600_000);
    let n = 0;
    const push = (e: Omit<ReportEvent, 'conversationId' | 'customerId' | 'eventId' | 'at'>) =>
      events.push({ conversationId, customerId, eventId: `${conversationId}:${n++}`, at: t, ...e });
    push({ from: 'customer', tier, ...(spam && { spam: true }) });
    t += 1000;
    push({ from: 'bot' });
    if (random() < 0.25) continue; // the bot answered it
    t += 2000;
    push({ kind: 'handoff' });
    let agentId = pick(agents);
    t += Math.floor(random() * 60_000);
    push({ kind: 'assigned', agentId });
    const rounds = 1 + Math.floor(random() * 4);
    for (let r = 0; r < rounds; r++) {
      t += Math.floor(random() * random() * 300_000);
      push({ from: 'agent', agentId, ...(agentId === 'agent-59' && { testAgent: true }) });
      if (random() < 0.05) {
        const to = pick(agents);
        t += 5000;
        push({ kind: 'transfer', agentId: to, fromAgentId: agentId });
        agentId = to;
      }
      t += Math.floor(random() * 120_000);
      for (let k = 1 + Math.floor(random() * 2); k > 0; k--) {
        push({ from: 'customer' });
        t += 5000;
      }
    }
  }
  events.length = target;
  // A few re-delivered events, then arrival in any order.
  for (let i = 0; i < target / 1000; i++)
    events[Math.floor(random() * target)] = { ...events[Math.floor(random() * target)]! };
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [events[i], events[j]] = [events[j]!, events[i]!];
  }
  return events;
}

const t0 = performance.now();
const events = generate();
const t1 = performance.now();
// Wall time suffers on a shared machine; process CPU time (all threads, GC included) less so.
const runs: number[] = [];
const cpuRuns: number[] = [];
let report: ReturnType<typeof buildReport> | undefined;
for (let run = 0; run < 3; run++) {
  const s = performance.now();
  const c = process.cpuUsage();
  report = buildReport({ events });
  const used = process.cpuUsage(c);
  runs.push(performance.now() - s);
  cpuRuns.push((used.user + used.system) / 1000);
}
const g0 = performance.now();
prepareConversations(events, { testAgentIds: [], tierNames: new Set(tiers), defaultTier: 'general' });
const groupMs = performance.now() - g0;
const lines = events.slice(0, 200_000).map((e) => JSON.stringify({ ...e, at: new Date(e.at).toISOString() }));
const p0 = performance.now();
for (const line of lines) parseEventLine(line);
const parseMsPerMillion = ((performance.now() - p0) / lines.length) * 1_000_000;

const ms = (x: number) => `${Math.round(x)} ms`;
console.log(`events generated: ${events.length} in ${ms(t1 - t0)}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
console.log(`buildReport wall: ${runs.map(ms).join(', ')} (median ${ms(median(runs))})`);
console.log(`buildReport CPU:  ${cpuRuns.map(ms).join(', ')} (median ${ms(median(cpuRuns))})`);
console.log(`  of which dedupe + exclusions + group + sort alone: ${ms(groupMs)}`);
console.log(
  `conversations measured: ${report!.input.conversations}, replies: ${report!.overall.replies}, duplicates: ${report!.input.duplicateEvents}, spam: ${report!.input.spamConversations}`,
);
console.log(
  `average response: ${report!.overall.averageResponseSeconds} s, first human response median: ${report!.overall.firstHumanResponseSeconds.median} s`,
);
console.log(`import-line parsing (zod), extrapolated: ${ms(parseMsPerMillion)} per million lines`);
console.log(`heap used: ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
