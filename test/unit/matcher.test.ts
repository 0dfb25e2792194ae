import { describe, expect, it } from 'vitest';
import { intentSchema } from '../../src/content/schemas';
import { AhoCorasick } from '../../src/matching/aho-corasick';
import { compileMatcher } from '../../src/matching/matcher';
import { normalize } from '../../src/matching/normalize';
import { TypoIndex } from '../../src/matching/typo-index';

const pack = [
  { id: 'greeting', smalltalk: true, rules: [{ any: ['你好', 'hello'] }] },
  {
    id: 'shipping-time',
    rules: [
      { any: ['什么时候发货'] },
      {
        all: [
          ['发货', 'ship'],
          ['什么时候', '今天', 'when'],
        ],
      },
    ],
    none: ['已经发货'],
  },
  { id: 'logistics', rules: [{ any: ['快递到哪了', '物流', 'tracking number'] }] },
  { id: 'return-exchange', rules: [{ any: ['退货', 'return'] }] },
  { id: 'size', rules: [{ any: ['尺码', 'which size'] }] },
  { id: 'human', action: 'handoff', rules: [{ any: ['人工', 'agent please'] }] },
].map((i) => intentSchema.parse(i));
const m = compileMatcher(pack);

describe('normalize', () => {
  it('folds width, case, punctuation and traditional characters', () => {
    const n = normalize('ＨＥＬＬＯ！！退貨，什麼時候發貨？');
    expect(n.text).toBe('hello 退货 什么时候发货');
    expect(n.compact).toBe('hello 退货什么时候发货');
    expect(n.words).toEqual(['hello']);
  });
});

describe('keyword matcher', () => {
  it('matches Chinese keywords as substrings of the folded text', () => {
    expect(m.match('親，什麼時候發貨啊？').intent?.id).toBe('shipping-time');
  });

  it('matches all-of groups and explains the words', () => {
    const r = m.match('今天能发货吗');
    expect(r.intent?.id).toBe('shipping-time');
    expect(r.candidates[0]).toMatchObject({ intent: 'shipping-time', rule: 1, source: 'keyword' });
    expect(r.candidates[0]!.words.sort()).toEqual(['今天', '发货']);
  });

  it('stems English and forgives a small typo', () => {
    const r = m.match('Can I retrun these shoes?');
    expect(r.intent?.id).toBe('return-exchange');
    expect(r.corrections).toEqual([{ from: 'retrun', to: 'return' }]);
    expect(m.match('when do you ship it').intent?.id).toBe('shipping-time');
  });

  it('does not let a greeting dilute the question beside it', () => {
    const r = m.match('你好，什么时候发货');
    expect(r).toMatchObject({ reason: 'confident', score: 1 });
  });

  it('lets a none-word veto an intent', () => {
    const r = m.match('已经发货了吗 什么时候发货');
    expect(r.candidates.find((c) => c.intent === 'shipping-time')?.vetoedBy).toBe('已经发货');
    expect(r.intent?.id).not.toBe('shipping-time');
  });

  it('hands off when the keywords explain little of a long message', () => {
    const r = m.match('我上周买的那件大衣到现在都没收到，打电话也没人接，你们到底怎么回事，什么时候发货');
    expect(r.intent).toBeNull();
    expect(r.reason).toBe('below-threshold');
    expect(r.score).toBeLessThan(0.7);
  });

  it('hands off two different questions of equal priority as ambiguous', () => {
    expect(m.match('退货 尺码').reason).toBe('ambiguous');
  });

  it('hands off two questions on different words even when one scores higher', () => {
    const r = m.match('退货怎么弄？尺码偏大吗');
    expect(r.reason).toBe('ambiguous');
    expect(r.intent).toBeNull();
  });

  it('always hands off a request for a person', () => {
    const r = m.match('什么时候发货 人工');
    expect(r).toMatchObject({ reason: 'handoff-keyword' });
    expect(r.intent?.id).toBe('human');
  });

  it('ignores order numbers pasted before the question', () => {
    expect(m.match('订单号 3391200012345678 快递到哪了').intent?.id).toBe('logistics');
  });

  it('finds the right rule among 10 000 generated ones', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      intentSchema.parse({ id: `gen-${i}`, rules: [{ any: [`关键词${i}号`, `word${i}x`] }] }),
    );
    const big = compileMatcher(many);
    expect(big.match('关键词7777号').intent?.id).toBe('gen-7777');
    expect(big.match('word4242x').intent?.id).toBe('gen-4242');
    expect(big.match('什么都不是').intent).toBeNull();
  });
});

describe('Aho-Corasick', () => {
  it('reports overlapping patterns and patterns inside others', () => {
    const ac = new AhoCorasick<string>();
    for (const p of ['he', 'she', 'his', 'hers']) ac.add(p, p);
    const hits = ac.search('ushers').flatMap((h) => h.payloads.map((p) => `${p}@${h.start}`));
    expect(hits.sort()).toEqual(['he@2', 'hers@2', 'she@1']);
  });
});

describe('TypoIndex', () => {
  it('corrects one edit, refuses short words and ties', () => {
    const t = new TypoIndex(['refund', 'return', 'invoice', 'shirt', 'shift', 'size']);
    expect(t.correct('refnud')).toBe('refund');
    expect(t.correct('invoce')).toBe('invoice');
    expect(t.correct('side')).toBeUndefined(); // four letters: too often a real word
    expect(t.correct('shilt')).toBeUndefined(); // shirt or shift: no guess
  });
});
