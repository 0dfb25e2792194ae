import { describe, expect, it } from 'vitest';
import { type Intent, intentSchema } from '../../src/content/schemas';
import { compileMatcher } from '../../src/matching/matcher';

/**
 * Paths of the flat matcher that the small packs of matcher.test.ts do not reach: more Latin stems
 * than one code unit can number, rules with more than 31 `all` groups, and more candidates than the
 * in-place sort handles.
 */
const intent = (i: object) => intentSchema.parse(i);

describe('flat keyword matcher at scale', () => {
  it('matches Latin keywords word by word when there are more stems than code units', () => {
    // 70 000 distinct stems ("w0x" … "w69999x"): each word takes two code units.
    const many: Intent[] = [];
    for (let i = 0; i < 7_000; i++)
      many.push(
        intent({ id: `gen-${i}`, rules: [{ any: Array.from({ length: 10 }, (_, k) => `w${i * 10 + k}x`) }] }),
      );
    many.push(intent({ id: 'phrase', rules: [{ any: ['w69998x w69999x'] }] }));
    const m = compileMatcher(many);
    expect(m.match('w69991x').intent?.id).toBe('gen-6999');
    expect(m.match('hello w12345x there').candidates[0]).toMatchObject({
      intent: 'gen-1234',
      words: ['w12345x'],
      spans: [[6, 13]],
    });
    // A phrase matches whole words in a row only: not across an unknown word, not half a word.
    const phrase = m.match('w69998x w69999x').candidates.find((c) => c.intent === 'phrase');
    expect(phrase).toMatchObject({ words: ['w69998x w69999x'], spans: [[0, 15]] });
    const apart = m.match('w69998x zzz w69999x').candidates.map((c) => c.intent);
    expect(apart).not.toContain('phrase');
    expect(apart).toEqual(expect.arrayContaining(['gen-6999']));
  });

  it('counts `all` groups beyond 31', () => {
    const groups = Array.from({ length: 40 }, (_, g) => [`g${g}x`]);
    const m = compileMatcher([intent({ id: 'wide-all', rules: [{ all: groups }] })]);
    const every = groups.map((g) => g[0]).join(' ');
    expect(m.match(every).candidates[0]).toMatchObject({ intent: 'wide-all', coverage: 1 });
    // Missing only the last group: not satisfied.
    expect(
      m.match(
        groups
          .slice(0, 39)
          .map((g) => g[0])
          .join(' '),
      ).candidates,
    ).toEqual([]);
    // Missing one group, another repeated: still not satisfied.
    expect(
      m.match(
        `${groups
          .slice(0, 39)
          .map((g) => g[0])
          .join(' ')} g38x`,
      ).candidates,
    ).toEqual([]);
  });

  it('orders many candidates by score, then priority, then first hit', () => {
    // 40 intents share the word "shared"; priorities alternate, so ties between equal scores are
    // broken by priority and then by which intent was hit first (pack order here).
    const pack = Array.from({ length: 40 }, (_, i) =>
      intent({
        id: `i-${i}`,
        priority: i % 2 ? 60 : 50,
        rules: [{ all: [['shared'], [`own${i}x`, 'shared']] }],
      }),
    );
    const m = compileMatcher(pack);
    const r = m.match('shared');
    expect(r.candidates).toHaveLength(40);
    const ids = r.candidates.map((c) => c.intent);
    const odd = pack.filter((_, i) => i % 2).map((i) => i.id);
    const even = pack.filter((_, i) => i % 2 === 0).map((i) => i.id);
    expect(ids).toEqual([...odd, ...even]);
    expect(r.reason).toBe('ambiguous');
  });
});
