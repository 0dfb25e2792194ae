/**
 * Who has a workspace stream open, per agent, in this process. When an agent's last stream closes a
 * grace timer starts; a new stream within the grace cancels it, otherwise `onGone` runs (the routes
 * set the agent offline, which hands their chats back to the queue).
 */
export interface PresenceOptions {
  /** Grace in ms, read when a timer starts (so a changed routing rule applies to the next drop). */
  graceMs: () => number;
  onGone: (agentId: string) => Promise<void>;
  onError?: (agentId: string, err: unknown) => void;
}

export class Presence {
  private readonly open = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: PresenceOptions) {}

  /** A stream opened; returns the function to call when it closes (idempotent). */
  connect(agentId: string): () => void {
    this.open.set(agentId, (this.open.get(agentId) ?? 0) + 1);
    const timer = this.timers.get(agentId);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(agentId);
    }
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.disconnect(agentId);
    };
  }

  streams(agentId: string): number {
    return this.open.get(agentId) ?? 0;
  }

  /** True while the agent has no stream and their grace timer runs. */
  pending(agentId: string): boolean {
    return this.timers.has(agentId);
  }

  /** Resolves when every `onGone` started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private disconnect(agentId: string): void {
    const left = (this.open.get(agentId) ?? 1) - 1;
    if (left > 0) {
      this.open.set(agentId, left);
      return;
    }
    this.open.delete(agentId);
    clearTimeout(this.timers.get(agentId));
    const timer = setTimeout(() => this.expire(agentId), Math.max(0, this.options.graceMs()));
    timer.unref();
    this.timers.set(agentId, timer);
  }

  private expire(agentId: string): void {
    this.timers.delete(agentId);
    if (this.streams(agentId) > 0) return; // came back just in time
    const run = this.options
      .onGone(agentId)
      .catch((e: unknown) => this.options.onError?.(agentId, e))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
