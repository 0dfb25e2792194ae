import { describe, expect, it } from 'vitest';
import type { Intent } from '../../src/content/schemas';
import { buildExampleIndex, packExampleSource, packExamples } from '../../src/matching/example-matcher';
import { compileMatcher } from '../../src/matching/matcher';
import { normalize } from '../../src/matching/normalize';

const examples = [
  ...[
    'where is my parcel',
    'my package has not arrived',
    'track my order please',
    'when will my parcel arrive',
  ].map((text) => ({ text, intent: 'logistics' })),
  ...[
    'i want a refund',
    'refund my money please',
    'how do i get my money back',
    'when will the refund arrive',
  ].map((text) => ({ text, intent: 'refund' })),
  ...['什么时候发货', '今天能发货吗', '几天发货', '下单后多久发货'].map((text) => ({
    text,
    intent: 'shipping-time',
  })),
  ...['我要退货', '怎么退货', '可以退货吗', '退货地址是哪里'].map((text) => ({ text, intent: 'return' })),
];
const index = buildExampleIndex(examples);

describe('buildExampleIndex', () => {
  it('ranks the intent whose examples the message resembles', () => {
    expect(index.classify('where is my parcel now').intent).toBe('logistics');
    expect(index.classify('please refund my money').intent).toBe('refund');
    expect(index.classify('请问什么时候能发货').intent).toBe('shipping-time');
    expect(index.classify('退貨怎麼弄').intent).toBe('return'); // traditional characters fold to simplified
    expect(index.classify('where is my parcle').intent).toBe('logistics'); // character n-grams absorb the typo
  });

  it('returns matcher candidates: example source, rule -1, scores in 0–1 best first, the words that voted', () => {
    const cands = index.candidates(normalize('where is my parcel'));
    expect(cands.length).toBeGreaterThan(0);
    expect(cands.length).toBeLessThanOrEqual(3);
    expect(cands[0]).toMatchObject({ intent: 'logistics', rule: -1, source: 'example' });
    expect(cands[0]!.words).toContain('parcel');
    for (const c of cands) {
      expect(c.score).toBeGreaterThan(0);
      expect(c.score).toBeLessThanOrEqual(1);
    }
    expect([...cands].sort((a, b) => b.score - a.score)).toEqual(cands);
    expect(index.candidates(normalize('where is my parcel'))[0]!.score).toBe(
      index.classify('where is my parcel').score,
    );
  });

  it('is not confident about messages made of words no example uses', () => {
    expect(index.candidates(normalize('zebra quantum xylophone'))).toEqual([]);
    expect(index.classify('zebra quantum xylophone')).toMatchObject({ intent: null, score: 0 });
    const diluted = index.classify(
      'where is my parcel, also the zebra and quantum xylophone orchestra tickets',
    );
    expect(diluted.known).toBeLessThan(0.6);
    // score = p × √known, p ≤ 1
    expect(diluted.score).toBeLessThanOrEqual(Math.sqrt(diluted.known) + 1e-9);
    expect(diluted.score).toBeGreaterThan(0.5 * Math.sqrt(diluted.known));
    expect(diluted.score).toBeLessThan(index.classify('where is my parcel').score);
  });

  it('separates the top intent from the second', () => {
    const m = index.classify('i want a refund');
    expect(m.intent).toBe('refund');
    expect(m.score).toBeGreaterThan(m.second);
  });

  it('copes with no examples and with one intent', () => {
    expect(buildExampleIndex([]).classify('anything')).toMatchObject({ intent: null, score: 0 });
    const one = buildExampleIndex([{ text: 'hello there', intent: 'greeting' }]);
    expect(one.classify('hello').intent).toBe('greeting');
    expect(one.candidates(normalize('nothing known'))).toEqual([]);
  });

  it('is deterministic', () => {
    const again = buildExampleIndex(examples);
    expect(again.classify('when will it arrive')).toEqual(index.classify('when will it arrive'));
  });
});

const intent = (
  id: string,
  action: 'reply' | 'handoff',
  examplesOf: string[],
  keywords: string[],
): Intent => ({
  id,
  action,
  smalltalk: false,
  priority: 50,
  tier: 'general',
  rules: [{ any: keywords, weight: 1 }],
  examples: examplesOf,
});

describe('as a matcher candidate source', () => {
  const intents = [
    intent('refund', 'reply', ['i want a refund', 'give me my money back', 'refund please'], ['refund']),
    intent(
      'logistics',
      'reply',
      ['where is my parcel', 'my package is late', 'track my parcel'],
      ['tracking number'],
    ),
    intent('human', 'handoff', ['talk to a human', 'real person please', 'agent'], ['human agent']),
  ];

  it('answers a message no keyword covers from the examples', () => {
    const { source } = packExampleSource(intents, 0.3);
    const matcher = compileMatcher(intents, { threshold: 0.3 }, [source]);
    const r = matcher.match('where is my package');
    expect(r.intent?.id).toBe('logistics');
    expect(r.candidates[0]).toMatchObject({ source: 'example', intent: 'logistics' });
    expect(compileMatcher(intents, { threshold: 0.3 }).match('where is my package').intent).toBeNull();
  });

  it('does not let a weak example candidate of a hand-off intent force a hand-off', () => {
    const threshold = 0.9;
    const { index: idx, source } = packExampleSource(intents, threshold);
    const n = normalize('i want a person');
    expect(idx.candidates(n).some((c) => c.intent === 'human' && c.score < threshold)).toBe(true);
    expect(source(n).some((c) => c.intent === 'human')).toBe(false);
    const matcher = compileMatcher(intents, { threshold }, [source]);
    expect(matcher.match('i want a person').reason).not.toBe('handoff-keyword');
    // A strong one still hands off.
    expect(matcher.match('talk to a human').intent?.id).toBe('human');
  });

  it('gives filler-only messages to no intent', () => {
    const { index: idx } = packExampleSource(intents, 0.5);
    expect(idx.candidates(normalize('please'))).toEqual([]);
    const without = buildExampleIndex(packExamples(intents), { negatives: [] });
    expect(without.classify('please').score).toBeGreaterThan(idx.classify('please').score);
  });

  it('lists the pack examples with their intents', () => {
    expect(packExamples(intents)).toHaveLength(9);
    expect(packExamples(intents)[3]).toEqual({ text: 'where is my parcel', intent: 'logistics' });
  });
});

describe('speed', () => {
  it('scores a pack of 3 000 examples in well under a millisecond per message', () => {
    const words = Array.from({ length: 600 }, (_, i) => `word${i.toString(36)}`);
    const big = Array.from({ length: 3000 }, (_, i) => ({
      text: Array.from({ length: 8 }, (_, j) => words[(i * 7 + j * 13) % words.length]!).join(' '),
      intent: `intent-${i % 60}`,
    }));
    const idx = buildExampleIndex(big);
    const queries = big.slice(0, 500).map((e) => normalize(`${e.text} please`));
    for (const q of queries) idx.candidates(q);
    const t = performance.now();
    for (const q of queries) idx.candidates(q);
    const perQuery = (performance.now() - t) / queries.length;
    expect(perQuery).toBeLessThan(0.5); // ms; typically ~0.02 — a generous bound for a loaded CI box
  });
});
