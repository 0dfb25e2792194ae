import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { toSimplified } from './traditional-chinese';

/**
 * One customer message, folded so that keyword rules and examples see the same text whatever the
 * customer typed: full-width → half-width (NFKC), case, punctuation, traditional → simplified.
 */
export interface NormalizedText {
  /** Folded text; words separated by single spaces. */
  text: string;
  /** `text` with the spaces between Chinese characters removed: Chinese keywords match as substrings here. */
  compact: string;
  /** Latin/digit words, lowercased, in order. */
  words: string[];
  /** Porter stems of `words`, same order. */
  stems: string[];
}

export interface NormalizeOptions {
  /** Map traditional characters to simplified (default true). */
  simplify?: boolean;
}

const HAN = /\p{Script=Han}/u;
// Anything that is not a letter, number or mark becomes a word break; keeps CJK, Latin, digits.
const NON_WORD = /[^\p{L}\p{N}\p{M}]+/gu;
const SPACE_BETWEEN_HAN = /(?<=\p{Script=Han}) (?=\p{Script=Han})/gu;
const LATIN_WORD = /[a-z0-9]+/g;
const APOSTROPHE = /(?<=\p{L})['’](?=\p{L})/gu;

const stemmer = PorterStemmer;
const stemCache = new Map<string, string>();

export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = /^[a-z]+$/.test(word) ? stemmer.stem(word) : word;
    if (stemCache.size < 50_000) stemCache.set(word, s);
  }
  return s;
}

export function normalize(raw: string, options: NormalizeOptions = {}): NormalizedText {
  let text = raw.normalize('NFKC').toLowerCase();
  if (options.simplify !== false) text = toSimplified(text);
  // "can't" → "cant": apostrophes join words rather than split them.
  text = text.replace(APOSTROPHE, '').replace(NON_WORD, ' ').trim();
  const compact = text.replace(SPACE_BETWEEN_HAN, '');
  const words = text.match(LATIN_WORD) ?? [];
  return { text, compact, words, stems: words.map(stem) };
}

export function hasHan(text: string): boolean {
  return HAN.test(text);
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * Word tokens for example-based scoring: Intl.Segmenter words for Chinese runs plus their character
 * bigrams (the segmenter splits domain words like 发货 → 发|货), stems for Latin words.
 */
export function tokens(n: NormalizedText): string[] {
  const out: string[] = [];
  for (const part of n.text.split(' ')) {
    if (!part) continue;
    if (!hasHan(part)) {
      out.push(stem(part));
      continue;
    }
    for (const seg of segmenter.segment(part)) {
      if (!seg.isWordLike) continue;
      const w = seg.segment;
      out.push(hasHan(w) ? w : stem(w));
    }
    const chars = [...part].filter((c) => hasHan(c));
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}
