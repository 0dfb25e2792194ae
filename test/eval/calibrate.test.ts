import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  calibrate,
  chooseThreshold,
  nearDuplicateGroups,
  type ScoredLine,
  stratifiedFolds,
  wilsonLowerBound,
} from '../../src/eval/calibrate';
import { type LabelledLine, readLabelledCsv } from '../../src/eval/csv';
import { computeMetrics } from '../../src/eval/metrics';
import { buildExampleIndex } from '../../src/matching/example-matcher';
import { mulberry32 } from '../../src/matching/example-softmax';

const line = (score: number, expected: string | null, predicted: string | null = 'a'): ScoredLine => ({
  expected,
  predicted,
  score,
});

describe('chooseThreshold', () => {
  // Sorted by score: ✓ ✓ ✓ ✗ ✓ ✓ ✗ ✗ (✓ = right intent)
  const scored = [
    line(0.9, 'a'),
    line(0.8, 'a'),
    line(0.7, 'a'),
    line(0.6, 'b'),
    line(0.5, 'a'),
    line(0.4, 'a'),
    line(0.3, null),
    line(0.2, 'b'),
  ];

  it('picks the lowest threshold whose auto-answers reach the target (point estimate with z = 0)', () => {
    // precision at 0.4: 5/6 = 0.833; at 0.3: 5/7 = 0.714
    const c = chooseThreshold(scored, 0.8, 0);
    expect(c.threshold).toBe(0.4);
    expect(c.precision).toBeCloseTo(5 / 6, 12);
    expect(c.answered).toBe(6);
    expect(c.coverage).toBeCloseTo(5 / 7, 12);
    expect(c.falseAnswerRate).toBe(0);
    expect(chooseThreshold(scored, 0.7, 0).threshold).toBe(0.3);
  });

  it('is more careful with the Wilson lower bound', () => {
    const c = chooseThreshold(scored, 0.6, 1);
    expect(c.precisionLowerBound).toBeGreaterThanOrEqual(0.6);
    expect(c.threshold).toBeGreaterThan(chooseThreshold(scored, 0.6, 0).threshold);
  });

  it('answers lines with equal scores together', () => {
    const tied = [line(0.9, 'a'), line(0.5, 'a'), line(0.5, 'b'), line(0.1, 'b')];
    // Answering at 0.5 gives 2/3; the tie cannot be split to get 1/1 + one more.
    expect(chooseThreshold(tied, 0.9, 0).threshold).toBe(0.9);
    expect(chooseThreshold(tied, 0.6, 0).threshold).toBe(0.5);
  });

  it('answers nothing when no threshold reaches the target, and ignores lines without a prediction', () => {
    const c = chooseThreshold([line(0.9, 'b'), line(0.8, 'a', null)], 0.5, 0);
    expect(c.threshold).toBe(Number.POSITIVE_INFINITY);
    expect(c.answered).toBe(0);
    expect(c.coverage).toBe(0);
  });
});

describe('wilsonLowerBound', () => {
  it('matches the textbook value and shrinks with the sample', () => {
    // 95 of 100 at z = 1.96: 0.8883 (Wilson score interval)
    expect(wilsonLowerBound(95, 100, 1.96)).toBeCloseTo(0.8883, 3);
    expect(wilsonLowerBound(950, 1000, 1.96)).toBeGreaterThan(wilsonLowerBound(95, 100, 1.96));
    expect(wilsonLowerBound(0, 0, 1)).toBe(0);
  });
});

describe('stratifiedFolds', () => {
  it('spreads every label evenly over the folds', () => {
    const labels = [...Array(50).fill('a'), ...Array(20).fill('b'), ...Array(5).fill(null)];
    const fold = stratifiedFolds(labels, 5, 3);
    for (const l of ['a', 'b', null]) {
      const counts = [0, 0, 0, 0, 0];
      labels.forEach((x, i) => {
        if (x === l) counts[fold[i]!]!++;
      });
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it('keeps a group in one fold', () => {
    const labels = Array(30).fill('a');
    const groups = labels.map((_, i) => (i < 6 ? 0 : i));
    const fold = stratifiedFolds(labels, 5, 1, groups);
    expect(new Set(fold.slice(0, 6)).size).toBe(1);
  });
});

describe('nearDuplicateGroups', () => {
  it('joins near-identical lines of the same label only', () => {
    const lines: LabelledLine[] = [
      { line: 2, text: 'where is my parcel now', intent: 'track' },
      { line: 3, text: 'where is my parcel now please', intent: 'track' },
      { line: 4, text: 'can i get a refund', intent: 'refund' },
      { line: 5, text: 'where is my parcel now', intent: 'refund' },
      { line: 6, text: 'cancel the order', intent: 'track' },
    ];
    const g = nearDuplicateGroups(lines, 0.8);
    expect(g[0]).toBe(g[1]);
    expect(g[3]).not.toBe(g[0]);
    expect(new Set(g).size).toBe(4);
  });
});

/**
 * A synthetic shop: each intent has its own words, some shared with a "sibling" intent, and lines mix
 * them with filler; out-of-scope lines use filler and stray intent words. Hard enough that answering
 * everything is far below the target precision.
 */
function syntheticLines(n: number, seed: number): LabelledLine[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const K = 12;
  const own = Array.from({ length: K }, (_, k) => Array.from({ length: 8 }, (_, j) => `w${k}x${j}`));
  const filler = Array.from({ length: 40 }, (_, j) => `f${j}`);
  const out: LabelledLine[] = [];
  for (let i = 0; i < n; i++) {
    const words: string[] = [];
    let intent: string | null = null;
    if (rand() < 0.15) {
      words.push(pick(own[Math.floor(rand() * K)]!));
    } else {
      const k = Math.floor(rand() * K);
      intent = `intent-${k}`;
      const sibling = k ^ 1;
      // One to four of its own words, one of which is often the sibling's: short lines are the risky ones.
      const strong = 1 + Math.floor(rand() * 4);
      for (let j = 0; j < strong; j++) words.push(pick(own[k]!));
      if (rand() < 0.35) words[0] = pick(own[sibling]!);
    }
    const fill = 1 + Math.floor(rand() * 4);
    for (let j = 0; j < fill; j++) words.push(pick(filler));
    words.sort(() => rand() - 0.5);
    out.push({ line: i + 2, text: words.join(' '), intent });
  }
  return out;
}

function exampleScorer(train: readonly LabelledLine[]) {
  const index = buildExampleIndex(train.map((l) => ({ text: l.text, intent: l.intent! })));
  return (text: string) => index.classify(text);
}

/** Held-out precision and coverage of a model trained on all of `train`, answering at `threshold`. */
function heldOut(train: LabelledLine[], test: LabelledLine[], threshold: number) {
  const score = exampleScorer(train.filter((l) => l.intent !== null));
  return computeMetrics(
    test.map((l) => {
      const r = score(l.text);
      return { expected: l.intent, predicted: r.score >= threshold ? r.intent : null };
    }),
  );
}

describe('calibrate (cross-validation on the training lines)', () => {
  it('reaches the target precision on held-out synthetic lines', () => {
    const train = syntheticLines(1500, 11);
    const test = syntheticLines(1500, 12);
    const target = 0.9;
    const cal = calibrate(train, exampleScorer, { target, folds: 5 });
    expect(cal.scored).toHaveLength(train.length);
    expect(cal.choice.precision).toBeGreaterThanOrEqual(target);

    const answerAll = heldOut(train, test, 0);
    expect(answerAll.precision!).toBeLessThan(target - 0.05); // the threshold has work to do
    const m = heldOut(train, test, cal.choice.threshold);
    expect(m.precision!).toBeGreaterThanOrEqual(target - 0.01);
    expect(m.coverage!).toBeGreaterThan(0.3);
    // … and it is the lowest such threshold, not just a high one: much higher answers much less.
    expect(heldOut(train, test, Math.min(1, cal.choice.threshold + 0.2)).coverage!).toBeLessThan(m.coverage!);
  });

  // shared/ stands beside the repository (here and in CI).
  const clinc = fileURLToPath(new URL('../../../shared/data/clinc150', import.meta.url));
  it.skipIf(!existsSync(`${clinc}/train.csv`))(
    'reaches the target on a sample of CLINC150 val (30 intents)',
    () => {
      const read = (f: string) => readLabelledCsv(`${clinc}/${f}`).lines;
      const intents = new Set(
        [...new Set(read('val.csv').map((l) => l.intent!))].sort().filter((_, i) => i % 5 === 0),
      );
      // A fifth of the intents, and a fifth of the out-of-scope lines: the share of out-of-scope lines
      // stays as in the full set (precision depends on it).
      const keep = (l: LabelledLine, i: number) => (l.intent === null ? i % 5 === 0 : intents.has(l.intent));
      const train = [...read('train.csv').filter(keep), ...read('oos_train.csv').filter(keep)];
      const test = [...read('val.csv').filter(keep), ...read('oos_val.csv').filter(keep)];
      const cal = calibrate(train, exampleScorer, { target: 0.95, folds: 5, groupSimilarity: 0.6 });
      const m = heldOut(train, test, cal.choice.threshold);
      expect(m.precision!).toBeGreaterThanOrEqual(0.94);
      expect(m.coverage!).toBeGreaterThan(0.8);
    },
  );
});
