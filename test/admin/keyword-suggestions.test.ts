import { describe, expect, it } from 'vitest';
import { acceptKeywords, suggestKeywords } from '../../src/admin/keyword-suggestions';
import { validateBotConfig } from '../../src/bot-config/bot-config';
import { loadContentDirs } from '../../src/content/load-content';
import { readLabelledCsv } from '../../src/eval/csv';
import { compileMatcher } from '../../src/matching/matcher';
import { defaultRoutingConfig } from '../../src/routing/routing-config';
import { defaultShopSettings } from '../../src/shop/settings';

describe('keyword suggestions on the shipped pack and its labelled table', () => {
  const { lines } = readLabelledCsv('test/content/default-pack.csv');

  it('recovers the keywords of an intent whose rules were removed, precise and new, and nothing it already has', () => {
    const pack = loadContentDirs('intents', 'replies');
    const shipping = pack.intents.find((i) => i.id === 'shipping-time')!;
    shipping.rules = shipping.rules.slice(-1); // keep only the English rule
    const r = suggestKeywords(lines, { pack, matcher: compileMatcher(pack.intents) });
    const s = r.intents.find((i) => i.intent === 'shipping-time')!;
    expect(s.answered).toBeLessThan(s.lines / 2);
    expect(s.suggestions[0]!.keyword).toBe('发货');
    for (const x of s.suggestions) {
      expect(x.precision).toBeGreaterThanOrEqual(0.7);
      expect(x.support).toBeGreaterThanOrEqual(2);
      expect(x.gain).toBeGreaterThan(0);
    }
    // Fragments across words ("候发" from 时候|发货) are never proposed.
    expect(s.suggestions.map((x) => x.keyword)).not.toContain('候发');
    expect(r.unknownIntents).toEqual([]);

    // Accepting them makes the pack answer more of its lines, and the document stays valid.
    const doc = { shop: defaultShopSettings(), ...pack, routing: defaultRoutingConfig() };
    const { document, issues } = acceptKeywords(doc, {
      'shipping-time': s.suggestions.filter((x) => !x.conflict).map((x) => x.keyword),
    });
    expect(issues).toEqual([]);
    expect(validateBotConfig(document).issues).toEqual([]);
    const after = compileMatcher(document.intents);
    const answered = lines.filter(
      (l) => l.intent === 'shipping-time' && after.match(l.text).intent?.id === 'shipping-time',
    ).length;
    expect(answered).toBeGreaterThan(s.answered + 10);
  });

  it('proposes nothing that the full pack already has as a keyword of the same intent', () => {
    const pack = loadContentDirs('intents', 'replies');
    const r = suggestKeywords(lines, { pack, matcher: compileMatcher(pack.intents) });
    for (const i of r.intents) {
      const have = new Set(
        pack.intents
          .find((x) => x.id === i.intent)!
          .rules.flatMap((rule) => [...(rule.any ?? []), ...(rule.all ?? []).flat()]),
      );
      for (const s of i.suggestions) expect(have.has(s.keyword), `${i.intent}: ${s.keyword}`).toBe(false);
    }
  });
});
