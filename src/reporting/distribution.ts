import { rate } from './stats';

/** One bucket of the first-response distribution; `toSeconds` null = open-ended. */
export interface DistributionBucket {
  label: string;
  fromSeconds: number;
  toSeconds: number | null;
  count: number;
  /** Share of the answered conversations (the unanswered are reported apart). */
  share: number | null;
}

/**
 * Upper bounds in seconds. Buckets include their upper bound (10 s falls in 0–10 s), so
 * "within 30 s" is exactly the first two buckets, matching the reply-rate thresholds.
 */
const BOUNDS = [10, 30, 60, 180, 300, 900, 1800] as const;
const LABELS = [
  '0–10 s',
  '10–30 s',
  '30–60 s',
  '1–3 min',
  '3–5 min',
  '5–15 min',
  '15–30 min',
  '30 min+',
] as const;

export function distributionOf(durationsMs: ArrayLike<number>): DistributionBucket[] {
  const counts = new Array<number>(LABELS.length).fill(0);
  for (let i = 0; i < durationsMs.length; i++) {
    const seconds = durationsMs[i]! / 1000;
    let b = 0;
    while (b < BOUNDS.length && seconds > BOUNDS[b]!) b++;
    counts[b]!++;
  }
  return LABELS.map((label, b) => ({
    label,
    fromSeconds: b === 0 ? 0 : BOUNDS[b - 1]!,
    toSeconds: b < BOUNDS.length ? BOUNDS[b]! : null,
    count: counts[b]!,
    share: rate(counts[b]!, durationsMs.length),
  }));
}
