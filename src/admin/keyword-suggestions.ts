import TfIdf from 'natural/lib/natural/tfidf/tfidf.js';
import englishStopwords from 'natural/lib/natural/util/stopwords.js';
import type { BotConfig, ConfigIssue } from '../bot-config/bot-config';
import type { ContentPack } from '../content/content-pack';
import type { LabelledLine } from '../eval/csv';
import { defaultFillers } from '../matching/fillers';
import type { Matcher } from '../matching/matcher';
import { hasHan, normalize, tokens } from '../matching/normalize';

/**
 * Keyword suggestions from a labelled file (`text,intent`): per intent, the terms that are frequent
 * in its lines and rare elsewhere (TF-IDF over one document per label, out-of-scope lines included
 * as their own document), with how precise each term is and how many of the intent's lines it would
 * newly catch. Terms are the matcher's own tokens (`tokens()`: Chinese words and character bigrams,
 * English stems shown as the commonest surface word), so a suggestion means what a keyword means.
 */

export interface KeywordSuggestion {
  keyword: string;
  /** TF-IDF of the term in the intent's lines, relative to the other labels. */
  score: number;
  /** Lines of this intent that contain the term. */
  support: number;
  /** Lines of any label (or none) that contain it. */
  occurrences: number;
  /** support / occurrences: how often a line with the term really is this intent. */
  precision: number;
  /** Lines of this intent containing the term that the configuration does not answer with it today. */
  gain: number;
  /** Why accepting it would be refused (another intent of the same priority already claims it). */
  conflict?: string;
}

export interface IntentSuggestions {
  intent: string;
  /** Lines labelled with the intent, and how many of them the configuration answers right today. */
  lines: number;
  answered: number;
  suggestions: KeywordSuggestion[];
}

export interface SuggestOptions {
  /** At most this many suggestions per intent (default 10). */
  perIntent?: number;
  /** A term must occur in at least this many of the intent's lines (default 2). */
  minSupport?: number;
  /** …and at least this share of the lines containing it must be the intent's (default 0.7). */
  minPrecision?: number;
}

export interface SuggestResult {
  intents: IntentSuggestions[];
  /** Labels of the file that are not intents of the configuration: nothing to add keywords to. */
  unknownIntents: string[];
}

const NONE = '\u0000none';
const stopwords = new Set<string>(englishStopwords.words);
const fillers = new Set(defaultFillers.map((f) => normalize(f).compact));
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

interface LineTerms {
  label: string;
  terms: Set<string>;
  /** Term → surface words it came from (English stems). */
  surface: Map<string, string>;
}

/**
 * Chinese two-character terms that read as words here: a word of the segmenter, or two single-character
 * segments side by side (发|货 → 发货). A pair across a longer word's edge (时候|发 → 候发) or inside
 * one (优惠券 → 惠券) is a fragment and never proposed.
 */
function wordPairs(part: string, words: Set<string>, out: Set<string>): void {
  const chars: { c: string; seg: number; len: number; at: number }[] = [];
  let seg = 0;
  for (const s of segmenter.segment(part)) {
    const cs = [...s.segment];
    if (s.isWordLike && hasHan(s.segment)) words.add(s.segment);
    cs.forEach((c, at) => {
      chars.push({ c, seg, len: cs.length, at });
    });
    seg++;
  }
  const han = chars.filter((x) => hasHan(x.c));
  for (let i = 0; i + 1 < han.length; i++) {
    const a = han[i]!;
    const b = han[i + 1]!;
    const whole = a.seg === b.seg && a.len === 2;
    const joined = a.seg !== b.seg && a.len === 1 && b.len === 1;
    if (whole || joined) out.add(a.c + b.c);
  }
}

/** The distinct terms of one text worth proposing as keywords. */
function termsOf(text: string, words: Set<string>): Omit<LineTerms, 'label'> {
  const n = normalize(text);
  const surface = new Map<string, string>();
  n.stems.forEach((s, i) => {
    if (!surface.has(s)) surface.set(s, n.words[i]!);
  });
  const pairs = new Set<string>();
  for (const part of n.text.split(' ')) if (hasHan(part)) wordPairs(part, words, pairs);
  const terms = new Set<string>();
  for (const t of tokens(n)) {
    if (/^[0-9]+$/.test(t) || fillers.has(t)) continue;
    if (hasHan(t)) {
      const len = [...t].length;
      if (len >= 3 || (len === 2 && pairs.has(t))) terms.add(t);
      continue;
    }
    const word = surface.get(t) ?? t;
    if (word.length >= 3 && !stopwords.has(word) && !fillers.has(word)) terms.add(t);
  }
  return { terms, surface };
}

export function suggestKeywords(
  lines: readonly LabelledLine[],
  content: { pack: ContentPack; matcher: Matcher },
  options: SuggestOptions = {},
): SuggestResult {
  const perIntent = options.perIntent ?? 10;
  const minSupport = options.minSupport ?? 2;
  const minPrecision = options.minPrecision ?? 0.7;
  const intents = new Map(content.pack.intents.map((i) => [i.id, i]));

  const segmenterWords = new Set<string>();
  const surfaceCounts = new Map<string, Map<string, number>>();
  const parsed: (LineTerms & { answered: boolean })[] = lines.map((l) => {
    const { terms, surface } = termsOf(l.text, segmenterWords);
    for (const [stem, word] of surface) {
      let m = surfaceCounts.get(stem);
      if (!m) {
        m = new Map();
        surfaceCounts.set(stem, m);
      }
      m.set(word, (m.get(word) ?? 0) + 1);
    }
    const label = l.intent ?? NONE;
    const answered =
      l.intent !== null && intents.has(l.intent) && content.matcher.match(l.text).intent?.id === l.intent;
    return { label, terms, surface, answered };
  });
  const shown = (term: string) => {
    const m = surfaceCounts.get(term);
    if (!m) return term;
    return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
  };

  // Lines per term, overall and per label.
  const occurrences = new Map<string, number>();
  const byLabel = new Map<string, (LineTerms & { answered: boolean })[]>();
  for (const p of parsed) {
    for (const t of p.terms) occurrences.set(t, (occurrences.get(t) ?? 0) + 1);
    let list = byLabel.get(p.label);
    if (!list) {
      list = [];
      byLabel.set(p.label, list);
    }
    list.push(p);
  }

  // One TF-IDF document per label: a term's frequency is the number of the label's lines holding it.
  const labels = [...byLabel.keys()];
  const tfidf = new TfIdf();
  for (const label of labels) tfidf.addDocument(byLabel.get(label)!.flatMap((p) => [...p.terms]));

  // Keywords already claimed, by folded form: a suggestion equal to one is not new, or would conflict.
  const claimed = new Map<string, { intent: string; priority: number }[]>();
  for (const intent of content.pack.intents) {
    for (const rule of intent.rules) {
      for (const k of [...(rule.any ?? []), ...(rule.all ?? []).flat()]) {
        const folded = normalize(k).compact;
        const list = claimed.get(folded) ?? [];
        list.push({ intent: intent.id, priority: intent.priority });
        claimed.set(folded, list);
      }
    }
  }

  const out: IntentSuggestions[] = [];
  labels.forEach((label, doc) => {
    if (label === NONE || !intents.has(label)) return;
    const intent = intents.get(label)!;
    const own = byLabel.get(label)!;
    const candidates: (KeywordSuggestion & { lineSet: string; word: boolean })[] = [];
    for (const { term, tfidf: score } of tfidf.listTerms(doc)) {
      const inIntent = own.filter((p) => p.terms.has(term));
      const support = inIntent.length;
      const total = occurrences.get(term) ?? support;
      const precision = support / total;
      if (support < minSupport || precision < minPrecision) continue;
      const keyword = hasHan(term) ? term : shown(term);
      const folded = normalize(keyword).compact;
      const owners = claimed.get(folded) ?? [];
      if (owners.some((o) => o.intent === label)) continue;
      const rival = owners.find((o) => o.priority === intent.priority);
      candidates.push({
        keyword,
        score: Math.round(score * 1000) / 1000,
        support,
        occurrences: total,
        precision: Math.round(precision * 1000) / 1000,
        gain: inIntent.filter((p) => !p.answered).length,
        ...(rival
          ? {
              conflict: `already a keyword of intent "${rival.intent}" with the same priority ${intent.priority}`,
            }
          : {}),
        lineSet: own.map((p) => (p.terms.has(term) ? '1' : '0')).join(''),
        word: !hasHan(term) || segmenterWords.has(term),
      });
    }
    // Fragments of one phrase hit the same lines: keep the best of each set (a real word, then the longer).
    const best = new Map<string, (typeof candidates)[number]>();
    for (const c of candidates) {
      const seen = best.get(c.lineSet);
      if (
        !seen ||
        Number(c.word) - Number(seen.word) > 0 ||
        (c.word === seen.word && c.keyword.length > seen.keyword.length)
      ) {
        best.set(c.lineSet, c);
      }
    }
    const suggestions = [...best.values()]
      .sort(
        (a, b) =>
          Number(!!a.conflict) - Number(!!b.conflict) ||
          b.gain - a.gain ||
          b.score - a.score ||
          (a.keyword < b.keyword ? -1 : 1),
      )
      .slice(0, perIntent)
      .map(({ lineSet: _l, word: _w, ...s }) => s);
    out.push({
      intent: label,
      lines: own.length,
      answered: own.filter((p) => p.answered).length,
      suggestions,
    });
  });
  out.sort((a, b) => (a.intent < b.intent ? -1 : 1));
  const unknownIntents = labels.filter((l) => l !== NONE && !intents.has(l)).sort();
  return { intents: out, unknownIntents };
}

/**
 * Adds accepted keywords to a draft: one new `any` rule per intent holding the keywords it does not
 * have yet. The result is not validated here (the caller validates the whole document).
 */
export function acceptKeywords(
  document: BotConfig,
  accept: Record<string, string[]>,
): { document: BotConfig; issues: ConfigIssue[] } {
  const draft = structuredClone(document);
  const issues: ConfigIssue[] = [];
  for (const [id, keywords] of Object.entries(accept)) {
    const intent = draft.intents.find((i) => i.id === id);
    if (!intent) {
      issues.push({ path: `accept.${id}`, message: `intent "${id}" does not exist` });
      continue;
    }
    const have = new Set(intent.rules.flatMap((r) => r.any ?? []).map((k) => normalize(k).compact));
    const fresh: string[] = [];
    for (const k of keywords) {
      const folded = normalize(k).compact;
      if (!folded || have.has(folded)) continue;
      have.add(folded);
      fresh.push(k.trim());
    }
    if (fresh.length) intent.rules.push({ any: fresh, weight: 1 });
  }
  return { document: draft, issues };
}
