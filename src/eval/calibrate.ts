import { defaultFeatureOptions, FeatureSpace } from '../matching/example-features';
import { mulberry32 } from '../matching/example-softmax';
import { normalize } from '../matching/normalize';
import type { LabelledLine } from './csv';

/**
 * Threshold calibration: a shop states the precision it wants and gets the answer threshold.
 *
 * 1. k-fold cross-validation over the shop's labelled lines, stratified by label: a model is trained
 *    on k−1 folds (lines with an intent only) and scores every line of the held-out fold — including
 *    out-of-scope lines, whose answer is always wrong. Every line is scored once, by a model that has
 *    not seen it.
 * 2. Over the pooled held-out scores, the lowest threshold at which the auto-answers (score ≥ t) reach
 *    the target precision is chosen — the lowest, because it answers the most. "Reach" is judged on
 *    the Wilson lower bound of the precision (z = 1 by default, about one standard error) rather than
 *    the point estimate, so a few hundred lines give a safer threshold than a lucky streak would.
 */

export interface ScoredLine {
  expected: string | null;
  /** The model's best intent (null: it has none). */
  predicted: string | null;
  score: number;
}

export interface ThresholdChoice {
  /** Answer when score ≥ threshold; Infinity when no threshold reaches the target (answer nothing). */
  threshold: number;
  target: number;
  /** Figures of the held-out lines at that threshold. */
  precision: number | null;
  precisionLowerBound: number | null;
  coverage: number | null;
  falseAnswerRate: number | null;
  answered: number;
  lines: number;
}

export function wilsonLowerBound(successes: number, n: number, z: number): number {
  if (n === 0) return 0;
  const p = successes / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

/** The lowest threshold whose auto-answers reach `target` precision (see the module comment). */
export function chooseThreshold(scored: readonly ScoredLine[], target: number, z = 1): ThresholdChoice {
  const inScope = scored.filter((s) => s.expected !== null).length;
  const outOfScope = scored.length - inScope;
  const answerable = scored.filter((s) => s.predicted !== null).sort((a, b) => b.score - a.score);
  let best: ThresholdChoice = {
    threshold: Number.POSITIVE_INFINITY,
    target,
    precision: null,
    precisionLowerBound: null,
    coverage: inScope ? 0 : null,
    falseAnswerRate: outOfScope ? 0 : null,
    answered: 0,
    lines: scored.length,
  };
  let answered = 0;
  let correct = 0;
  let oos = 0;
  for (let i = 0; i < answerable.length; i++) {
    const s = answerable[i]!;
    answered++;
    if (s.predicted === s.expected) correct++;
    if (s.expected === null) oos++;
    // Lines with equal scores are answered together: judge only at the end of a run of ties.
    if (i + 1 < answerable.length && answerable[i + 1]!.score === s.score) continue;
    const lower = wilsonLowerBound(correct, answered, z);
    if (lower >= target) {
      best = {
        threshold: s.score,
        target,
        precision: correct / answered,
        precisionLowerBound: lower,
        coverage: inScope ? correct / inScope : null,
        falseAnswerRate: outOfScope ? oos / outOfScope : null,
        answered,
        lines: scored.length,
      };
    }
  }
  return best;
}

/**
 * Fold number (0 … k−1) of each line, stratified by label: every label's groups (by default, each
 * line is its own group), shuffled, each given to the fold that holds the fewest of that label's lines.
 * Lines of one group always share a fold.
 */
export function stratifiedFolds(
  labels: readonly (string | null)[],
  k: number,
  seed = 1,
  groups?: readonly number[],
): number[] {
  const rand = mulberry32(seed);
  const byLabel = new Map<string, Map<number, number[]>>();
  labels.forEach((l, i) => {
    const key = l ?? '\u0000out-of-scope';
    let lg = byLabel.get(key);
    if (!lg) {
      lg = new Map();
      byLabel.set(key, lg);
    }
    const g = groups?.[i] ?? i;
    const list = lg.get(g);
    if (list) list.push(i);
    else lg.set(g, [i]);
  });
  const fold = new Array<number>(labels.length).fill(0);
  const total = new Array<number>(k).fill(0);
  for (const key of [...byLabel.keys()].sort()) {
    const list = [...byLabel.get(key)!.values()];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    // Big groups first, each to the fold with the fewest lines of this label (ties: fewest overall).
    list.sort((a, b) => b.length - a.length);
    const mine = new Array<number>(k).fill(0);
    for (const g of list) {
      let f = 0;
      for (let c = 1; c < k; c++)
        if (mine[c]! < mine[f]! || (mine[c] === mine[f] && total[c]! < total[f]!)) f = c;
      for (const line of g) fold[line] = f;
      mine[f]! += g.length;
      total[f]! += g.length;
    }
  }
  return fold;
}

/**
 * Groups of near-duplicate lines: lines of the same label whose word vectors have cosine ≥ `similarity`
 * are joined (transitively). Held out together, a paraphrase cannot vouch for its twin in training —
 * without this, cross-validation on crowd-sourced or templated history is optimistic.
 */
export function nearDuplicateGroups(lines: readonly LabelledLine[], similarity: number): number[] {
  const space = new FeatureSpace({ ...defaultFeatureOptions, charNgrams: [] });
  const xs = space.fit(lines.map((l) => normalize(l.text)));
  const parent = Array.from(lines.keys());
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const byLabel = new Map<string | null, number[]>();
  lines.forEach((l, i) => {
    const list = byLabel.get(l.intent);
    if (list) list.push(i);
    else byLabel.set(l.intent, [i]);
  });
  for (const members of byLabel.values()) {
    const postings = new Map<number, { line: number; v: number }[]>();
    const dot = new Map<number, number>();
    for (const i of members) {
      const x = xs[i]!;
      dot.clear();
      for (let j = 0; j < x.idx.length; j++) {
        for (const p of postings.get(x.idx[j]!) ?? [])
          dot.set(p.line, (dot.get(p.line) ?? 0) + p.v * x.val[j]!);
      }
      for (const [other, d] of dot) if (d >= similarity) parent[find(i)] = find(other);
      for (let j = 0; j < x.idx.length; j++) {
        const list = postings.get(x.idx[j]!);
        const p = { line: i, v: x.val[j]! };
        if (list) list.push(p);
        else postings.set(x.idx[j]!, [p]);
      }
    }
  }
  return lines.map((_, i) => find(i));
}

/** Trains on lines with an intent; returns a scorer of texts. */
export type TrainScorer = (
  train: readonly LabelledLine[],
) => (text: string) => { intent: string | null; score: number };

/** Every line scored by a model trained on the other folds. */
export function crossValidatedScores(
  lines: readonly LabelledLine[],
  train: TrainScorer,
  k = 5,
  seed = 1,
  groupSimilarity?: number,
): ScoredLine[] {
  if (k < 2) throw new Error('cross-validation needs at least 2 folds');
  const groups = groupSimilarity === undefined ? undefined : nearDuplicateGroups(lines, groupSimilarity);
  const fold = stratifiedFolds(
    lines.map((l) => l.intent),
    k,
    seed,
    groups,
  );
  const out = new Array<ScoredLine>(lines.length);
  for (let f = 0; f < k; f++) {
    const trainLines = lines.filter((l, i) => fold[i] !== f && l.intent !== null);
    const score = train(trainLines);
    lines.forEach((l, i) => {
      if (fold[i] !== f) return;
      const r = score(l.text);
      out[i] = { expected: l.intent, predicted: r.intent, score: r.score };
    });
  }
  return out;
}

export interface Calibration {
  choice: ThresholdChoice;
  folds: number;
  /** Held-out scores of every training line, in file order. */
  scored: ScoredLine[];
  ms: number;
}

export function calibrate(
  lines: readonly LabelledLine[],
  train: TrainScorer,
  options: { target: number; folds?: number; seed?: number; z?: number; groupSimilarity?: number },
): Calibration {
  const t0 = performance.now();
  const folds = options.folds ?? 5;
  const scored = crossValidatedScores(lines, train, folds, options.seed ?? 1, options.groupSimilarity);
  return {
    choice: chooseThreshold(scored, options.target, options.z ?? 1),
    folds,
    scored,
    ms: performance.now() - t0,
  };
}
