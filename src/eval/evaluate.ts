import type { ContentPack } from '../content/content-pack';
import type { Intent } from '../content/schemas';
import {
  buildExampleIndex,
  type ExampleIndex,
  type ExampleIndexOptions,
  packExampleSource,
} from '../matching/example-matcher';
import { compileMatcher, defaultMatcherOptions, type Matcher } from '../matching/matcher';
import { type Calibration, calibrate } from './calibrate';
import type { LabelledLine } from './csv';
import { computeMetrics, type EvalMetrics, type Outcome, percentile } from './metrics';

export interface Timing {
  p50: number;
  p99: number;
}

export interface EvalReport extends EvalMetrics {
  mode: 'pack' | 'train';
  /** The answer threshold used (null: nothing is answered). */
  threshold: number | null;
  targetPrecision: number;
  /**
   * Per call of `matcher.match()` (normalise, keywords, examples, decision) after a warm-up pass: each
   * line's median of 3 timed runs, then p50/p99 over the lines. `msPerQuery` in ms, `usPerQuery` in µs.
   */
  msPerQuery: Timing;
  usPerQuery: Timing;
  /** Which source the winning candidate of each auto-answer came from. */
  answeredBy: AnsweredBy;
  /** Labels in the data that the evaluated pack has no intent for: such lines can never be answered right. */
  unknownLabels: string[];
  pack: { intents: number; examples: number; trainMs: number | null };
  /** Train mode: the cross-validated choice of the threshold on the training file. */
  calibration?: {
    folds: number;
    lines: number;
    precision: number | null;
    precisionLowerBound: number | null;
    coverage: number | null;
    falseAnswerRate: number | null;
    ms: number;
  };
}

/** Runs every line through the matcher; the decision is the intent it acts on (or null: hand-off). */
export function runMatcher(
  matcher: Matcher,
  lines: readonly LabelledLine[],
  rounds = 3,
): { outcomes: Outcome[]; micros: number[]; answeredBy: AnsweredBy } {
  // Warm-up: JIT compilation and caches are not what a long-running bot pays per message.
  for (const l of lines.slice(0, 200)) matcher.match(l.text);
  const outcomes: Outcome[] = [];
  const answeredBy: AnsweredBy = { keyword: 0, example: 0 };
  // Each line timed in `rounds` passes; its median filters preemption by other processes.
  const times = lines.map(() => new Float64Array(rounds));
  for (let round = 1; round < rounds; round++) {
    lines.forEach((l, i) => {
      const t = performance.now();
      matcher.match(l.text);
      times[i]![round] = (performance.now() - t) * 1000;
    });
  }
  for (const [i, l] of lines.entries()) {
    const t = performance.now();
    const r = matcher.match(l.text);
    times[i]![0] = (performance.now() - t) * 1000;
    const predicted = r.intent?.id ?? null;
    outcomes.push({ expected: l.intent, predicted });
    if (predicted !== null) {
      const winner = r.candidates.find((c) => c.intent === predicted && !c.vetoedBy);
      if (winner) answeredBy[winner.source]++;
    }
  }
  const micros = times.map((t) => t.sort()[t.length >> 1]!);
  return { outcomes, micros, answeredBy };
}

/** Which candidate source the auto-answers came from. */
export interface AnsweredBy {
  keyword: number;
  example: number;
}

function report(
  mode: EvalReport['mode'],
  matcher: Matcher,
  lines: readonly LabelledLine[],
  targetPrecision: number,
  pack: EvalReport['pack'],
): EvalReport {
  const { outcomes, micros, answeredBy } = runMatcher(matcher, lines);
  const handoff = new Set(
    [...matcher.intents.values()].filter((i) => i.action === 'handoff').map((i) => i.id),
  );
  const metrics = computeMetrics(outcomes, handoff);
  const labels = new Set(lines.map((l) => l.intent).filter((l): l is string => l !== null));
  const us = { p50: percentile(micros, 50), p99: percentile(micros, 99) };
  const threshold = matcher.options.threshold;
  return {
    mode,
    threshold: Number.isFinite(threshold) ? threshold : null,
    targetPrecision,
    ...metrics,
    msPerQuery: { p50: us.p50 / 1000, p99: us.p99 / 1000 },
    usPerQuery: us,
    answeredBy,
    unknownLabels: [...labels].filter((l) => !matcher.intents.has(l)).sort(),
    pack,
  };
}

/** The live pack: keyword rules plus its intents' examples, at the matcher's default thresholds. */
export function evaluatePack(
  pack: ContentPack,
  lines: readonly LabelledLine[],
  options: { targetPrecision?: number; index?: Partial<ExampleIndexOptions> } = {},
): EvalReport {
  const threshold = defaultMatcherOptions.threshold;
  const { index, source } = packExampleSource(pack.intents, threshold, options.index);
  const matcher = compileMatcher(pack.intents, {}, [source]);
  return report('pack', matcher, lines, options.targetPrecision ?? 0.95, {
    intents: pack.intents.length,
    examples: index.examples,
    trainMs: index.trainMs,
  });
}

export interface TrainedPack {
  intents: Intent[];
  index: ExampleIndex;
  matcher: Matcher;
  calibration: Calibration;
}

/**
 * How a shop bootstraps from its own history: one intent per label of the training lines, matched by
 * their examples only, with the answer threshold calibrated on the same lines by cross-validation.
 */
export function trainPack(
  train: readonly LabelledLine[],
  options: {
    targetPrecision: number;
    folds?: number;
    seed?: number;
    groupSimilarity?: number;
    index?: Partial<ExampleIndexOptions>;
  },
): TrainedPack {
  const indexOptions = (minScore: number): Partial<ExampleIndexOptions> => ({ ...options.index, minScore });
  const calibration = calibrate(
    train,
    (lines) => {
      const index = buildExampleIndex(
        lines.map((l) => ({ text: l.text, intent: l.intent! })),
        indexOptions(0),
      );
      return (text) => index.classify(text);
    },
    {
      target: options.targetPrecision,
      folds: options.folds,
      seed: options.seed,
      groupSimilarity: options.groupSimilarity,
    },
  );
  const threshold = calibration.choice.threshold;
  const labelled = train.filter((l) => l.intent !== null);
  const index = buildExampleIndex(
    labelled.map((l) => ({ text: l.text, intent: l.intent! })),
    indexOptions(Math.min(0.05, threshold)),
  );
  const intents: Intent[] = index.intents.map((id) => ({
    id,
    action: 'reply',
    smalltalk: false,
    priority: 50,
    tier: 'general',
    rules: [],
    examples: labelled.filter((l) => l.intent === id).map((l) => l.text),
  }));
  // The example score alone decides: no ambiguity margin (the softmax already splits close calls).
  const matcher = compileMatcher(intents, { threshold, ambiguityMargin: 0 }, [index.candidates]);
  return { intents, index, matcher, calibration };
}

export function evaluateTrained(
  trained: TrainedPack,
  lines: readonly LabelledLine[],
  targetPrecision: number,
): EvalReport {
  const { calibration, index } = trained;
  const c = calibration.choice;
  return {
    ...report('train', trained.matcher, lines, targetPrecision, {
      intents: index.intents.length,
      examples: index.examples,
      trainMs: index.trainMs,
    }),
    calibration: {
      folds: calibration.folds,
      lines: c.lines,
      precision: c.precision,
      precisionLowerBound: c.precisionLowerBound,
      coverage: c.coverage,
      falseAnswerRate: c.falseAnswerRate,
      ms: calibration.ms,
    },
  };
}
