import { describe, expect, it } from 'vitest';
import { computeMetrics, percentile } from '../../src/eval/metrics';

describe('computeMetrics', () => {
  // 10 lines, worked out by hand:
  //   refund ×4: answered refund, refund, logistics, (hand-off)
  //   logistics ×2: answered logistics, (hand-off)
  //   human ×1: answered human (correct handling of a hand-off intent)
  //   out of scope ×3: answered refund, human, (hand-off)
  // auto-answers: refund×3, logistics×2, human×2 = 7; correct: 2 refund + 1 logistics + 1 human = 4
  const outcomes = [
    { expected: 'refund', predicted: 'refund' },
    { expected: 'refund', predicted: 'refund' },
    { expected: 'refund', predicted: 'logistics' },
    { expected: 'refund', predicted: null },
    { expected: 'logistics', predicted: 'logistics' },
    { expected: 'logistics', predicted: null },
    { expected: 'human', predicted: 'human' },
    { expected: null, predicted: 'refund' },
    { expected: null, predicted: 'human' },
    { expected: null, predicted: null },
  ];
  const m = computeMetrics(outcomes, new Set(['human']));

  it('counts precision over auto-answers, coverage over lines with an intent', () => {
    expect(m).toMatchObject({ lines: 10, inScope: 7, outOfScope: 3, answered: 7, correct: 4 });
    expect(m.precision).toBeCloseTo(4 / 7, 12);
    expect(m.coverage).toBeCloseTo(4 / 7, 12);
  });

  it('counts every auto-answered out-of-scope line as a false answer, hand-off intents included', () => {
    expect(m.falseAnswerRate).toBeCloseTo(2 / 3, 12);
    expect(m.wrongAnswers).toBe(3);
    expect(m.wrongHandoffs).toBe(1);
  });

  it('gives per-intent support (labels), answered (predictions) and correct', () => {
    expect(m.perIntent).toEqual({
      human: { support: 1, answered: 2, correct: 1, precision: 0.5, coverage: 1 },
      logistics: { support: 2, answered: 2, correct: 1, precision: 0.5, coverage: 0.5 },
      refund: { support: 4, answered: 3, correct: 2, precision: 2 / 3, coverage: 0.5 },
    });
  });

  it('lists the wrong auto-answers by frequency', () => {
    const twice = computeMetrics([...outcomes, { expected: 'refund', predicted: 'logistics' }]);
    expect(twice.topErrors[0]).toEqual({ expected: 'refund', predicted: 'logistics', count: 2 });
    expect(twice.topErrors).toHaveLength(3);
    expect(twice.wrongHandoffs).toBe(0);
  });

  it('uses null where a ratio has no denominator', () => {
    const none = computeMetrics([{ expected: 'refund', predicted: null }]);
    expect(none.precision).toBeNull();
    expect(none.coverage).toBe(0);
    expect(none.falseAnswerRate).toBeNull();
    expect(computeMetrics([{ expected: null, predicted: null }]).coverage).toBeNull();
  });
});

describe('percentile', () => {
  it('is the nearest-rank percentile', () => {
    const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 99)).toBe(10);
    expect(percentile(v, 10)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});
