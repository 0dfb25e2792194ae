/**
 * Finds the known word a customer probably meant ("retrun" → "return") in time independent of the
 * vocabulary size: a symmetric-delete index (every word under each of its one-letter deletions),
 * confirmed by a check that the two words are one edit apart (restricted Damerau-Levenshtein
 * distance 1). A bigger vocabulary finds more near words, so that check must not build a matrix.
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
    let best: string | undefined;
    for (let i = -1; i < word.length; i++) {
      const d = i < 0 ? word : word.slice(0, i) + word.slice(i + 1);
      const near = this.byDelete.get(d);
      if (near) {
        for (const w of near) {
          if (w === best || !oneEdit(word, w)) continue;
          // Two equally close words: guessing would be a coin toss, so do not correct.
          if (best !== undefined) return undefined;
          best = w;
        }
      }
      if (d !== best && this.words.has(d) && oneEdit(word, d)) {
        if (best !== undefined) return undefined;
        best = d;
      }
    }
    return best;
  }
}

/**
 * Whether a and b are exactly one edit apart: one substitution, insertion, deletion or swap of two
 * adjacent characters (restricted Damerau-Levenshtein distance 1), in time linear in the length.
 */
export function oneEdit(a: string, b: string): boolean {
  if (a.length < b.length) [a, b] = [b, a];
  const n = a.length;
  if (n - b.length > 1) return false;
  let i = 0;
  while (i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (n !== b.length) {
    // a has one more character: skipping a[i] must leave b.
    for (let j = i; j < b.length; j++) if (a.charCodeAt(j + 1) !== b.charCodeAt(j)) return false;
    return true;
  }
  if (i === n) return false; // equal
  let j = n - 1;
  while (a.charCodeAt(j) === b.charCodeAt(j)) j--;
  if (i === j) return true; // one substitution
  // one swap of neighbours
  return j === i + 1 && a.charCodeAt(i) === b.charCodeAt(j) && a.charCodeAt(j) === b.charCodeAt(i);
}

function deletes(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}
