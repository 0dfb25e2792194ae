/**
 * Aho-Corasick automaton: finds every occurrence of every pattern in one pass over the text, so the
 * cost of matching does not grow with the number of keyword rules.
 *
 * The automaton is flat: states are numbered breadth-first, so the children of a state are one
 * contiguous run of state ids sorted by their UTF-16 code unit, and every link (children, failure,
 * output) is an index into a typed array. What one step reads about a state sits in one 16-byte
 * record. A pointer graph of one `Map` per node spread 30 000 keywords over the heap and missed the
 * cache on every step; these arrays stay small and dense.
 */
export interface AcHit<T> {
  /** Index in the text (UTF-16 units) where the match starts. */
  start: number;
  end: number;
  payloads: readonly T[];
}

const NONE = -1;
// Fields of a state record in `node`.
const FROM = 0; // first child
const TO = 1; // one past the last child
const FAIL = 2;
const DICT = 3; // first state on the failure chain (this one included) that ends a pattern, or -1
/** Children runs up to this long are scanned; longer ones are bisected. */
const LINEAR = 8;

export class AhoCorasick<T> {
  private built = false;
  /** Number of patterns added (with repeats). */
  size = 0;

  // Before build: distinct patterns in first-added order, and the (pattern, payload) pairs.
  private patternIds = new Map<string, number>();
  private patterns: string[] = [];
  private addedPattern: number[] = [];
  private addedPayload: T[] = [];

  // After build. State 0 is the root; states are numbered breadth-first.
  /** Four ints per state: FROM, TO, FAIL, DICT. */
  private node = new Int32Array(4).fill(NONE);
  /** Code unit on the edge into each state (ascending within a run of siblings). */
  private label = new Uint16Array(1);
  /** The root's children by code unit (0: none), so the most frequent step is one array read. */
  private rootNext = new Int32Array(0);
  /** Two ints per state: the pattern ending there (or -1), the next such state on its failure chain. */
  private out = new Int32Array(2).fill(NONE);
  /** Four ints per pattern: length, first payload, one past the last payload, unused. */
  private pattern = new Int32Array(0);
  private payloadList: T[] = [];

  // Hits of the last scan(), reused between calls.
  private hitPatternBuf = new Int32Array(64);
  private hitEndBuf = new Int32Array(64);

  add(pattern: string, payload: T): void {
    if (this.built) throw new Error('AhoCorasick: add after build');
    if (!pattern) return;
    let id = this.patternIds.get(pattern);
    if (id === undefined) {
      id = this.patterns.length;
      this.patternIds.set(pattern, id);
      this.patterns.push(pattern);
    }
    this.addedPattern.push(id);
    this.addedPayload.push(payload);
    this.size++;
  }

  build(): this {
    if (this.built) return this;
    const patterns = this.patterns;
    const P = patterns.length;

    // Payloads grouped by pattern, in the order they were added.
    const patternInfo = new Int32Array(P * 4);
    for (const p of this.addedPattern) patternInfo[p * 4 + 2]!++;
    for (let p = 0, at = 0; p < P; p++) {
      patternInfo[p * 4] = patterns[p]!.length;
      patternInfo[p * 4 + 1] = at;
      at += patternInfo[p * 4 + 2]!;
      patternInfo[p * 4 + 2] = patternInfo[p * 4 + 1]!; // filled below, ends one past the last
    }
    const payloadList = new Array<T>(this.addedPayload.length);
    for (let k = 0; k < this.addedPattern.length; k++)
      payloadList[patternInfo[this.addedPattern[k]! * 4 + 2]!++] = this.addedPayload[k]!;

    // Trie in depth-first order from the sorted patterns: each pattern shares its common prefix
    // with the previous one, and siblings are created in ascending code-unit order.
    const order = Array.from({ length: P }, (_, p) => p).sort((a, b) =>
      patterns[a]! < patterns[b]! ? -1 : patterns[a]! > patterns[b]! ? 1 : 0,
    );
    let totalChars = 0;
    let longest = 0;
    for (const s of patterns) {
      totalChars += s.length;
      longest = Math.max(longest, s.length);
    }
    const cap = totalChars + 1;
    const dParent = new Int32Array(cap);
    const dLabel = new Uint16Array(cap);
    const dPattern = new Int32Array(cap).fill(NONE);
    const path = new Int32Array(longest + 1); // path[d]: node at depth d of the current pattern
    let nodes = 1;
    let prev = '';
    for (const p of order) {
      const s = patterns[p]!;
      let lcp = 0;
      while (lcp < s.length && lcp < prev.length && s.charCodeAt(lcp) === prev.charCodeAt(lcp)) lcp++;
      for (let d = lcp; d < s.length; d++) {
        dParent[nodes] = path[d]!;
        dLabel[nodes] = s.charCodeAt(d);
        path[d + 1] = nodes++;
      }
      dPattern[path[s.length]!] = p;
      prev = s;
    }

    // Breadth-first renumbering: children of a node become one contiguous, still sorted, run.
    const childCount = new Int32Array(nodes);
    for (let v = 1; v < nodes; v++) childCount[dParent[v]!]!++;
    const childStart = new Int32Array(nodes + 1);
    for (let v = 0; v < nodes; v++) childStart[v + 1] = childStart[v]! + childCount[v]!;
    const childAt = childStart.slice(0, nodes);
    const children = new Int32Array(Math.max(0, nodes - 1));
    for (let v = 1; v < nodes; v++) children[childAt[dParent[v]!]!++] = v;
    const queue = new Int32Array(nodes); // queue[state] = depth-first id
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      const v = queue[head]!;
      for (let k = childStart[v]!; k < childStart[v + 1]!; k++) queue[tail++] = children[k]!;
    }

    const N = nodes;
    const node = new Int32Array(N * 4).fill(NONE);
    const label = new Uint16Array(N);
    const out = new Int32Array(N * 2).fill(NONE);
    const parent = new Int32Array(N);
    for (let s = 0, next = 1; s < N; s++) {
      const v = queue[s]!;
      node[s * 4 + FROM] = next;
      for (let t = next; t < next + childCount[v]!; t++) parent[t] = s;
      next += childCount[v]!;
      node[s * 4 + TO] = next;
      label[s] = dLabel[v]!;
      out[s * 2] = dPattern[v]!;
    }
    let maxRootLabel = -1;
    for (let t = node[FROM]!; t < node[TO]!; t++) maxRootLabel = Math.max(maxRootLabel, label[t]!);
    const rootNext = new Int32Array(maxRootLabel + 1);
    for (let t = node[FROM]!; t < node[TO]!; t++) rootNext[label[t]!] = t;
    this.node = node;
    this.label = label;
    this.rootNext = rootNext;

    // Failure and output links, breadth-first so every link points to a finished state.
    node[FAIL] = 0;
    for (let t = 1; t < N; t++) {
      const p = parent[t]!;
      let to = 0;
      if (p !== 0) {
        const c = label[t]!;
        let f = node[p * 4 + FAIL]!;
        for (;;) {
          to = this.child(f, c);
          if (to > 0 || f === 0) break;
          f = node[f * 4 + FAIL]!;
        }
      }
      node[t * 4 + FAIL] = to;
      const inherited = node[to * 4 + DICT]!;
      if (out[t * 2]! >= 0) {
        node[t * 4 + DICT] = t;
        out[t * 2 + 1] = inherited;
      } else node[t * 4 + DICT] = inherited;
    }
    this.out = out;
    this.pattern = patternInfo;
    this.payloadList = payloadList;

    // The build-time lists are no longer needed.
    this.patternIds = new Map();
    this.addedPattern = [];
    this.addedPayload = [];
    this.built = true;
    return this;
  }

  /** Number of automaton states (root included). */
  get states(): number {
    return this.built ? this.label.length : 0;
  }

  /** The child of state s on code unit c, or 0 (the root is never a child). */
  private child(s: number, c: number): number {
    if (s === 0) return c < this.rootNext.length ? this.rootNext[c]! : 0;
    const label = this.label;
    let lo = this.node[s * 4 + FROM]!;
    let hi = this.node[s * 4 + TO]!;
    if (hi - lo <= LINEAR) {
      for (; lo < hi; lo++) if (label[lo] === c) return lo;
      return 0;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = label[mid]!;
      if (m === c) return mid;
      if (m < c) lo = mid + 1;
      else hi = mid;
    }
    return 0;
  }

  /**
   * Finds every pattern occurrence without allocating: returns the number of hits and leaves them in
   * hitPattern() / hitEnd() (valid until the next scan). Hits come by end position; at one end, the
   * longest pattern first.
   */
  scan(text: string): number {
    if (!this.built) this.build();
    const { rootNext, node, out } = this;
    const rootLen = rootNext.length;
    let hits = 0;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      for (;;) {
        if (s === 0) {
          s = c < rootLen ? rootNext[c]! : 0;
          break;
        }
        const t = this.child(s, c);
        if (t > 0) {
          s = t;
          break;
        }
        s = node[s * 4 + FAIL]!;
      }
      for (let o = node[s * 4 + DICT]!; o >= 0; o = out[o * 2 + 1]!) {
        if (hits === this.hitPatternBuf.length) this.growHits();
        this.hitPatternBuf[hits] = out[o * 2]!;
        this.hitEndBuf[hits] = i + 1;
        hits++;
      }
    }
    return hits;
  }

  /** scan() over code units held in an array (e.g. word codes), `length` of them. */
  scanUnits(units: Uint16Array, length: number): number {
    if (!this.built) this.build();
    const { rootNext, node, out } = this;
    const rootLen = rootNext.length;
    let hits = 0;
    let s = 0;
    for (let i = 0; i < length; i++) {
      const c = units[i]!;
      for (;;) {
        if (s === 0) {
          s = c < rootLen ? rootNext[c]! : 0;
          break;
        }
        const t = this.child(s, c);
        if (t > 0) {
          s = t;
          break;
        }
        s = node[s * 4 + FAIL]!;
      }
      for (let o = node[s * 4 + DICT]!; o >= 0; o = out[o * 2 + 1]!) {
        if (hits === this.hitPatternBuf.length) this.growHits();
        this.hitPatternBuf[hits] = out[o * 2]!;
        this.hitEndBuf[hits] = i + 1;
        hits++;
      }
    }
    return hits;
  }

  /** Pattern ids of the last scan's hits. */
  hitPattern(): Int32Array {
    return this.hitPatternBuf;
  }

  /** End offsets (exclusive) of the last scan's hits. */
  hitEnd(): Int32Array {
    return this.hitEndBuf;
  }

  patternLengthOf(pattern: number): number {
    return this.pattern[pattern * 4]!;
  }

  /** Payloads of a pattern are payloadAt(i) for payloadsFrom(p) <= i < payloadsTo(p). */
  payloadsFrom(pattern: number): number {
    return this.pattern[pattern * 4 + 1]!;
  }

  payloadsTo(pattern: number): number {
    return this.pattern[pattern * 4 + 2]!;
  }

  /** Number of payloads, over all patterns. */
  get payloadCount(): number {
    return this.built ? this.payloadList.length : this.addedPayload.length;
  }

  payloadAt(i: number): T {
    return this.payloadList[i]!;
  }

  /** Every hit as an object (allocates; for callers that are not on the hot path). */
  search(text: string): AcHit<T>[] {
    const n = this.scan(text);
    const hits: AcHit<T>[] = [];
    for (let k = 0; k < n; k++) {
      const p = this.hitPatternBuf[k]!;
      const end = this.hitEndBuf[k]!;
      hits.push({
        start: end - this.patternLengthOf(p),
        end,
        payloads: this.payloadList.slice(this.payloadsFrom(p), this.payloadsTo(p)),
      });
    }
    return hits;
  }

  private growHits(): void {
    const n = this.hitPatternBuf.length * 2;
    const pattern = new Int32Array(n);
    pattern.set(this.hitPatternBuf);
    const end = new Int32Array(n);
    end.set(this.hitEndBuf);
    this.hitPatternBuf = pattern;
    this.hitEndBuf = end;
  }
}
