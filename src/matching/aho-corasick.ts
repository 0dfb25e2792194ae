/**
 * Aho-Corasick automaton: finds every occurrence of every pattern in one pass over the text, so the
 * cost of matching does not grow with the number of keyword rules.
 */
export interface AcHit<T> {
  /** Index in the text (UTF-16 units) where the match starts. */
  start: number;
  end: number;
  payloads: readonly T[];
}

interface Node<T> {
  next: Map<number, Node<T>>;
  fail: Node<T> | null;
  /** Payloads of patterns ending here, and the pattern length. */
  out: { length: number; payloads: T[] }[];
}

function newNode<T>(): Node<T> {
  return { next: new Map(), fail: null, out: [] };
}

export class AhoCorasick<T> {
  private readonly root: Node<T> = newNode();
  private built = false;
  size = 0;

  add(pattern: string, payload: T): void {
    if (this.built) throw new Error('AhoCorasick: add after build');
    if (!pattern) return;
    let node = this.root;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) {
        child = newNode();
        node.next.set(c, child);
      }
      node = child;
    }
    const own = node.out.find((o) => o.length === pattern.length);
    if (own) own.payloads.push(payload);
    else node.out.push({ length: pattern.length, payloads: [payload] });
    this.size++;
  }

  build(): this {
    const queue: Node<T>[] = [];
    for (const child of this.root.next.values()) {
      child.fail = this.root;
      queue.push(child);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const node = queue[qi]!;
      for (const [c, child] of node.next) {
        let f = node.fail;
        while (f && !f.next.has(c)) f = f.fail;
        child.fail = f ? f.next.get(c)! : this.root;
        // Inherit the outputs of the suffix link so a hit reports every pattern ending here.
        if (child.fail.out.length) child.out = child.out.concat(child.fail.out);
        queue.push(child);
      }
    }
    this.built = true;
    return this;
  }

  search(text: string): AcHit<T>[] {
    if (!this.built) this.build();
    const hits: AcHit<T>[] = [];
    let node = this.root;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (node !== this.root && !node.next.has(c)) node = node.fail!;
      node = node.next.get(c) ?? this.root;
      for (const o of node.out) hits.push({ start: i + 1 - o.length, end: i + 1, payloads: o.payloads });
    }
    return hits;
  }
}
