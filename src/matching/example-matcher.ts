import type { Intent } from '../content/schemas';
import {
  defaultFeatureOptions,
  type FeatureOptions,
  FeatureSpace,
  type SparseVector,
} from './example-features';
import { defaultSoftmaxOptions, SoftmaxModel, type SoftmaxOptions } from './example-softmax';
import { defaultFillers } from './fillers';
import type { Candidate, CandidateSource } from './matcher';
import { type NormalizedText, normalize, tokens } from './normalize';

/**
 * Example-based matching: a multinomial logistic regression over sparse word, word-pair and
 * character n-gram features of the example sentences, trained with SGD when the index is built.
 *
 * A candidate's score is the model's probability of the intent, damped by how much of the message the
 * examples' vocabulary knows: score = p(intent | message) × √known, where `known` is the idf-weighted
 * share of the message's words seen in any example. A message made mostly of words no example uses
 * ("…and how do I cook pasta on mars") is not confidently anything, whatever the softmax says.
 * One more class, trained on `negatives` (by default the matcher's filler words) and never returned,
 * takes the probability of messages that are only politeness or function words ("please", "亲").
 *
 * After training, each feature's K weights are centred and the ones near zero dropped (see
 * example-softmax.ts), so a message costs its normalisation plus ~nnz × 25 multiply-adds.
 *
 * Scores are not calibrated probabilities of being right; `src/eval/calibrate.ts` turns a target
 * precision into a threshold on them by cross-validation.
 */

export interface LabelledExample {
  text: string;
  intent: string;
}

export interface ExampleIndexOptions {
  features: Partial<FeatureOptions>;
  training: Partial<SoftmaxOptions>;
  /** At most this many candidates per message, best first. Default 3. */
  maxCandidates: number;
  /** Candidates scoring below this are not returned. Default 0.05. */
  minScore: number;
  /** Fold traditional Chinese to simplified in `classify()` (as the matcher does). Default true. */
  simplify: boolean;
  /**
   * Texts that are no intent: trained as one more class that is never a candidate, so a message like
   * them ("please", "ok thanks") gives its probability mass to "nothing" rather than to the intent
   * with the fewest counter-examples. Default: the matcher's filler words, one per text.
   */
  negatives: readonly string[];
}

export interface ExampleMatch {
  /** Best intent, or null when the index has no intents or no word of the message is in an example. */
  intent: string | null;
  score: number;
  /** Best score of another intent. */
  second: number;
  /** idf-weighted share of the message's words known to the examples (0–1). */
  known: number;
}

export interface ExampleIndex {
  /** Intent ids, in model class order. */
  readonly intents: readonly string[];
  readonly examples: number;
  /** Distinct features learnt and weights kept (memory ∝ weights). */
  readonly features: number;
  readonly weights: number;
  readonly trainMs: number;
  /** Candidates for the matcher (a `CandidateSource`): best first, `source: 'example'`, `rule: -1`. */
  candidates: CandidateSource;
  /** The best intent of a normalised message with its score, without building candidates. */
  best(n: NormalizedText): ExampleMatch;
  /** `best(normalize(text))`. */
  classify(text: string): ExampleMatch;
}

export function buildExampleIndex(
  examples: readonly LabelledExample[],
  options: Partial<ExampleIndexOptions> = {},
): ExampleIndex {
  const t0 = performance.now();
  const maxCandidates = options.maxCandidates ?? 3;
  const minScore = options.minScore ?? 0.05;
  const simplify = options.simplify ?? true;
  const space = new FeatureSpace({ ...defaultFeatureOptions, ...options.features });
  const training = { ...defaultSoftmaxOptions, ...options.training };

  const intents: string[] = [];
  const classOf = new Map<string, number>();
  const ys: number[] = [];
  const normalized: NormalizedText[] = [];
  for (const e of examples) {
    let k = classOf.get(e.intent);
    if (k === undefined) {
      k = intents.length;
      classOf.set(e.intent, k);
      intents.push(e.intent);
    }
    ys.push(k);
    normalized.push(normalize(e.text, { simplify }));
  }
  const K = intents.length;
  // Class K, when there are negatives: "none of the intents".
  const negatives = K ? (options.negatives ?? defaultFillers) : [];
  for (const text of negatives) {
    const n = normalize(text, { simplify });
    if (!n.text) continue;
    ys.push(K);
    normalized.push(n);
  }
  const classes = K + (ys.length > examples.length ? 1 : 0);
  const xs = space.fit(normalized);
  const model = SoftmaxModel.train(xs, ys, Math.max(classes, 1), space.size, training);

  // Feature id → word, to explain a candidate by the words that voted for it.
  const wordOf = new Map<number, string>();
  for (const n of normalized.slice(0, examples.length)) {
    for (const t of tokens(n)) {
      const id = space.wordId(t);
      if (id >= 0 && !wordOf.has(id)) wordOf.set(id, t);
    }
  }

  const probs = new Float64Array(Math.max(classes, 1));

  function score(n: NormalizedText): SparseVector | undefined {
    if (!K) return undefined;
    const x = space.vector(n);
    if (!x.idx.length) return undefined;
    model.probabilities(x, probs);
    const damp = Math.sqrt(x.known);
    for (let k = 0; k < K; k++) probs[k]! *= damp;
    return x;
  }

  function best(n: NormalizedText): ExampleMatch {
    const x = score(n);
    // Not one word of the message occurs in an example: whatever the n-grams say, it is nothing known.
    if (!x || x.known === 0) return { intent: null, score: 0, second: 0, known: x?.known ?? 0 };
    let a = 0;
    let second = 0;
    for (let k = 1; k < K; k++) {
      if (probs[k]! > probs[a]!) {
        second = probs[a]!;
        a = k;
      } else if (probs[k]! > second) second = probs[k]!;
    }
    return { intent: intents[a]!, score: probs[a]!, second, known: x.known };
  }

  function candidates(n: NormalizedText): Candidate[] {
    const x = score(n);
    if (!x || x.known === 0) return [];
    const top: number[] = [];
    for (let k = 0; k < K; k++) {
      if (probs[k]! < minScore) continue;
      let i = top.length;
      while (i > 0 && probs[top[i - 1]!]! < probs[k]!) i--;
      if (i < maxCandidates) {
        top.splice(i, 0, k);
        if (top.length > maxCandidates) top.pop();
      }
    }
    return top.map((k) => {
      let words: string[] | undefined;
      return {
        intent: intents[k]!,
        score: probs[k]!,
        coverage: x.known,
        rule: -1,
        // Worked out only when someone reads them (explanations, logs): most messages never need it.
        get words() {
          words ??= votingWords(x, k);
          return words;
        },
        set words(value: string[]) {
          words = value;
        },
        source: 'example' as const,
      };
    });
  }

  /** Up to four words of the message that raise intent k most. */
  function votingWords(x: SparseVector, k: number): string[] {
    const votes: { word: string; v: number }[] = [];
    for (let j = 0; j < x.idx.length; j++) {
      const word = wordOf.get(x.idx[j]!);
      if (word === undefined) continue;
      const v = x.val[j]! * model.weight(x.idx[j]!, k);
      if (v > 0) votes.push({ word, v });
    }
    return votes
      .sort((p, q) => q.v - p.v)
      .slice(0, 4)
      .map((e) => e.word);
  }

  return {
    intents,
    examples: examples.length,
    features: space.size,
    weights: model.weights,
    trainMs: performance.now() - t0,
    candidates,
    best,
    classify: (text) => best(normalize(text, { simplify })),
  };
}

/** The `examples` of a pack's intents, labelled with their intent ids. */
export function packExamples(intents: readonly Intent[]): LabelledExample[] {
  return intents.flatMap((i) => i.examples.map((text) => ({ text, intent: i.id })));
}

/**
 * The example source for a content pack. The matcher lets any candidate of an `action: handoff`
 * intent win outright (a satisfied hand-off keyword is enough); an example score is a degree, so a
 * hand-off intent's example candidate is only passed on at or above `threshold`.
 */
export function packExampleSource(
  intents: readonly Intent[],
  threshold: number,
  options: Partial<ExampleIndexOptions> = {},
): { index: ExampleIndex; source: CandidateSource } {
  const index = buildExampleIndex(packExamples(intents), options);
  const handoff = new Set(intents.filter((i) => i.action === 'handoff').map((i) => i.id));
  const source: CandidateSource = (n) =>
    index.candidates(n).filter((c) => !handoff.has(c.intent) || c.score >= threshold);
  return { index, source };
}
