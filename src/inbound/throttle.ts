import { LRUCache } from 'lru-cache';

/** Token bucket per customer: a flood is logged but answered once, not N times. Bounded memory via LRU. */
export class Throttle {
  private readonly buckets = new LRUCache<string, { tokens: number; at: number }>({ max: 100_000 });

  constructor(private readonly limits: () => { messagesPerSecond: number; burst: number }) {}

  /** True when the message may be answered; false when the customer is over the limit. */
  take(key: string, now: number): boolean {
    const { messagesPerSecond, burst } = this.limits();
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * messagesPerSecond);
    b.at = now;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    this.buckets.set(key, b);
    return allowed;
  }
}
