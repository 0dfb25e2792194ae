import type { SparseVector } from './example-features';

/**
 * Multinomial logistic regression over sparse vectors, trained with SGD at load time.
 *
 * Training keeps a dense feature-major weight matrix (all K class weights of a feature side by side).
 * Afterwards each feature's row is centred — adding one constant to all K weights of a feature
 * changes no probability — and weights near the centre are dropped, so scoring touches about 20–30
 * weights per feature of the message instead of K.
 */

export interface SoftmaxOptions {
  /** Passes over the examples; undefined: enough for ~40 000 SGD steps, between 5 and 60 passes. */
  epochs?: number;
  /** Step size (vectors have L2 norm 1). */
  learningRate: number;
  /** L2 penalty per step. */
  l2: number;
  /** Weights within this distance of their row's centre are dropped after training. */
  epsilon: number;
  seed: number;
}

export const defaultSoftmaxOptions: SoftmaxOptions = { learningRate: 2, l2: 5e-7, epsilon: 0.03, seed: 1 };

export class SoftmaxModel {
  private constructor(
    readonly classes: number,
    private readonly bias: Float64Array,
    /** CSR rows: weights of feature f are at start[f] … start[f+1]-1. */
    private readonly start: Int32Array,
    private readonly cls: Uint16Array,
    private readonly wt: Float32Array,
  ) {}

  /** Weights kept after compaction (memory and scoring cost are proportional). */
  get weights(): number {
    return this.wt.length;
  }

  static train(
    xs: readonly SparseVector[],
    ys: readonly number[],
    classes: number,
    features: number,
    o: SoftmaxOptions,
  ): SoftmaxModel {
    const K = classes;
    if (K > 65_535) throw new Error('at most 65 535 classes');
    const w = new Float32Array(features * K);
    const b = new Float64Array(K);
    const z = new Float64Array(K);
    const active = new Int32Array(K);
    const grad = new Float64Array(K);
    const order = Array.from(xs.keys());
    const rand = mulberry32(o.seed);
    const epochs = o.epochs ?? Math.min(60, Math.max(5, Math.ceil(40_000 / Math.max(1, xs.length))));
    let scale = 1; // true weights = scale × w (lazy L2 decay)
    let t = 0;
    for (let epoch = 0; epoch < epochs && K > 1; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        const tmp = order[i]!;
        order[i] = order[j]!;
        order[j] = tmp;
      }
      for (const e of order) {
        const x = xs[e]!;
        const lr = o.learningRate / (1 + o.learningRate * o.l2 * t++);
        for (let k = 0; k < K; k++) z[k] = 0;
        for (let j = 0; j < x.idx.length; j++) {
          const base = x.idx[j]! * K;
          const v = x.val[j]!;
          for (let k = 0; k < K; k++) z[k]! += v * w[base + k]!;
        }
        for (let k = 0; k < K; k++) z[k] = z[k]! * scale + b[k]!;
        softmaxInPlace(z);
        z[ys[e]!]! -= 1; // gradient of the log-loss wrt the logits
        scale *= 1 - lr * o.l2;
        const step = lr / scale;
        // Only classes with a gradient worth the work: after the first pass, a handful of K.
        let na = 0;
        for (let k = 0; k < K; k++) {
          const g = z[k]!;
          if (g > 1e-3 || g < -1e-3) {
            active[na] = k;
            grad[na++] = g;
          }
        }
        for (let j = 0; j < x.idx.length; j++) {
          const base = x.idx[j]! * K;
          const v = x.val[j]! * step;
          for (let a = 0; a < na; a++) w[base + active[a]!]! -= v * grad[a]!;
        }
        for (let a = 0; a < na; a++) b[active[a]!]! -= lr * grad[a]!;
        if (scale < 1e-3) {
          for (let q = 0; q < w.length; q++) w[q]! *= scale;
          scale = 1;
        }
      }
    }

    const start = new Int32Array(features + 1);
    const cls: number[] = [];
    const wt: number[] = [];
    for (let f = 0; f < features; f++) {
      start[f] = cls.length;
      const base = f * K;
      let mean = 0;
      for (let k = 0; k < K; k++) mean += w[base + k]!;
      mean /= K;
      for (let k = 0; k < K; k++) {
        const d = (w[base + k]! - mean) * scale;
        if (d > o.epsilon || d < -o.epsilon) {
          cls.push(k);
          wt.push(d);
        }
      }
    }
    start[features] = cls.length;
    return new SoftmaxModel(K, b, start, Uint16Array.from(cls), Float32Array.from(wt));
  }

  /** Class logits of one message into `out` (length K). */
  logits(x: SparseVector, out: Float64Array): Float64Array {
    const { start, cls, wt } = this;
    out.set(this.bias);
    for (let j = 0; j < x.idx.length; j++) {
      const f = x.idx[j]!;
      const v = x.val[j]!;
      for (let q = start[f]!, end = start[f + 1]!; q < end; q++) out[cls[q]!]! += v * wt[q]!;
    }
    return out;
  }

  /** Class probabilities of one message into `out` (length K). */
  probabilities(x: SparseVector, out: Float64Array): Float64Array {
    return softmaxInPlace(this.logits(x, out));
  }

  /** Weights kept for feature `f` (the cost of the feature in `logits`). */
  rowLength(f: number): number {
    return this.start[f + 1]! - this.start[f]!;
  }

  /** The weight of feature `f` for class `k` (0 when dropped). */
  weight(f: number, k: number): number {
    for (let q = this.start[f]!, end = this.start[f + 1]!; q < end; q++)
      if (this.cls[q] === k) return this.wt[q]!;
    return 0;
  }
}

function softmaxInPlace(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) if (z[k]! > max) max = z[k]!;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp(z[k]! - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k]! /= sum;
  return z;
}

/** Small seeded PRNG: training is reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
