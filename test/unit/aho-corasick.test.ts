import distances from 'natural/lib/natural/distance/levenshtein_distance.js';
import { describe, expect, it } from 'vitest';
import { type AcHit, AhoCorasick } from '../../src/matching/aho-corasick';
import { oneEdit } from '../../src/matching/typo-index';

/** Small deterministic generator, so a failure names its seed. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(a: readonly T[]) => a[Math.floor(next() * a.length)]!,
  };
}

/** Every occurrence, by end; at one end the longest pattern first; payloads in the order added. */
function naiveSearch(patterns: readonly [string, number][], text: string): AcHit<number>[] {
  const byPattern = new Map<string, number[]>();
  for (const [p, payload] of patterns) {
    if (!p) continue;
    const list = byPattern.get(p) ?? [];
    list.push(payload);
    byPattern.set(p, list);
  }
  const longestFirst = [...byPattern.keys()].sort((a, b) => b.length - a.length);
  const hits: AcHit<number>[] = [];
  for (let end = 1; end <= text.length; end++)
    for (const p of longestFirst)
      if (end >= p.length && text.startsWith(p, end - p.length))
        hits.push({ start: end - p.length, end, payloads: byPattern.get(p)! });
  return hits;
}

const alphabets: Record<string, string[]> = {
  latin: ['a', 'b', 'c'],
  chinese: [...'发货退款什么时候快递到哪了'],
  // Surrogate pairs: patterns may start or end in the middle of one, as code units do.
  emoji: ['😀', '👍', '🚚', 'a', '货'],
  mixed: [...'ab发货退', ' ', '😀', '𠀀'],
  wide: Array.from({ length: 40 }, (_, i) => String.fromCharCode(0x4e00 + i * 7)),
};

describe('Aho-Corasick automaton', () => {
  it('reports overlapping patterns and patterns inside others', () => {
    const ac = new AhoCorasick<string>();
    for (const p of ['he', 'she', 'his', 'hers', 'h', 'ushers']) ac.add(p, p);
    const found = ac.search('ushers').map((h) => `${h.payloads.join('+')}@${h.start}-${h.end}`);
    // By end; at one end, the longest first.
    expect(found).toEqual(['h@2-3', 'she@1-4', 'he@2-4', 'ushers@0-6', 'hers@2-6']);
  });

  it('keeps every payload of a repeated pattern, in the order added, and ignores empty patterns', () => {
    const ac = new AhoCorasick<number>();
    ac.add('发货', 1);
    ac.add('', 2);
    ac.add('发货', 3);
    ac.add('货', 4);
    expect(ac.size).toBe(3);
    expect(ac.search('发货')).toEqual([
      { start: 0, end: 2, payloads: [1, 3] },
      { start: 1, end: 2, payloads: [4] },
    ]);
    expect(() => ac.add('x', 5)).toThrow(/after build/);
  });

  it('finds nothing without patterns', () => {
    const ac = new AhoCorasick<number>().build();
    expect(ac.search('anything')).toEqual([]);
    expect(ac.scan('')).toBe(0);
  });

  for (const [name, alphabet] of Object.entries(alphabets)) {
    it(`agrees with a naive search on random ${name} keywords and texts`, () => {
      for (let seed = 1; seed <= 60; seed++) {
        const r = rng(seed * 7919 + name.length);
        const word = (max: number) => {
          let w = '';
          for (let n = 1 + r.int(max); n > 0; n--) w += r.pick(alphabet);
          return w;
        };
        const patterns: [string, number][] = [];
        for (let k = 0, n = 1 + r.int(seed < 30 ? 8 : 300); k < n; k++) {
          // Some patterns are repeated, some cut out of others (overlaps, prefixes, suffixes).
          const previous = patterns.length ? r.pick(patterns)[0] : '';
          const p =
            previous && r.int(4) === 0
              ? previous.slice(r.int(previous.length), 1 + r.int(previous.length + 1))
              : word(5);
          patterns.push([p, k]);
        }
        const ac = new AhoCorasick<number>();
        for (const [p, payload] of patterns) ac.add(p, payload);
        ac.build();
        for (let t = 0; t < 20; t++) {
          const text = word(40);
          expect(ac.search(text), `seed ${seed}, text ${JSON.stringify(text)}`).toEqual(
            naiveSearch(patterns, text),
          );
        }
      }
    });
  }

  it('scans without allocating hit objects and reuses its buffers', () => {
    const ac = new AhoCorasick<number>();
    ac.add('a', 0);
    ac.build();
    const n = ac.scan('a'.repeat(1000)); // more hits than the initial buffer
    expect(n).toBe(1000);
    expect(ac.hitEnd()[999]).toBe(1000);
    expect(ac.scan('bab')).toBe(1);
    expect(ac.hitEnd()[0]).toBe(2);
    expect(ac.patternLengthOf(ac.hitPattern()[0]!)).toBe(1);
  });
});

describe('oneEdit', () => {
  it("agrees with natural's restricted Damerau-Levenshtein distance of 1", () => {
    const r = rng(42);
    const word = () => {
      let w = '';
      for (let n = r.int(7); n > 0; n--) w += r.pick(['a', 'b', 'c', 'x']);
      return w;
    };
    let ones = 0;
    for (let k = 0; k < 20_000; k++) {
      const a = word();
      let b = r.int(2) ? word() : a;
      // Nudge b a step or two away from a, so that distance 1 is common.
      for (let e = r.int(3); e > 0; e--) {
        const at = r.int(b.length + 1);
        const op = r.int(4);
        if (op === 0) b = b.slice(0, at) + r.pick(['a', 'b']) + b.slice(at);
        else if (op === 1) b = b.slice(0, at) + b.slice(at + 1);
        else if (op === 2) b = b.slice(0, at) + r.pick(['a', 'c']) + b.slice(at + 1);
        else b = b.slice(0, at) + b.slice(at + 1, at + 2) + b.slice(at, at + 1) + b.slice(at + 2);
      }
      const expected = distances.DamerauLevenshteinDistance(a, b, { restricted: true }) === 1;
      if (expected) ones++;
      expect(oneEdit(a, b), `${a} / ${b}`).toBe(expected);
    }
    expect(ones).toBeGreaterThan(2000);
  });
});
