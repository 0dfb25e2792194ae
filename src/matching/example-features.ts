import { type NormalizedText, tokens } from './normalize';

/**
 * Sparse features of a message for example-based matching: the word tokens of `tokens()` (Porter
 * stems, Chinese words and character bigrams), adjacent Latin stem pairs, and character n-grams of
 * Latin words (typos and word forms the stemmer misses). Weighted by sublinear tf × idf × block
 * weight, L2-normalised.
 *
 * Features are identified by a 30-bit hash of their text, computed without building n-gram strings,
 * and looked up in an open-addressing table: a query allocates little beyond its result. Two rare
 * features may share a hash; the model then treats them as one, which costs nothing measurable.
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
  /** Features in a larger share of the examples than this are dropped (stop words, " th"). Default 1 (none). */
  maxShare: number;
}

export const defaultFeatureOptions: FeatureOptions = {
  wordBigrams: true,
  charNgrams: [3, 4],
  charWeight: 0.5,
  minCount: 2,
  maxShare: 1,
};

/** A feature vector: parallel arrays of feature ids and values, L2 norm 1 (or empty). */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
  /** Share of the message's word tokens (idf-weighted) that the training examples contain: 0–1. */
  known: number;
}

/** Feature blocks (also the hash seeds). */
const Kind = { Word: 0, Pair: 1, Char: 2 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashString(seed: number, s: string): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

function finish(h: number): number {
  // Murmur3 finaliser, then 30 bits (non-negative small integers).
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

/** Calls `emit(hash, kind)` for every feature occurrence of a message. */
function eachFeature(n: NormalizedText, o: FeatureOptions, emit: (hash: number, kind: Kind) => void): void {
  for (const t of tokens(n)) emit(finish(hashString(Kind.Word, t)), Kind.Word);
  if (o.wordBigrams && n.stems.length > 1) {
    let prev = hashString(Kind.Pair, n.stems[0]!);
    for (let i = 1; i < n.stems.length; i++) {
      const cur = hashString(Kind.Pair, n.stems[i]!);
      emit(finish(Math.imul(prev, 0x9e3779b1) ^ cur), Kind.Pair);
      prev = cur;
    }
  }
  if (o.charNgrams.length && o.charWeight > 0) {
    const sizes = o.charNgrams;
    for (const w of n.words) {
      // The word padded with a space on each side; each start's n-grams hashed incrementally.
      const len = w.length + 2;
      for (let start = 0; start < len; start++) {
        let h = (FNV_OFFSET ^ Kind.Char) >>> 0;
        let size = 0;
        for (let g = 0; g < sizes.length; g++) {
          const want = sizes[g]!;
          if (start + want > len) break;
          while (size < want) {
            const i = start + size++;
            h = Math.imul(h ^ (i === 0 || i === len - 1 ? 32 : w.charCodeAt(i - 1)), FNV_PRIME);
          }
          emit(finish(h ^ want), Kind.Char);
        }
      }
    }
  }
}

/** Hash → feature id, open addressing with linear probing. */
class IdTable {
  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let c = 16;
    while (c < capacity * 2) c <<= 1;
    this.keys = new Int32Array(c).fill(-1);
    this.values = new Int32Array(c);
    this.mask = c - 1;
  }

  get(key: number): number {
    let i = key & this.mask;
    for (;;) {
      const k = this.keys[i]!;
      if (k === key) return this.values[i]!;
      if (k === -1) return -1;
      i = (i + 1) & this.mask;
    }
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    let i = key & this.mask;
    while (this.keys[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    if (this.keys[i] === -1) this.size++;
    this.keys[i] = key;
    this.values[i] = value;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.values = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.set(keys[i]!, values[i]!);
  }
}

/** Vocabulary and idf learnt from training texts; turns messages into sparse vectors. */
export class FeatureSpace {
  readonly options: FeatureOptions;
  private ids = new IdTable();
  /** idf × block weight of each feature id. */
  private weight = new Float32Array(0);
  private idf = new Float32Array(0);
  private isWord = new Uint8Array(0);
  /** idf given to a word no example contains (as if one did). */
  private unseenIdf = 1;
  // Scratch for one query: counts by feature id, and the ids touched.
  private counts = new Float64Array(0);
  private touched = new Int32Array(256);

  constructor(options: FeatureOptions) {
    // n-gram lengths ascending: each n-gram is extended to the next length.
    this.options = {
      ...options,
      charNgrams: [...new Set(options.charNgrams)].filter((g) => g > 0).sort((a, b) => a - b),
    };
  }

  get size(): number {
    return this.idf.length;
  }

  /** Learns the vocabulary from the training messages and returns their vectors. */
  fit(messages: readonly NormalizedText[]): SparseVector[] {
    const df = new Map<number, number>();
    const kindOf = new Map<number, Kind>();
    const seen = new Set<number>();
    for (const m of messages) {
      seen.clear();
      eachFeature(m, this.options, (h, kind) => {
        if (seen.has(h)) return;
        seen.add(h);
        df.set(h, (df.get(h) ?? 0) + 1);
        if (!kindOf.has(h) || kind === Kind.Word) kindOf.set(h, kind);
      });
    }
    const N = messages.length;
    const idf: number[] = [];
    const weight: number[] = [];
    const isWord: number[] = [];
    this.ids = new IdTable(df.size);
    for (const [h, d] of df) {
      const kind = kindOf.get(h)!;
      // Whole words always count (a pack may have one example per intent); rare pairs and n-grams don't.
      if (d < this.options.minCount && kind !== Kind.Word) continue;
      if (d > this.options.maxShare * N) continue;
      this.ids.set(h, idf.length);
      const v = Math.log((N + 1) / (d + 1)) + 1;
      idf.push(v);
      weight.push(v * (kind === Kind.Char ? this.options.charWeight : 1));
      isWord.push(kind === Kind.Word ? 1 : 0);
    }
    this.idf = Float32Array.from(idf);
    this.weight = Float32Array.from(weight);
    this.isWord = Uint8Array.from(isWord);
    this.unseenIdf = Math.log((N + 1) / 2) + 1;
    this.counts = new Float64Array(idf.length);
    return messages.map((m) => this.vector(m));
  }

  /** The feature id of a word token (an element of `tokens()`), or -1 when no example has it. */
  wordId(token: string): number {
    const id = this.ids.get(finish(hashString(Kind.Word, token)));
    return id >= 0 && this.isWord[id] ? id : -1;
  }

  vector(n: NormalizedText): SparseVector {
    const { counts, ids, idf } = this;
    let nnz = 0;
    let wordMass = 0;
    let knownMass = 0;
    eachFeature(n, this.options, (h, kind) => {
      const id = ids.get(h);
      if (kind === Kind.Word) {
        const v = id >= 0 ? idf[id]! : this.unseenIdf;
        wordMass += v;
        if (id >= 0) knownMass += v;
      }
      if (id < 0) return;
      if (counts[id] === 0) {
        if (nnz === this.touched.length) {
          const bigger = new Int32Array(nnz * 2);
          bigger.set(this.touched);
          this.touched = bigger;
        }
        this.touched[nnz++] = id;
      }
      counts[id]!++;
    });
    const idx = this.touched.slice(0, nnz);
    const val = new Float32Array(nnz);
    let norm = 0;
    for (let j = 0; j < nnz; j++) {
      const id = idx[j]!;
      const c = counts[id]!;
      counts[id] = 0;
      const v = (c > 1 ? 1 + Math.log(c) : 1) * this.weight[id]!;
      val[j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < nnz; j++) val[j]! /= norm;
    return { idx, val, known: wordMass ? knownMass / wordMass : 0 };
  }
}
