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

// What a keyword hit means. One payload per (keyword, place in the pack): a record of P_SIZE ints in
// `payloads`, holding what scoring needs about its rule and intent so that a hit reads one record.
const RULE = 0; // a word of a rule's `any` list or of one of its `all` groups
const RULE_NONE = 1; // a `none` word of one rule
const INTENT_NONE = 2; // a `none` word of the whole intent
const FILLER = 3;
const ANY = -1;
const P_KIND = 0; // kind | (group + 1) << 2
const P_INTENT = 1;
const P_RULE = 2; // rule index over the whole pack
const P_KEYWORD = 3; // index into `keywords`
const P_GROUPS = 4; // number of the rule's `all` groups, -1 without `all`
const P_FLAGS = 5; // HAS_ANY | OWN_SMALLTALK
const P_LOCAL = 6; // index of the rule in its intent's `rules`
const P_SIZE = 8;
const HAS_ANY = 1;
const OWN_SMALLTALK = 2;

// Per intent (I_SIZE ints): how the decision sees the intent its id resolves to (the last one with
// that id). Priorities sit beside them in a float array, as any number compares.
const I_HANDOFF = 0;
const I_SMALLTALK = 1;
const I_SIZE = 2;

// Scratch records of the intents and rules hit by one message, in order of their first hit.
const SI_INTENT = 0;
const SI_VETO = 1; // keyword of the intent's `none` list that was hit, or -1
const SI_FIRST_RULE = 2;
const SI_LAST_RULE = 3;
const SI_SMALLTALK = 4;
const SI_SIZE = 8;
const SR_RULE = 0;
const SR_NEXT = 1; // next rule slot of the same intent
const SR_FIRST_HIT = 2;
const SR_LAST_HIT = 3;
const SR_ANY = 4; // 1 when a word of `any` was hit
const SR_GROUPS_HIT = 5;
const SR_VETO = 6;
const SR_GROUP_MASK = 7; // `all` groups 0–30 seen; later groups go to a Set
const SR_GROUPS = 8;
const SR_FLAGS = 9;
const SR_LOCAL = 10;
const SR_SIZE = 12;
// Hit records: start and end in the compact text, payload, next hit of the same rule.
const H_SIZE = 4;

// Bits of the per-position mask over `normalized.compact`.
const NOISE = 1;
const FILL = 2;
const SMALLTALK = 4;

/** An int array that doubles when full; the scratch of one match call lives in these. */
function grown(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Small open-addressing map from an int key to a slot, valid for one generation: a message's rules
 * and intents are looked up here, in a few hot cache lines, instead of stamping arrays as long as
 * the pack.
 */
class SlotTable {
  private keys = new Int32Array(64);
  private gens = new Int32Array(64);
  private vals = new Int32Array(64);
  private shift = 32 - 6;
  private gen = 0;

  /** Start a new generation able to hold `count` keys. */
  reset(count: number): void {
    if (count * 2 > this.keys.length) {
      let bits = 6;
      while (1 << bits < count * 2) bits++;
      this.keys = new Int32Array(1 << bits);
      this.gens = new Int32Array(1 << bits);
      this.vals = new Int32Array(1 << bits);
      this.shift = 32 - bits;
      this.gen = 0;
    }
    if (this.gen === 0x7fffffff) {
      this.gens.fill(0);
      this.gen = 0;
    }
    this.gen++;
  }

  /** The slot of `key`, or -1 - (where to insert it). */
  find(key: number): number {
    const mask = this.keys.length - 1;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (this.gens[h] === this.gen) {
      if (this.keys[h] === key) return this.vals[h]!;
      h = (h + 1) & mask;
    }
    return -1 - h;
  }

  insert(at: number, key: number, slot: number): void {
    this.keys[at] = key;
    this.gens[at] = this.gen;
    this.vals[at] = slot;
  }
}

/**
 * Latin keywords are matched word by word: each known stem becomes one code unit (two when there
 * are more than 65 535 stems), unknown words a unit no keyword has. The automaton then takes one
 * step per word instead of one per letter.
 */
class WordCodes {
  private readonly ids = new Map<string, number>();
  private wide = false;

  add(stem: string): void {
    if (!this.ids.has(stem)) this.ids.set(stem, this.ids.size);
  }

  /** Fix the width once every stem is known. */
  freeze(): void {
    this.wide = this.ids.size > 0xffff;
  }

  get width(): number {
    return this.wide ? 2 : 1;
  }

  /** Id of a known stem, or -1. */
  idOf(stem: string): number {
    return this.ids.get(stem) ?? -1;
  }

  /**
   * Writes the code of a stem id (-1: unknown) at `at`; returns the next position. Narrow: id + 1,
   * unknown 0. Wide: a high unit (≥ 0x8000) then a low one (< 0x8000), so that a keyword can only
   * match at a word boundary; unknown is 0, 0.
   */
  write(id: number, units: Uint16Array, at: number): number {
    if (!this.wide) {
      units[at] = id + 1;
      return at + 1;
    }
    units[at] = id < 0 ? 0 : 0x8000 + (id >>> 15);
    units[at + 1] = id < 0 ? 0 : id & 0x7fff;
    return at + 2;
  }

  encode(stems: readonly string[]): string {
    const units = new Uint16Array(stems.length * this.width);
    let at = 0;
    for (const s of stems) at = this.write(this.idOf(s), units, at);
    return String.fromCharCode(...units);
  }
}

export function compileMatcher(
  intentList: readonly Intent[],
  options: Partial<MatcherOptions> = {},
  extraSources: CandidateSource[] = [],
): Matcher {
  const opts: MatcherOptions = { ...defaultMatcherOptions, ...options };
  // Both automata carry payload ids.
  const han = new AhoCorasick<number>();
  const latin = new AhoCorasick<number>();
  const latinVocabulary = new Map<string, string>(); // surface word → stem
  const codes = new WordCodes();
  const latinKeywords: { stems: string[]; payload: number }[] = [];

  const records: number[] = [];
  const keywords: string[] = [];
  const keywordIds = new Map<string, number>();
  const keywordId = (k: string) => {
    let id = keywordIds.get(k);
    if (id === undefined) {
      id = keywords.length;
      keywordIds.set(k, id);
      keywords.push(k);
    }
    return id;
  };

  const add = (
    keyword: string,
    kind: number,
    intent: number,
    ruleIndex: number,
    group: number,
    rule?: { groups: number; flags: number; local: number },
  ) => {
    const n = normalize(keyword, { simplify: opts.simplify });
    const payload = records.length / P_SIZE;
    if (hasHan(n.compact)) han.add(n.compact, payload);
    else if (n.stems.length) {
      latinKeywords.push({ stems: n.stems, payload });
      n.words.forEach((w, i) => {
        latinVocabulary.set(w, n.stems[i]!);
        codes.add(n.stems[i]!);
      });
    } else return;
    records.push(
      kind | ((group + 1) << 2),
      intent,
      ruleIndex,
      kind === FILLER ? -1 : keywordId(keyword),
      rule?.groups ?? -1,
      (rule?.flags ?? 0) | (intentList[intent]?.smalltalk ? OWN_SMALLTALK : 0),
      rule?.local ?? -1,
      0,
    );
  };

  const weights: number[] = [];
  intentList.forEach((intent, i) => {
    intent.rules.forEach((rule, r) => {
      const g = weights.length;
      weights.push(rule.weight);
      const about = { groups: rule.all ? rule.all.length : -1, flags: rule.any ? HAS_ANY : 0, local: r };
      for (const k of rule.any ?? []) add(k, RULE, i, g, ANY, about);
      rule.all?.forEach((group, gi) => {
        for (const k of group) add(k, RULE, i, g, gi, about);
      });
      for (const k of rule.none ?? []) add(k, RULE_NONE, i, g, ANY, about);
    });
    for (const k of intent.none ?? []) add(k, INTENT_NONE, i, -1, ANY);
  });
  for (const f of opts.fillers) add(f, FILLER, -1, -1, ANY);
  codes.freeze();
  for (const { stems, payload } of latinKeywords) latin.add(codes.encode(stems), payload);
  han.build();
  latin.build();
  const width = codes.width;

  // Payload records in the automata's order (grouped by pattern), so that a hit's payloads are a
  // range of this table: Han ones first, then Latin ones from `latinBase`.
  const latinBase = han.payloadCount;
  const payloads = new Int32Array(records.length);
  for (let q = 0; q < latinBase; q++)
    for (let f = 0; f < P_SIZE; f++) payloads[q * P_SIZE + f] = records[han.payloadAt(q) * P_SIZE + f]!;
  for (let q = 0; q < latin.payloadCount; q++)
    for (let f = 0; f < P_SIZE; f++)
      payloads[(latinBase + q) * P_SIZE + f] = records[latin.payloadAt(q) * P_SIZE + f]!;
  const ruleWeight = Float64Array.from(weights);
  const fillerWords = new Set(opts.fillers.map((f) => normalize(f).compact));
  const typos = new TypoIndex(latinVocabulary.keys());
  const intents = new Map(intentList.map((i) => [i.id, i]));
  const intentIds = intentList.map((i) => i.id);
  /** The intent each id resolves to, by index (the last one with that id wins, as in `intents`). */
  const intentIndex = new Map(intentList.map((intent, i) => [intent.id, i]));
  const resolved = intentList.map((i) => intents.get(i.id)!);
  const intentInfo = new Int32Array(intentList.length * I_SIZE);
  const intentPriority = Float64Array.from(resolved, (as) => as.priority);
  resolved.forEach((as, i) => {
    intentInfo[i * I_SIZE + I_HANDOFF] = as.action === 'handoff' ? 1 : 0;
    intentInfo[i * I_SIZE + I_SMALLTALK] = as.smalltalk ? 1 : 0;
  });

  // Scratch for one match call, reused so that scoring allocates only what it returns.
  const intentSlots = new SlotTable();
  const ruleSlots = new SlotTable();
  let slotIntent = new Int32Array(16 * SI_SIZE);
  let slotRule = new Int32Array(16 * SR_SIZE);
  /** `all` groups from 31 up, by rule slot (rare: only rules with that many groups). */
  const manyGroups = new Map<number, Set<number>>();
  let hitInfo = new Int32Array(64 * H_SIZE);
  // Per position of the compact text; prefix counts of the positions that count as the message.
  let mask = new Uint8Array(64);
  let meaningfulFor = new Int32Array(65); // for ordinary intents
  let meaningfulForTalk = new Int32Array(65); // for small-talk intents
  // Latin words' spans in the compact text.
  let wordSpan = new Int32Array(32);
  let tokens = new Uint16Array(32);
  let spanStart = new Int32Array(16);
  let spanEnd = new Int32Array(16);
  let wordIds = new Int32Array(16);
  // Candidates: the intent index behind each (-1 for an unknown id), and sort keys.
  let candIntent = new Int32Array(16);
  let sortRank = new Float64Array(16);
  let sortPriority = new Float64Array(16);

  let hits = 0;
  let intentsHit = 0;
  let rulesHit = 0;

  function addHit(start: number, end: number, payload: number): void {
    if ((hits + 1) * H_SIZE > hitInfo.length) hitInfo = grown(hitInfo, (hits + 1) * H_SIZE);
    const at = hits * H_SIZE;
    hitInfo[at] = start;
    hitInfo[at + 1] = end;
    hitInfo[at + 2] = payload;
    hitInfo[at + 3] = -1;
    hits++;
  }

  /** Slot of the intent of payload record `at`, created on its first hit. */
  function slotOfIntent(at: number): number {
    const i = payloads[at + P_INTENT]!;
    const found = intentSlots.find(i);
    if (found >= 0) return found;
    const slot = intentsHit++;
    intentSlots.insert(-1 - found, i, slot);
    if ((slot + 1) * SI_SIZE > slotIntent.length) slotIntent = grown(slotIntent, (slot + 1) * SI_SIZE);
    const s = slot * SI_SIZE;
    slotIntent[s + SI_INTENT] = i;
    slotIntent[s + SI_VETO] = -1;
    slotIntent[s + SI_FIRST_RULE] = -1;
    slotIntent[s + SI_LAST_RULE] = -1;
    slotIntent[s + SI_SMALLTALK] = payloads[at + P_FLAGS]! & OWN_SMALLTALK ? 1 : 0;
    return slot;
  }

  /** Slot of the rule of payload record `at`, created on its first hit. */
  function slotOfRule(at: number, intentSlot: number): number {
    const r = payloads[at + P_RULE]!;
    const found = ruleSlots.find(r);
    if (found >= 0) return found;
    const slot = rulesHit++;
    ruleSlots.insert(-1 - found, r, slot);
    if ((slot + 1) * SR_SIZE > slotRule.length) slotRule = grown(slotRule, (slot + 1) * SR_SIZE);
    const s = slot * SR_SIZE;
    slotRule[s + SR_RULE] = r;
    slotRule[s + SR_NEXT] = -1;
    slotRule[s + SR_FIRST_HIT] = -1;
    slotRule[s + SR_LAST_HIT] = -1;
    slotRule[s + SR_ANY] = 0;
    slotRule[s + SR_GROUPS_HIT] = 0;
    slotRule[s + SR_VETO] = -1;
    slotRule[s + SR_GROUP_MASK] = 0;
    slotRule[s + SR_GROUPS] = payloads[at + P_GROUPS]!;
    slotRule[s + SR_FLAGS] = payloads[at + P_FLAGS]!;
    slotRule[s + SR_LOCAL] = payloads[at + P_LOCAL]!;
    const i = intentSlot * SI_SIZE;
    const last = slotIntent[i + SI_LAST_RULE]!;
    if (last < 0) slotIntent[i + SI_FIRST_RULE] = slot;
    else slotRule[last * SR_SIZE + SR_NEXT] = slot;
    slotIntent[i + SI_LAST_RULE] = slot;
    return slot;
  }

  function match(text: string): MatchResult {
    const n = normalize(text, { simplify: opts.simplify });
    // Other sources first: what follows keeps its state in this matcher's scratch.
    const extra: Candidate[] = [];
    for (const source of extraSources) extra.push(...source(n));
    const corrections: { from: string; to: string }[] = [];
    // The Latin words as the automaton reads them: one code per stem (known stems are the vocabulary).
    if (tokens.length < n.stems.length * width) tokens = new Uint16Array(n.stems.length * width * 2);
    let units = 0;
    for (let i = 0; i < n.stems.length; i++) {
      const id = codes.idOf(n.stems[i]!);
      const word = n.words[i]!;
      const fixed = id >= 0 || fillerWords.has(word) ? undefined : typos.correct(word);
      if (fixed === undefined) {
        units = codes.write(id, tokens, units);
        continue;
      }
      corrections.push({ from: word, to: fixed });
      units = codes.write(codes.idOf(latinVocabulary.get(fixed) ?? stem(fixed)), tokens, units);
    }

    hits = 0;
    const compact = n.compact;
    let count = han.scan(compact);
    let pattern = han.hitPattern();
    let ends = han.hitEnd();
    for (let k = 0; k < count; k++) {
      const p = pattern[k]!;
      const end = ends[k]!;
      const start = end - han.patternLengthOf(p);
      for (let q = han.payloadsFrom(p), stop = han.payloadsTo(p); q < stop; q++) addHit(start, end, q);
    }

    if (units) {
      // Where each Latin word sits in the compact text, so all hits share one coordinate system.
      let words = 0;
      for (let i = 0; i < compact.length; ) {
        if (!isLatinWordChar(compact.charCodeAt(i))) {
          i++;
          continue;
        }
        const start = i;
        while (i < compact.length && isLatinWordChar(compact.charCodeAt(i))) i++;
        wordSpan = grown(wordSpan, (words + 1) * 2);
        wordSpan[words * 2] = start;
        wordSpan[words * 2 + 1] = i;
        words++;
      }
      count = latin.scanUnits(tokens, units);
      pattern = latin.hitPattern();
      ends = latin.hitEnd();
      for (let k = 0; k < count; k++) {
        const p = pattern[k]!;
        const last = ends[k]! / width - 1;
        const first = last - latin.patternLengthOf(p) / width + 1;
        if (first >= words || last >= words) continue;
        for (let q = latin.payloadsFrom(p), stop = latin.payloadsTo(p); q < stop; q++)
          addHit(wordSpan[first * 2]!, wordSpan[last * 2 + 1]!, latinBase + q);
      }
    }

    const candidates = score(n, extra);
    return decide(n, candidates, corrections);
  }

  function score(n: NormalizedText, extra: Candidate[]): Candidate[] {
    const compact = n.compact;
    const len = compact.length;
    if (mask.length < len) mask = new Uint8Array(Math.max(len, mask.length * 2));
    mask.fill(0, 0, len);
    for (let i = 0; i < len; ) {
      const c = compact.charCodeAt(i);
      if (c === 32) {
        mask[i++] = NOISE;
        continue;
      }
      // Order numbers, phone numbers, prices and heights pasted with the question are not the question.
      if (c >= 48 && c <= 57) {
        const start = i;
        while (i < len && isDigit(compact.charCodeAt(i))) i++;
        if (i - start >= 3) mask.fill(NOISE, start, i);
        continue;
      }
      i++;
    }

    intentSlots.reset(hits);
    ruleSlots.reset(hits);
    intentsHit = 0;
    rulesHit = 0;
    if (manyGroups.size) manyGroups.clear();
    for (let h = 0; h < hits; h++) {
      const at = hitInfo[h * H_SIZE + 2]! * P_SIZE;
      const kind = payloads[at + P_KIND]! & 3;
      if (kind === FILLER) {
        for (let p = hitInfo[h * H_SIZE]!; p < hitInfo[h * H_SIZE + 1]!; p++) mask[p]! |= FILL;
        continue;
      }
      const si = slotOfIntent(at) * SI_SIZE;
      if (kind === INTENT_NONE) {
        if (slotIntent[si + SI_VETO]! < 0) slotIntent[si + SI_VETO] = payloads[at + P_KEYWORD]!;
        continue;
      }
      const slot = slotOfRule(at, si / SI_SIZE);
      const sr = slot * SR_SIZE;
      if (kind === RULE_NONE) {
        if (slotRule[sr + SR_VETO]! < 0) slotRule[sr + SR_VETO] = payloads[at + P_KEYWORD]!;
        continue;
      }
      const group = (payloads[at + P_KIND]! >> 2) - 1;
      if (group === ANY) slotRule[sr + SR_ANY] = 1;
      else if (group < 31) {
        if (!(slotRule[sr + SR_GROUP_MASK]! & (1 << group))) {
          slotRule[sr + SR_GROUP_MASK]! |= 1 << group;
          slotRule[sr + SR_GROUPS_HIT]!++;
        }
      } else {
        let seen = manyGroups.get(slot);
        if (!seen) {
          seen = new Set();
          manyGroups.set(slot, seen);
        }
        if (!seen.has(group)) {
          seen.add(group);
          slotRule[sr + SR_GROUPS_HIT]!++;
        }
      }
      if (slotRule[sr + SR_LAST_HIT]! < 0) slotRule[sr + SR_FIRST_HIT] = h;
      else hitInfo[slotRule[sr + SR_LAST_HIT]! * H_SIZE + 3] = h;
      slotRule[sr + SR_LAST_HIT] = h;
    }

    // Small talk standing beside a real question is filler for that question.
    for (let si = 0; si < intentsHit; si++) {
      if (!slotIntent[si * SI_SIZE + SI_SMALLTALK]) continue;
      for (
        let sr = slotIntent[si * SI_SIZE + SI_FIRST_RULE]!;
        sr >= 0;
        sr = slotRule[sr * SR_SIZE + SR_NEXT]!
      )
        for (let h = slotRule[sr * SR_SIZE + SR_FIRST_HIT]!; h >= 0; h = hitInfo[h * H_SIZE + 3]!)
          for (let p = hitInfo[h * H_SIZE]!; p < hitInfo[h * H_SIZE + 1]!; p++) mask[p]! |= SMALLTALK;
    }

    const out: Candidate[] = [];
    let counted = false;
    for (let si = 0; si < intentsHit; si++) {
      const i = slotIntent[si * SI_SIZE + SI_INTENT]!;
      const talk = slotIntent[si * SI_SIZE + SI_SMALLTALK] === 1;
      const intentVeto = slotIntent[si * SI_SIZE + SI_VETO]!;
      let best = -1;
      let bestRank = 0;
      let bestScore = 0;
      let bestCoverage = 0;
      let bestVeto = -1;
      for (
        let sr = slotIntent[si * SI_SIZE + SI_FIRST_RULE]!;
        sr >= 0;
        sr = slotRule[sr * SR_SIZE + SR_NEXT]!
      ) {
        const at = sr * SR_SIZE;
        const groups = slotRule[at + SR_GROUPS]!;
        const satisfied =
          (slotRule[at + SR_FLAGS]! & HAS_ANY && slotRule[at + SR_ANY] === 1) ||
          (groups >= 0 && slotRule[at + SR_GROUPS_HIT] === groups);
        if (!satisfied) continue;
        if (!counted) {
          countMeaningful(len);
          counted = true;
        }
        const coverage = coverageOf(sr, talk ? meaningfulForTalk : meaningfulFor, len);
        const s = round(ruleWeight[slotRule[at + SR_RULE]!]! * Math.min(1, 0.5 + coverage));
        const veto = intentVeto >= 0 ? intentVeto : slotRule[at + SR_VETO]!;
        // A vetoed candidate is listed for the explanation but never wins.
        const rank = veto >= 0 ? -1 : s;
        if (best < 0 || rank > bestRank) {
          best = sr;
          bestRank = rank;
          bestScore = s;
          bestCoverage = coverage;
          bestVeto = veto;
        }
      }
      if (best < 0) continue;
      const words: string[] = [];
      const spans: [number, number][] = [];
      let distinct = 0;
      for (let h = slotRule[best * SR_SIZE + SR_FIRST_HIT]!; h >= 0; h = hitInfo[h * H_SIZE + 3]!) {
        const k = payloads[hitInfo[h * H_SIZE + 2]! * P_SIZE + P_KEYWORD]!;
        let seen = false;
        for (let j = 0; j < distinct && !seen; j++) seen = wordIds[j] === k;
        if (!seen) {
          wordIds = grown(wordIds, distinct + 1);
          wordIds[distinct++] = k;
          words.push(keywords[k]!);
        }
        spans.push([hitInfo[h * H_SIZE]!, hitInfo[h * H_SIZE + 1]!]);
      }
      const c: Candidate = {
        intent: intentIds[i]!,
        score: bestScore,
        coverage: round(bestCoverage),
        rule: slotRule[best * SR_SIZE + SR_LOCAL]!,
        words,
        source: 'keyword',
        spans,
      };
      if (bestVeto >= 0) c.vetoedBy = keywords[bestVeto]!;
      candIntent = grown(candIntent, out.length + 1);
      candIntent[out.length] = i;
      out.push(c);
    }
    for (const c of extra) {
      candIntent = grown(candIntent, out.length + 1);
      candIntent[out.length] = intentIndex.get(c.intent) ?? -1;
      out.push(c);
    }
    if (out.length > 1) sortCandidates(out);
    return out;
  }

  /** Prefix counts of the positions that belong to the message when no rule word covers them. */
  function countMeaningful(len: number): void {
    if (meaningfulFor.length < len + 1) {
      meaningfulFor = new Int32Array(Math.max(len + 1, meaningfulFor.length * 2));
      meaningfulForTalk = new Int32Array(meaningfulFor.length);
    }
    let plain = 0;
    let talk = 0;
    meaningfulFor[0] = 0;
    meaningfulForTalk[0] = 0;
    for (let p = 0; p < len; p++) {
      const m = mask[p]!;
      if (m === 0) plain++;
      // For a small-talk intent, the other small talk is part of the message.
      if ((m & (NOISE | FILL)) === 0) talk++;
      meaningfulFor[p + 1] = plain;
      meaningfulForTalk[p + 1] = talk;
    }
  }

  /**
   * Share of the meaningful part of the message covered by the rule's words: positions inside a
   * hit count as covered and meaningful; the others count when they are not noise or filler. The
   * hits are merged as intervals, so the cost depends on the rule's hits, not the message length.
   */
  function coverageOf(sr: number, meaningful: Int32Array, len: number): number {
    let k = 0;
    for (let h = slotRule[sr * SR_SIZE + SR_FIRST_HIT]!; h >= 0; h = hitInfo[h * H_SIZE + 3]!) {
      if (k === spanStart.length) {
        spanStart = grown(spanStart, k + 1);
        spanEnd = grown(spanEnd, k + 1);
      }
      // Insertion sort by start: a rule has a handful of hits.
      const s = hitInfo[h * H_SIZE]!;
      const e = hitInfo[h * H_SIZE + 1]!;
      let j = k++;
      while (j > 0 && spanStart[j - 1]! > s) {
        spanStart[j] = spanStart[j - 1]!;
        spanEnd[j] = spanEnd[j - 1]!;
        j--;
      }
      spanStart[j] = s;
      spanEnd[j] = e;
    }
    let mine = 0;
    let mineMeaningful = 0;
    let from = -1;
    let to = -1;
    for (let j = 0; j < k; j++) {
      const s = spanStart[j]!;
      const e = spanEnd[j]!;
      if (s >= e) continue;
      if (from < 0) {
        from = s;
        to = e;
      } else if (s > to) {
        mine += to - from;
        mineMeaningful += meaningful[to]! - meaningful[from]!;
        from = s;
        to = e;
      } else if (e > to) to = e;
    }
    if (from >= 0) {
      mine += to - from;
      mineMeaningful += meaningful[to]! - meaningful[from]!;
    }
    const total = mine + meaningful[len]! - mineMeaningful;
    return total ? mine / total : 0;
  }

  const priorityAt = (k: number) => {
    const i = candIntent[k]!;
    return i < 0 ? 0 : intentPriority[i]!;
  };
  // A vetoed candidate is listed for the explanation but never wins.
  const rank = (c: Candidate) => (c.vetoedBy ? -1 : c.score);

  /**
   * Best first: rank, then priority, stable: the order `out.sort((a, b) => rank(b) - rank(a) ||
   * priority(b) - priority(a))` gives, with each key computed once per candidate (the priority lookup
   * misses the cache on a big pack). A few candidates are insertion-sorted in place.
   */
  function sortCandidates(out: Candidate[]): void {
    const n = out.length;
    if (sortRank.length < n) {
      sortRank = new Float64Array(Math.max(n, sortRank.length * 2));
      sortPriority = new Float64Array(sortRank.length);
    }
    let plain = n <= 32;
    for (let k = 0; k < n; k++) {
      sortRank[k] = rank(out[k]!);
      sortPriority[k] = priorityAt(k);
      // NaN makes the comparator inconsistent; only the engine's own sort reproduces that order.
      if (Number.isNaN(sortRank[k]) || Number.isNaN(sortPriority[k])) plain = false;
    }
    if (plain) {
      for (let k = 1; k < n; k++) {
        const c = out[k]!;
        const ci = candIntent[k]!;
        const r = sortRank[k]!;
        const p = sortPriority[k]!;
        let j = k;
        while (j > 0 && (r > sortRank[j - 1]! || (r === sortRank[j - 1] && p > sortPriority[j - 1]!))) {
          out[j] = out[j - 1]!;
          candIntent[j] = candIntent[j - 1]!;
          sortRank[j] = sortRank[j - 1]!;
          sortPriority[j] = sortPriority[j - 1]!;
          j--;
        }
        out[j] = c;
        candIntent[j] = ci;
        sortRank[j] = r;
        sortPriority[j] = p;
      }
      return;
    }
    const order: number[] = [];
    for (let k = 0; k < n; k++) order.push(k);
    order.sort(byKeys);
    const copy = out.slice();
    const intentsCopy = candIntent.slice(0, n);
    for (let k = 0; k < n; k++) {
      out[k] = copy[order[k]!]!;
      candIntent[k] = intentsCopy[order[k]!]!;
    }
  }
  const byKeys = (a: number, b: number) => sortRank[b]! - sortRank[a]! || sortPriority[b]! - sortPriority[a]!;

  /** The intent a candidate names, as `intents.get(candidate.intent)`. */
  const resolveAt = (candidates: Candidate[], k: number) => {
    const i = candIntent[k]!;
    return i < 0 ? intents.get(candidates[k]!.intent)! : resolved[i]!;
  };
  const flagAt = (k: number, field: number) => {
    const i = candIntent[k]!;
    return i >= 0 && intentInfo[i * I_SIZE + field] === 1;
  };

  function decide(
    n: NormalizedText,
    candidates: Candidate[],
    corrections: MatchResult['corrections'],
  ): MatchResult {
    let intent: Intent | null = null;
    let score = 0;
    let reason: MatchReason = 'no-match';
    // A vetoed candidate is listed for the explanation but never wins.
    let firstLive = -1;
    let handoff = -1;
    for (let k = 0; k < candidates.length; k++) {
      if (candidates[k]!.vetoedBy) continue;
      if (firstLive < 0) firstLive = k;
      // "人工", "投诉": a person is asked for; any satisfied rule is enough.
      if (flagAt(k, I_HANDOFF)) {
        handoff = k;
        break;
      }
    }
    if (handoff >= 0) {
      intent = resolveAt(candidates, handoff);
      score = candidates[handoff]!.score;
      reason = 'handoff-keyword';
    } else if (firstLive >= 0) {
      // The best question, the best other question (rival), and the first other question on other
      // words that is nearly confident (second).
      let top = -1;
      let rival = -1;
      let second = -1;
      for (let k = 0; k < candidates.length; k++) {
        const c = candidates[k]!;
        if (c.vetoedBy || flagAt(k, I_SMALLTALK)) continue;
        if (top < 0) {
          top = k;
          if (c.score < opts.threshold) break;
          continue;
        }
        if (c.intent === candidates[top]!.intent) continue;
        if (rival < 0) rival = k;
        if (c.score >= opts.threshold - opts.ambiguityMargin && disjoint(c, candidates[top]!)) {
          second = k;
          break;
        }
      }
      const t = top >= 0 ? candidates[top]! : undefined;
      if (t && t.score >= opts.threshold) {
        score = t.score;
        const r = rival >= 0 ? candidates[rival]! : undefined;
        if (
          r &&
          r.score >= opts.threshold &&
          t.score - r.score < opts.ambiguityMargin &&
          priorityAt(rival) === priorityAt(top)
        )
          reason = 'ambiguous';
        // Two questions in one message ("有优惠吗？什么时候发货？"): answering one would leave the other
        // unanswered and look like a wrong answer. A rival on other words, nearly confident, hands off.
        else if (second >= 0) reason = 'ambiguous';
        else {
          intent = resolveAt(candidates, top);
          reason = 'confident';
        }
      } else if (t) {
        score = t.score;
        reason = 'below-threshold';
      } else {
        const talk = candidates[firstLive]!;
        score = talk.score;
        if (talk.score >= opts.threshold) {
          intent = resolveAt(candidates, firstLive);
          reason = 'smalltalk';
        } else reason = 'below-threshold';
      }
    }
    return { normalized: n, intent, score, reason, candidates, corrections };
  }

  return { intents, options: opts, match };
}

function isLatinWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function disjoint(a: Candidate, b: Candidate): boolean {
  if (!a.spans || !b.spans) return false;
  for (const [s1, e1] of a.spans) for (const [s2, e2] of b.spans) if (!(e1 <= s2 || e2 <= s1)) return false;
  return true;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
