/**
 * Group commit: callers queue items and get a promise that settles when the transaction holding
 * their items has committed. Under load many requests share one transaction (the cost of a commit is
 * paid once per batch); alone, an item waits only for the next turn of the event loop.
 */
export class GroupCommitter<T> {
  private pending: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private settleIdle: (() => void) | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 1000,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        this.idle = new Promise((r) => {
          this.settleIdle = r;
        });
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves when everything submitted so far is written (or failed). */
  flushed(): Promise<void> {
    return this.idle;
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.running = false;
    this.settleIdle?.();
  }
}
