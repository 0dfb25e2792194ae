/**
 * What the eval counts. One labelled line has an expected intent, or null (out of scope: the bot must
 * not answer it), and the matcher's decision: the intent the bot acts on, or null (hand-off).
 *
 * An auto-answer is a decision for an intent — whatever that intent's action: a template reply, or
 * the explicit hand-off of an `action: handoff` intent such as `human` (which also sends the hand-off
 * notice and picks a routing tier). It is correct when it is the expected intent, so `human` for a
 * line labelled `human` is correct handling, while `human` for a line labelled `refund`, or for an
 * out-of-scope line, counts as a wrong auto-answer (conservative: no wrong information was sent, but
 * the message was misrouted; `wrongHandoffs` shows how many of the wrong answers were of that kind).
 *
 *   precision       = correct auto-answers / auto-answers            (null when nothing was answered)
 *   coverage        = correct auto-answers / lines with an intent    (null when no line has one)
 *   falseAnswerRate = out-of-scope lines auto-answered / out-of-scope lines (null when there are none)
 */

export interface Outcome {
  expected: string | null;
  predicted: string | null;
}

export interface IntentMetrics {
  /** Lines labelled with the intent. */
  support: number;
  /** Auto-answers for the intent, whatever the line's label. */
  answered: number;
  /** Lines labelled with the intent and answered with it. */
  correct: number;
  /** correct / answered, null when never answered. */
  precision: number | null;
  /** correct / support, null when no line has the intent. */
  coverage: number | null;
}

export interface ErrorCount {
  /** Expected intent, null for out-of-scope lines. */
  expected: string | null;
  predicted: string;
  count: number;
}

export interface EvalMetrics {
  lines: number;
  /** Lines with an intent. */
  inScope: number;
  /** Lines without one (the bot must not answer). */
  outOfScope: number;
  answered: number;
  correct: number;
  precision: number | null;
  coverage: number | null;
  falseAnswerRate: number | null;
  /** Wrong auto-answers, and those among them that were hand-off intents (misroutes, not wrong replies). */
  wrongAnswers: number;
  wrongHandoffs: number;
  perIntent: Record<string, IntentMetrics>;
  /** The most frequent wrong auto-answers, most frequent first (at most 10). */
  topErrors: ErrorCount[];
}

export function computeMetrics(
  outcomes: readonly Outcome[],
  handoffIntents: ReadonlySet<string> = new Set(),
): EvalMetrics {
  const per = new Map<string, { support: number; answered: number; correct: number }>();
  const entry = (id: string) => {
    let e = per.get(id);
    if (!e) {
      e = { support: 0, answered: 0, correct: 0 };
      per.set(id, e);
    }
    return e;
  };
  const errors = new Map<string, ErrorCount>();
  let inScope = 0;
  let answered = 0;
  let correct = 0;
  let oosAnswered = 0;
  let wrongHandoffs = 0;
  for (const { expected, predicted } of outcomes) {
    if (expected !== null) {
      inScope++;
      entry(expected).support++;
    }
    if (predicted === null) continue;
    answered++;
    entry(predicted).answered++;
    if (predicted === expected) {
      correct++;
      entry(predicted).correct++;
      continue;
    }
    if (expected === null) oosAnswered++;
    if (handoffIntents.has(predicted)) wrongHandoffs++;
    const key = `${expected ?? ''}\u0000${predicted}`;
    const err = errors.get(key);
    if (err) err.count++;
    else errors.set(key, { expected, predicted, count: 1 });
  }
  const outOfScope = outcomes.length - inScope;
  const perIntent: Record<string, IntentMetrics> = {};
  for (const id of [...per.keys()].sort()) {
    const e = per.get(id)!;
    perIntent[id] = { ...e, precision: ratio(e.correct, e.answered), coverage: ratio(e.correct, e.support) };
  }
  const topErrors = [...errors.values()]
    .sort((a, b) => b.count - a.count || String(a.expected).localeCompare(String(b.expected)))
    .slice(0, 10);
  return {
    lines: outcomes.length,
    inScope,
    outOfScope,
    answered,
    correct,
    precision: ratio(correct, answered),
    coverage: ratio(correct, inScope),
    falseAnswerRate: ratio(oosAnswered, outOfScope),
    wrongAnswers: answered - correct,
    wrongHandoffs,
    perIntent,
    topErrors,
  };
}

export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** Nearest-rank percentile of a sample (p in 0–100); NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
