/**
 * Diagnostic: the fixed memory cost of start-up, module by module — RSS and heap after importing each
 * of the heavy parts of the app in turn (after a full GC), as the memory benchmark's baseline is
 * mostly code and libraries, not conversations.
 *
 *   node --expose-gc --import tsx bench/lib/import-rss.ts [--natural-parts]
 *
 * --natural-parts: only the two pieces of natural the matcher uses (Porter stemmer, Levenshtein
 * distances), by their file paths, instead of the whole package.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fmt, table } from './stats';

setFlagsFromString('--expose-gc');
const gc = ((globalThis as { gc?: () => void }).gc ?? runInNewContext('gc')) as () => void;
const MB = 1024 * 1024;

/** A specifier in a variable: no type declarations exist for natural's inner files. */
const importPath = (specifier: string) => import(specifier);

const naturalParts: [string, () => Promise<unknown>][] = [
  [
    'natural/lib/natural/stemmers/porter_stemmer',
    () => importPath('natural/lib/natural/stemmers/porter_stemmer.js'),
  ],
  [
    'natural/lib/natural/distance/levenshtein_distance',
    () => importPath('natural/lib/natural/distance/levenshtein_distance.js'),
  ],
];

const whole: [string, () => Promise<unknown>][] = [
  ['natural (stemmer, distance)', () => import('natural')],
  ['src/matching/matcher', () => import('../../src/matching/matcher')],
  ['src/store/database (kysely, better-sqlite3, pg)', () => import('../../src/store/database')],
  ['src/inbound/handle-message', () => import('../../src/inbound/handle-message')],
  [
    'src/channels/bottender (adapters; bottender itself not yet)',
    () => import('../../src/channels/bottender'),
  ],
  ['src/services (all the rest)', () => import('../../src/services')],
  ['src/app (express, routes)', () => import('../../src/app')],
  // What a process with a platform channel enabled loads on top (src/channels/bottender/load.ts).
  [
    'bottender + messaging-api-common (only with a platform channel)',
    async () => {
      const { bottender, messagingCommon } = await import('../../src/channels/bottender/load');
      return { ...bottender(), ...messagingCommon() };
    },
  ],
];

const rows: string[][] = [];
let last = process.memoryUsage();
const measure = (label: string) => {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  rows.push([
    label,
    fmt(m.rss / MB, 1),
    fmt((m.rss - last.rss) / MB, 1),
    fmt(m.heapUsed / MB, 1),
    fmt((m.heapUsed - last.heapUsed) / MB, 1),
  ]);
  last = m;
};
measure('node + tsx loader, nothing imported');
const steps = process.argv.includes('--natural-parts') ? naturalParts : whole;
for (const [label, load] of steps) {
  const mod = (await load()) as Record<string, unknown>;
  if (!Object.keys(mod).length) throw new Error(`${label}: nothing exported`);
  measure(`+ ${label}`);
}
console.log(table(['after importing', 'RSS MB', 'Δ RSS MB', 'heap used MB', 'Δ heap MB'], rows));
