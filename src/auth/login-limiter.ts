import { LRUCache } from 'lru-cache';

export interface LoginLimits {
  /** Wrong passwords for one login within the window before it is refused. */
  perLogin: number;
  /** Wrong passwords from one address (any login) within the window before it is refused. */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perLogin: 5, perAddress: 20, windowMs: 15 * 60_000 };

/**
 * Slows password guessing down: past the limits, attempts are refused — the right password too —
 * until the oldest counted failure leaves the window. Kept in memory per process (bounded by an
 * LRU): with several instances each counts its own, which still caps guesses at a few per minute.
 */
export class LoginLimiter {
  private readonly failures = new LRUCache<string, number[]>({ max: 50_000 });

  constructor(
    private readonly clock: () => number,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  /** Milliseconds until this login may be tried from this address again; 0 when it may now. */
  retryAfterMs(login: string, address: string): number {
    const now = this.clock();
    return Math.max(
      this.wait(`login:${login.toLowerCase()}`, this.limits.perLogin, now),
      this.wait(`address:${address}`, this.limits.perAddress, now),
    );
  }

  failed(login: string, address: string): void {
    const now = this.clock();
    for (const key of [`login:${login.toLowerCase()}`, `address:${address}`])
      this.failures.set(key, [...this.recent(key, now), now]);
  }

  /** A successful login clears that login's failures (not the address's: it may be guessing others). */
  succeeded(login: string): void {
    this.failures.delete(`login:${login.toLowerCase()}`);
  }

  private wait(key: string, limit: number, now: number): number {
    const times = this.recent(key, now);
    return times.length < limit ? 0 : times[times.length - limit]! + this.limits.windowMs - now;
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
  }
}
