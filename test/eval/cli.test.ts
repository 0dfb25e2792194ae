import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/matching/example-softmax';

const root = join(import.meta.dirname, '..', '..');
let dir: string;

function evalCli(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync('npx', ['tsx', 'src/cli/eval.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const csv = (rows: [string, string][]) =>
  `text,intent\n${rows.map(([t, i]) => `${csvField(t)},${i}`).join('\n')}\n`;

/** Shop-like English lines from templates: four intents plus out-of-scope chatter. */
function shopLines(n: number, seed: number): [string, string][] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const items = ['shoes', 'dress', 'phone case', 'jacket', 'lamp', 'backpack', 'mug', 'scarf'];
  const templates: Record<string, string[]> = {
    refund: [
      'i want a refund for the {}',
      'refund my {} please',
      'how do i get my money back for the {}',
      'when is my refund for the {} coming',
    ],
    logistics: [
      'where is my {}',
      'my {} has not arrived yet',
      'track the parcel with my {}',
      'the {} delivery is late',
    ],
    size: [
      'what size {} should i buy',
      'does the {} run small',
      'is the {} true to size',
      'size chart for the {}',
    ],
    cancel: [
      'cancel my order for the {}',
      'i want to cancel the {}',
      'please stop the order, the {}',
      'can i still cancel the {} order',
    ],
    '': [
      'do you like football',
      'what is the weather in paris',
      'tell me a joke about the {}',
      'who won the election',
    ],
  };
  return Array.from({ length: n }, () => {
    const intent = pick(Object.keys(templates));
    return [pick(templates[intent]!).replace('{}', pick(items)), intent] as [string, string];
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
  writeFileSync(join(dir, 'train.csv'), csv(shopLines(400, 1)));
  writeFileSync(join(dir, 'data.csv'), csv(shopLines(120, 2)));
  writeFileSync(
    join(dir, 'bad.csv'),
    'text,intent\nwhere is my parcel,logistics\ntoo,many,fields\n"never closed,refund\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each case starts `npx tsx` (1–3 s) and some train twice: generous on a shared 2-core box.
describe('npm run eval (child process)', { timeout: 60_000 }, () => {
  it('trains on --train, calibrates, and prints the JSON report', () => {
    const r = evalCli(
      '--data',
      join(dir, 'data.csv'),
      '--train',
      join(dir, 'train.csv'),
      '--json',
      '--target-precision',
      '0.9',
    );
    expect(r.stderr).not.toMatch(/unexpected/);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    for (const key of [
      'precision',
      'coverage',
      'falseAnswerRate',
      'perIntent',
      'threshold',
      'lines',
      'msPerQuery',
    ]) {
      expect(report).toHaveProperty(key);
    }
    expect(report.lines).toBe(120);
    expect(report.mode).toBe('train');
    expect(report.threshold).toBeGreaterThan(0);
    expect(report.precision).toBeCloseTo(report.correct / report.answered, 12);
    expect(report.coverage).toBeCloseTo(report.correct / report.inScope, 12);
    expect(report.coverage).toBeGreaterThan(0.5);
    expect(report.msPerQuery.p50).toBeGreaterThan(0);
    expect(report.msPerQuery.p99).toBeGreaterThanOrEqual(report.msPerQuery.p50);
    const per = Object.values(report.perIntent) as { support: number; answered: number; correct: number }[];
    expect(per.reduce((s, m) => s + m.support, 0)).toBe(report.inScope);
    expect(per.reduce((s, m) => s + m.answered, 0)).toBe(report.answered);
    expect(Object.keys(report.perIntent).sort()).toEqual(['cancel', 'logistics', 'refund', 'size']);
    expect(report.calibration.precision).toBeGreaterThanOrEqual(0.9);
  });

  it('prints a readable table without --json', () => {
    const r = evalCli('--data', join(dir, 'data.csv'), '--train', join(dir, 'train.csv'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/precision\s+\d+\.\d %/);
    expect(r.stdout).toMatch(/coverage\s+\d+\.\d %/);
    expect(r.stdout).toMatch(/Threshold: 0\.\d+/);
  });

  it('measures a live pack given by --intents/--replies', () => {
    const pack = join(dir, 'pack');
    mkdirSync(join(pack, 'intents'), { recursive: true });
    mkdirSync(join(pack, 'replies'), { recursive: true });
    const w = (f: string, s: string) => writeFileSync(join(pack, f), s);
    w(
      'intents/logistics.yaml',
      'id: logistics\nrules:\n  - any: [tracking number, where is my parcel]\nexamples: [where is my parcel]\n',
    );
    w(
      'intents/human.yaml',
      'id: human\naction: handoff\nrules:\n  - any: [human agent]\nexamples: [talk to a human agent]\n',
    );
    for (const id of ['logistics', 'greeting', 'handoff', 'away'])
      w(`replies/${id}.yaml`, `id: ${id}\ntext:\n  en: [ok]\n`);
    w(
      'data.csv',
      csv([
        ['what is my tracking number', 'logistics'],
        ['human agent please', 'human'],
        ['nice weather', ''],
        ['refund?', 'refund'],
      ]),
    );
    const r = evalCli(
      '--data',
      join(pack, 'data.csv'),
      '--intents',
      join(pack, 'intents'),
      '--replies',
      join(pack, 'replies'),
      '--json',
    );
    expect(r.stderr).not.toMatch(/unexpected|cannot load/);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.mode).toBe('pack');
    expect(report.perIntent.logistics).toMatchObject({ support: 1, correct: 1 });
    expect(report.perIntent.human).toMatchObject({ support: 1, correct: 1 });
    expect(report.falseAnswerRate).toBe(0);
    expect(report.unknownLabels).toEqual(['refund']);
  });

  it.each([
    [[], '--data'],
    [['--data', 'x.csv', '--target-precision', '1.5'], '--target-precision'],
    [['--data', 'x.csv', '--target-precision', 'high'], '--target-precision'],
    [['--data', 'x.csv', '--folds', '1'], '--folds'],
    [['--data', 'x.csv', '--bogus'], 'bogus'],
    [['--data', '/no/such/file.csv'], '--data'],
  ])('exits 2 naming the argument: %j', (args, flag) => {
    const r = evalCli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.stdout).toBe('');
  });

  it('exits 2 naming --train when it does not exist', () => {
    const r = evalCli('--data', join(dir, 'data.csv'), '--train', join(dir, 'missing.csv'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--train');
  });

  it('rejects a file with bad rows, listing their line numbers; --on-bad-line skip goes on', () => {
    const bad = join(dir, 'bad.csv');
    const r = evalCli('--data', bad, '--train', join(dir, 'train.csv'), '--json');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:3:`);
    expect(r.stderr).toContain(`${bad}:4:`);
    const skipped = evalCli(
      '--data',
      bad,
      '--train',
      join(dir, 'train.csv'),
      '--json',
      '--on-bad-line',
      'skip',
    );
    expect(skipped.status).toBe(0);
    expect(JSON.parse(skipped.stdout).lines).toBe(1);
  });
});
