import distances from 'natural/lib/natural/distance/levenshtein_distance.js';

/**
 * Finds the known word a customer probably meant ("retrun" → "return") in time independent of the
 * vocabulary size: a symmetric-delete index (every word under each of its one-letter deletions),
 * confirmed with natural's Damerau-Levenshtein distance.
 */
export class TypoIndex {
  private readonly byDelete = new Map<string, string[]>();
  private readonly words = new Set<string>();

  constructor(
    vocabulary: Iterable<string>,
    // Four-letter words are too often real words one edit from a keyword (side → size, born → torn).
    private readonly minLength = 5,
  ) {
    for (const w of vocabulary) {
      if (w.length < minLength || this.words.has(w)) continue;
      this.words.add(w);
      for (const d of deletes(w)) {
        const list = this.byDelete.get(d);
        if (list) list.push(w);
        else this.byDelete.set(d, [w]);
      }
    }
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /** The single known word within one edit, or undefined when there is none or more than one. */
  correct(word: string): string | undefined {
    if (word.length < this.minLength || this.words.has(word)) return undefined;
    const found = new Set<string>();
    for (const d of [word, ...deletes(word)]) {
      for (const w of this.byDelete.get(d) ?? []) found.add(w);
      if (this.words.has(d)) found.add(d);
    }
    let best: string | undefined;
    for (const w of found) {
      if (distances.DamerauLevenshteinDistance(word, w, { restricted: true }) !== 1) continue;
      // Two equally close words: guessing would be a coin toss, so do not correct.
      if (best !== undefined) return undefined;
      best = w;
    }
    return best;
  }
}

function deletes(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}
