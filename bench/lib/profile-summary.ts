/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_CPU_PROF=<dir> npx tsx bench/http.ts):
 * self time by function and by area (src file, npm package, node internals, GC), plus inclusive time
 * of the functions whose name matches an optional filter.
 *
 *   npx tsx bench/lib/profile-summary.ts <file.cpuprofile> [top=25] [inclusive-filter-regex]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `pkg ${nm[1]}`;
  if (url.startsWith('node:')) return url;
  const src = /\/work\/main\/(.+)$/.exec(url.replace('file://', ''));
  return src ? src[1]! : url;
}

/** Coarse buckets for "where does the time go" (self time; native SQLite work counts to its JS caller). */
const CATEGORIES: [string, RegExp][] = [
  ['database (kysely, better-sqlite3, src/store)', /^pkg (kysely|better-sqlite3|pg)|^src\/store\//],
  ['routing + workspace (src/routing, src/workspace)', /^src\/(routing|workspace)\//],
  [
    'HTTP + Express (node:http, net, streams, express, router, body, zod)',
    /^node:(_http|net|internal\/streams|internal\/stream_base|events|buffer|internal\/http)|^pkg (express|router|body-parser|raw-body|parseurl|finalhandler|send|content-type|type-is|qs|on-finished|iconv-lite|zod|path-to-regexp|depd|debug|mime-types|encodeurl|escape-html)|^src\/(http|channels)\//,
  ],
  ['matching (src/matching, natural)', /^src\/matching\/|^pkg natural/],
  ['calendar (src/calendar)', /^src\/calendar\//],
  ['message pipeline (src/inbound, src/content, src/live)', /^src\/(inbound|content|live|shop)\//],
  ['garbage collector', /^\(garbage collector\)$/],
  ['start-up (module loading, tsx, yaml)', /^node:internal\/modules|^pkg (tsx|yaml|esbuild)/],
];

export function categoryOf(a: string): string {
  for (const [name, re] of CATEGORIES) if (re.test(a)) return name;
  return 'other (builtins, crypto, timers, program)';
}

export function summarizeProfile(file: string, top = 25, filter?: RegExp): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self]
    .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
    .reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;

  const fnSelf = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = `${functionName || '(anonymous)'} ${area(url, functionName)}:${lineNumber + 1}`;
    fnSelf.set(name, (fnSelf.get(name) ?? 0) + t);
    const a = area(url, functionName);
    areaSelf.set(a, (areaSelf.get(a) ?? 0) + t);
    if (filter) {
      // charge t to every distinct matching frame on the stack
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur)!.callFrame;
        const key = `${f.functionName || '(anonymous)'} ${area(f.url, f.functionName)}:${f.lineNumber + 1}`;
        if (filter.test(key) && !seen.has(key)) {
          seen.add(key);
          inclusive.set(key, (inclusive.get(key) ?? 0) + t);
        }
      }
    }
  }
  const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)} %`;
  const lines: string[] = [];
  lines.push(
    `${file}: ${(total / 1e6).toFixed(2)} s sampled, busy ${(busy / 1e6).toFixed(2)} s (percentages of busy time)`,
  );
  const byCategory = new Map<string, number>();
  for (const [a, t] of areaSelf)
    if (a !== '(idle)') byCategory.set(categoryOf(a), (byCategory.get(categoryOf(a)) ?? 0) + t);
  lines.push('\nself time by category:');
  for (const [c, t] of [...byCategory].sort((x, y) => y[1] - x[1])) lines.push(`${pct(t)}  ${c}`);
  lines.push('\nself time by area:');
  for (const [a, t] of [...areaSelf].sort((x, y) => y[1] - x[1]).slice(0, top))
    if (a !== '(idle)') lines.push(`${pct(t)}  ${a}`);
  lines.push('\nself time by function:');
  for (const [f, t] of [...fnSelf].sort((x, y) => y[1] - x[1]).slice(0, top))
    if (!f.startsWith('(idle)')) lines.push(`${pct(t)}  ${f}`);
  if (filter) {
    lines.push(`\ninclusive time of frames matching ${filter}:`);
    for (const [f, t] of [...inclusive].sort((x, y) => y[1] - x[1]).slice(0, top))
      lines.push(`${pct(t)}  ${f}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top, filter] = process.argv.slice(2);
  if (!file) {
    console.error(
      'usage: npx tsx bench/lib/profile-summary.ts <file.cpuprofile> [top] [inclusive-filter-regex]',
    );
    process.exit(2);
  }
  console.log(summarizeProfile(file, Number(top ?? 25), filter ? new RegExp(filter) : undefined));
}
