import type { Intent } from '../content/schemas';
import { AhoCorasick } from './aho-corasick';
import { defaultFillers } from './fillers';
import { hasHan, type NormalizedText, normalize, stem } from './normalize';
import { TypoIndex } from './typo-index';

/**
 * Keyword matcher: every keyword of every rule sits in one of two Aho-Corasick automata (Chinese as
 * substrings of the compact text, Latin as stemmed word sequences), so one pass finds all hits.
 * A rule's score grows with how much of the message its words explain: "什么时候发货" alone is a sure
 * question; the same words inside a long story are not.
 */

export interface MatcherOptions {
  /** Scores at or above this answer; below it the bot hands off. */
  threshold: number;
  /** Two different intents closer than this (and of equal priority) are ambiguous: hand off. */
  ambiguityMargin: number;
  fillers: readonly string[];
  simplify: boolean;
}

export const defaultMatcherOptions: MatcherOptions = {
  threshold: 0.7,
  ambiguityMargin: 0.15,
  fillers: defaultFillers,
  simplify: true,
};

export interface Candidate {
  intent: string;
  score: number;
  /** Share of the meaningful part of the message that the rule's words cover (0–1). */
  coverage: number;
  /** Index of the winning rule in the intent's `rules`, or -1 for example-based candidates. */
  rule: number;
  /** The keywords (or the example) that matched. */
  words: string[];
  source: 'keyword' | 'example';
  /** Where the words stand in `normalized.compact` ([start, end) pairs). */
  spans?: [number, number][];
  /** Set when a `none` word ruled the intent out. */
  vetoedBy?: string;
}

export type MatchReason =
  | 'confident'
  | 'handoff-keyword'
  | 'smalltalk'
  | 'ambiguous'
  | 'below-threshold'
  | 'no-match';

export interface MatchResult {
  normalized: NormalizedText;
  /** The intent to act on, or null: hand off. */
  intent: Intent | null;
  score: number;
  reason: MatchReason;
  /** Every intent that had a hit, best first (vetoed ones included, with `vetoedBy`). */
  candidates: Candidate[];
  /** Typos corrected before matching. */
  corrections: { from: string; to: string }[];
}

export interface Matcher {
  readonly intents: ReadonlyMap<string, Intent>;
  readonly options: MatcherOptions;
  match(text: string): MatchResult;
}

/** Scores from other sources (example similarity) merged into the decision. */
export type CandidateSource = (normalized: NormalizedText) => Candidate[];

type Payload =
  | { kind: 'rule'; intent: number; rule: number; group: number; keyword: string }
  | { kind: 'rule-none'; intent: number; rule: number; keyword: string }
  | { kind: 'intent-none'; intent: number; keyword: string }
  | { kind: 'filler' };

const ANY = -1;

interface Span {
  start: number;
  end: number;
}

export function compileMatcher(
  intentList: readonly Intent[],
  options: Partial<MatcherOptions> = {},
  extraSources: CandidateSource[] = [],
): Matcher {
  const opts: MatcherOptions = { ...defaultMatcherOptions, ...options };
  const han = new AhoCorasick<Payload>();
  const latin = new AhoCorasick<Payload>();
  const latinVocabulary = new Map<string, string>(); // surface word → stem

  const add = (keyword: string, payload: Payload) => {
    const n = normalize(keyword, { simplify: opts.simplify });
    if (hasHan(n.compact)) han.add(n.compact, payload);
    else if (n.stems.length) {
      latin.add(` ${n.stems.join(' ')} `, payload);
      n.words.forEach((w, i) => {
        latinVocabulary.set(w, n.stems[i]!);
      });
    }
  };

  intentList.forEach((intent, i) => {
    intent.rules.forEach((rule, r) => {
      for (const k of rule.any ?? []) add(k, { kind: 'rule', intent: i, rule: r, group: ANY, keyword: k });
      rule.all?.forEach((group, g) => {
        for (const k of group) add(k, { kind: 'rule', intent: i, rule: r, group: g, keyword: k });
      });
      for (const k of rule.none ?? []) add(k, { kind: 'rule-none', intent: i, rule: r, keyword: k });
    });
    for (const k of intent.none ?? []) add(k, { kind: 'intent-none', intent: i, keyword: k });
  });
  for (const f of opts.fillers) add(f, { kind: 'filler' });
  han.build();
  latin.build();

  const stemVocabulary = new Set(latinVocabulary.values());
  const fillerWords = new Set(opts.fillers.map((f) => normalize(f).compact));
  const typos = new TypoIndex(latinVocabulary.keys());
  const intents = new Map(intentList.map((i) => [i.id, i]));

  function match(text: string): MatchResult {
    const n = normalize(text, { simplify: opts.simplify });
    const corrections: { from: string; to: string }[] = [];
    const stems = n.stems.map((s, i) => {
      const word = n.words[i]!;
      if (stemVocabulary.has(s) || fillerWords.has(word)) return s;
      const fixed = typos.correct(word);
      if (fixed === undefined) return s;
      corrections.push({ from: word, to: fixed });
      return latinVocabulary.get(fixed) ?? stem(fixed);
    });

    // Where each Latin word sits in the compact text, so all hits share one coordinate system.
    const wordSpans: Span[] = [];
    for (const m of n.compact.matchAll(/[a-z0-9]+/g))
      wordSpans.push({ start: m.index, end: m.index + m[0].length });
    const latinText = ` ${stems.join(' ')} `;
    const wordAt = new Int32Array(latinText.length);
    for (let i = 0, w = -1; i < latinText.length; i++) {
      if (latinText[i] === ' ') w++;
      wordAt[i] = w;
    }

    const hits: { span: Span; payload: Payload }[] = [];
    for (const h of han.search(n.compact)) {
      for (const p of h.payloads) hits.push({ span: { start: h.start, end: h.end }, payload: p });
    }
    for (const h of latin.search(latinText)) {
      const first = wordSpans[wordAt[h.start]!];
      const last = wordSpans[wordAt[h.end - 1]! - 1];
      if (!first || !last) continue;
      for (const p of h.payloads) hits.push({ span: { start: first.start, end: last.end }, payload: p });
    }

    const candidates = score(n, hits);
    return decide(n, candidates, corrections);
  }

  function score(n: NormalizedText, hits: { span: Span; payload: Payload }[]): Candidate[] {
    const len = n.compact.length;
    const filler = new Uint8Array(len);
    const noise = new Uint8Array(len);
    for (let i = 0; i < len; i++) if (n.compact[i] === ' ') noise[i] = 1;
    // Order numbers, phone numbers, prices and heights pasted with the question are not the question.
    for (const m of n.compact.matchAll(/[0-9]{3,}/g)) noise.fill(1, m.index, m.index + m[0].length);

    type Acc = {
      ruleHits: Map<number, { groups: Set<number>; spans: Span[]; words: string[]; vetoedBy?: string }>;
      vetoedBy?: string;
    };
    const byIntent = new Map<number, Acc>();
    const accFor = (i: number) => {
      let a = byIntent.get(i);
      if (!a) {
        a = { ruleHits: new Map() };
        byIntent.set(i, a);
      }
      return a;
    };
    for (const { span, payload } of hits) {
      if (payload.kind === 'filler') filler.fill(1, span.start, span.end);
      else if (payload.kind === 'intent-none') accFor(payload.intent).vetoedBy ??= payload.keyword;
      else {
        const acc = accFor(payload.intent);
        let rh = acc.ruleHits.get(payload.rule);
        if (!rh) {
          rh = { groups: new Set(), spans: [], words: [] };
          acc.ruleHits.set(payload.rule, rh);
        }
        if (payload.kind === 'rule-none') rh.vetoedBy ??= payload.keyword;
        else {
          rh.groups.add(payload.group);
          rh.spans.push(span);
          if (!rh.words.includes(payload.keyword)) rh.words.push(payload.keyword);
        }
      }
    }

    // Small talk standing beside a real question is filler for that question.
    const smalltalk = new Uint8Array(len);
    for (const [i, acc] of byIntent) {
      if (!intentList[i]!.smalltalk) continue;
      for (const rh of acc.ruleHits.values()) for (const s of rh.spans) smalltalk.fill(1, s.start, s.end);
    }

    const out: Candidate[] = [];
    for (const [i, acc] of byIntent) {
      const intent = intentList[i]!;
      let best: Candidate | undefined;
      for (const [r, rh] of acc.ruleHits) {
        const rule = intent.rules[r]!;
        const satisfied =
          (rule.any !== undefined && rh.groups.has(ANY)) ||
          rule.all?.every((_, g) => rh.groups.has(g)) === true;
        if (!satisfied) continue;
        const covered = new Uint8Array(len);
        for (const s of rh.spans) covered.fill(1, s.start, s.end);
        let mine = 0;
        let meaningful = 0;
        for (let p = 0; p < len; p++) {
          if (covered[p]) {
            mine++;
            meaningful++;
          } else if (!noise[p] && !filler[p] && !(smalltalk[p] && !intent.smalltalk)) meaningful++;
        }
        const coverage = meaningful ? mine / meaningful : 0;
        const s = rule.weight * Math.min(1, 0.5 + coverage);
        const vetoedBy = acc.vetoedBy ?? rh.vetoedBy;
        const c: Candidate = {
          intent: intent.id,
          score: round(s),
          coverage: round(coverage),
          rule: r,
          words: rh.words,
          source: 'keyword',
          spans: rh.spans.map((x) => [x.start, x.end]),
        };
        if (vetoedBy) c.vetoedBy = vetoedBy;
        if (!best || rank(c) > rank(best)) best = c;
      }
      if (best) out.push(best);
    }
    for (const source of extraSources) out.push(...source(n));
    return out.sort((a, b) => rank(b) - rank(a) || priorityOf(b) - priorityOf(a));
  }

  // A vetoed candidate is listed for the explanation but never wins.
  const rank = (c: Candidate) => (c.vetoedBy ? -1 : c.score);
  const priorityOf = (c: Candidate) => intents.get(c.intent)?.priority ?? 0;

  function decide(
    n: NormalizedText,
    candidates: Candidate[],
    corrections: MatchResult['corrections'],
  ): MatchResult {
    const live = candidates.filter((c) => !c.vetoedBy);
    const result = (intent: Intent | null, s: number, reason: MatchReason): MatchResult => ({
      normalized: n,
      intent,
      score: s,
      reason,
      candidates,
      corrections,
    });
    if (!live.length) return result(null, 0, 'no-match');

    // "人工", "投诉": a person is asked for; any satisfied rule is enough.
    const handoff = live.find((c) => intents.get(c.intent)?.action === 'handoff');
    if (handoff) return result(intents.get(handoff.intent)!, handoff.score, 'handoff-keyword');

    const questions = live.filter((c) => !intents.get(c.intent)?.smalltalk);
    const top = questions[0];
    if (top && top.score >= opts.threshold) {
      const rival = questions.find((c) => c.intent !== top.intent);
      if (
        rival &&
        rival.score >= opts.threshold &&
        top.score - rival.score < opts.ambiguityMargin &&
        priorityOf(rival) === priorityOf(top)
      ) {
        return result(null, top.score, 'ambiguous');
      }
      // Two questions in one message ("有优惠吗？什么时候发货？"): answering one would leave the other
      // unanswered and look like a wrong answer. A rival on other words, nearly confident, hands off.
      const second = questions.find(
        (c) =>
          c.intent !== top.intent && c.score >= opts.threshold - opts.ambiguityMargin && disjoint(c, top),
      );
      if (second) return result(null, top.score, 'ambiguous');
      return result(intents.get(top.intent)!, top.score, 'confident');
    }
    if (top) return result(null, top.score, 'below-threshold');
    const talk = live[0]!;
    if (talk.score >= opts.threshold) return result(intents.get(talk.intent)!, talk.score, 'smalltalk');
    return result(null, talk.score, 'below-threshold');
  }

  return { intents, options: opts, match };
}

function disjoint(a: Candidate, b: Candidate): boolean {
  if (!a.spans || !b.spans) return false;
  return a.spans.every(([s1, e1]) => b.spans!.every(([s2, e2]) => e1 <= s2 || e2 <= s1));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
