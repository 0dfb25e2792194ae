import type { Intent } from '../../src/content/schemas';
import { normalize } from '../../src/matching/normalize';

/**
 * The baseline the Aho-Corasick matcher is measured against: normalise the message once, then loop
 * over every rule and test each of its keywords with `String.includes`. Keywords are normalised at
 * build time, as the real matcher does, so both sides pay for the same normalisation per message.
 */
export interface NaiveMatcher {
  match(text: string): string[];
}

export function compileNaive(intents: readonly Intent[]): NaiveMatcher {
  const rules: { intent: string; any: string[]; all: string[][] }[] = [];
  const norm = (k: string) => normalize(k).compact;
  for (const intent of intents) {
    for (const rule of intent.rules) {
      rules.push({
        intent: intent.id,
        any: (rule.any ?? []).map(norm),
        all: (rule.all ?? []).map((g) => g.map(norm)),
      });
    }
  }
  return {
    match(text: string): string[] {
      const compact = normalize(text).compact;
      const hits: string[] = [];
      for (const rule of rules) {
        let hit = false;
        for (const k of rule.any) {
          if (compact.includes(k)) {
            hit = true;
            break;
          }
        }
        if (!hit && rule.all.length) hit = rule.all.every((g) => g.some((k) => compact.includes(k)));
        if (hit) hits.push(rule.intent);
      }
      return hits;
    },
  };
}
