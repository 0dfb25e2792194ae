import { type NormalizedText, tokens } from './normalize';

/**
 * Sparse features of a message for example-based matching: the word tokens of `tokens()` (Porter
 * stems, Chinese words and character bigrams), adjacent Latin stem pairs, and character n-grams of
 * Latin words (typos and word forms the stemmer misses). Weighted by sublinear tf × idf, L2-normalised.
 *
 * Features are identified by a 30-bit hash of their text, computed without building the n-gram
 * strings (most of the cost of a query otherwise). Two rare features may share a hash; the model
 * then treats them as one, which costs nothing measurable.
 */

export interface FeatureOptions {
  /** Adjacent Latin stem pairs ("track order" ≠ "order track"). Default true. */
  wordBigrams: boolean;
  /** Character n-gram lengths over Latin words padded with spaces; [] to switch off. Default [3, 4]. */
  charNgrams: readonly number[];
  /** Weight of the character n-gram block relative to words. Default 0.5. */
  charWeight: number;
  /** Pairs and n-grams seen in fewer training examples than this are not features. Default 2. */
  minCount: number;
}

export const defaultFeatureOptions: FeatureOptions = {
  wordBigrams: true,
  charNgrams: [3, 4],
  charWeight: 0.5,
  minCount: 2,
};

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD = 1;
const PAIR = 2;
const CHAR = 3;

function hashString(seed: number, s: string): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

function finish(h: number): number {
  // Murmur3 finaliser, then 30 bits: small integers are the cheapest Map keys in V8.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

/** Raw features of one message: hash → count, words and pairs apart from character n-grams. */
export interface RawFeatures {
  counts: Map<number, number>;
  chars: Map<number, number>;
  /** The word-token features among `counts`. */
  words: Set<number>;
}

export function rawFeatures(n: NormalizedText, o: FeatureOptions): RawFeatures {
  const counts = new Map<number, number>();
  const chars = new Map<number, number>();
  const words = new Set<number>();
  const add = (f: number) => counts.set(f, (counts.get(f) ?? 0) + 1);
  for (const t of tokens(n)) {
    const f = finish(hashString(WORD, t));
    add(f);
    words.add(f);
  }
  if (o.wordBigrams && n.stems.length > 1) {
    let prev = hashString(PAIR, n.stems[0]!);
    for (let i = 1; i < n.stems.length; i++) {
      const cur = hashString(PAIR, n.stems[i]!);
      add(finish(Math.imul(prev, 0x9e3779b1) ^ cur));
      prev = cur;
    }
  }
  if (o.charNgrams.length && o.charWeight > 0) {
    for (const w of n.words) {
      // The word padded with a space on each side; every n-gram hashed incrementally from its start.
      const len = w.length + 2;
      const at = (i: number) => (i === 0 || i === len - 1 ? 32 : w.charCodeAt(i - 1));
      for (let start = 0; start < len; start++) {
        let h = (FNV_OFFSET ^ CHAR) >>> 0;
        let size = 0;
        for (const g of o.charNgrams) {
          if (start + g > len) break;
          while (size < g) h = Math.imul(h ^ at(start + size++), FNV_PRIME);
          const f = finish(h ^ g);
          chars.set(f, (chars.get(f) ?? 0) + 1);
        }
      }
    }
  }
  return { counts, chars, words };
}

/** A feature vector: parallel arrays of feature ids and values, L2 norm 1 (or empty). */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
  /** Share of the message's word weight (idf-weighted) that the vocabulary knows: 0–1. */
  known: number;
}

/** Vocabulary and idf learnt from training texts; turns messages into sparse vectors. */
export class FeatureSpace {
  readonly ids = new Map<number, number>();
  idf: Float32Array = new Float32Array(0);
  /** idf given to a word the vocabulary has never seen (as if it occurred once). */
  private unseenIdf = 1;

  constructor(readonly options: FeatureOptions) {
    // n-gram lengths ascending: rawFeatures extends each n-gram to the next length.
    this.options = { ...options, charNgrams: [...options.charNgrams].sort((a, b) => a - b) };
  }

  get size(): number {
    return this.ids.size;
  }

  /** Learns the vocabulary from the training messages and returns their vectors. */
  fit(messages: readonly NormalizedText[]): SparseVector[] {
    const raws = messages.map((m) => rawFeatures(m, this.options));
    const df = new Map<number, number>();
    const isWord = new Set<number>();
    for (const r of raws) {
      for (const f of r.counts.keys()) df.set(f, (df.get(f) ?? 0) + 1);
      for (const f of r.chars.keys()) df.set(f, (df.get(f) ?? 0) + 1);
      for (const f of r.words) isWord.add(f);
    }
    const idf: number[] = [];
    const N = messages.length;
    for (const [f, d] of df) {
      // Whole words always count (a pack may have one example per intent); rare pairs and n-grams don't.
      if (d < this.options.minCount && !isWord.has(f)) continue;
      this.ids.set(f, idf.length);
      idf.push(Math.log((N + 1) / (d + 1)) + 1);
    }
    this.idf = Float32Array.from(idf);
    this.unseenIdf = Math.log((N + 1) / 2) + 1;
    return raws.map((r) => this.vectorOf(r));
  }

  /** The feature id of a word token (an element of `tokens()`), if it was seen in training. */
  wordId(token: string): number | undefined {
    return this.ids.get(finish(hashString(WORD, token)));
  }

  vector(n: NormalizedText): SparseVector {
    return this.vectorOf(rawFeatures(n, this.options));
  }

  private vectorOf(raw: RawFeatures): SparseVector {
    const size = raw.counts.size + raw.chars.size;
    const idx = new Int32Array(size);
    const val = new Float32Array(size);
    let nnz = 0;
    let norm = 0;
    let wordMass = 0;
    let knownMass = 0;
    const put = (f: number, count: number, weight: number) => {
      const id = this.ids.get(f);
      const isWord = weight === 1 && raw.words.has(f);
      if (id === undefined) {
        if (isWord) wordMass += this.unseenIdf;
        return;
      }
      const idf = this.idf[id]!;
      if (isWord) {
        wordMass += idf;
        knownMass += idf;
      }
      const v = (1 + Math.log(count)) * idf * weight;
      idx[nnz] = id;
      val[nnz++] = v;
      norm += v * v;
    };
    for (const [f, c] of raw.counts) put(f, c, 1);
    if (raw.chars.size) {
      const w = this.options.charWeight;
      for (const [f, c] of raw.chars) put(f, c, w);
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < nnz; j++) val[j]! /= norm;
    return { idx: idx.subarray(0, nnz), val: val.subarray(0, nnz), known: wordMass ? knownMass / wordMass : 0 };
  }
}
