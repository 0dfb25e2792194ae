import type { ConfigStore } from '../store/config-store';
import { defaultRoutingConfig, type RoutingConfig, routingConfigSchema } from './routing-config';

const KEY = 'routing';

/**
 * The live routing rules: read from the database, defaults until an admin saves some. Other
 * processes' saves are picked up by `refresh()` (called every second by the services).
 */
export class RoutingConfigSource {
  private current: RoutingConfig = defaultRoutingConfig();
  private version = 0;

  constructor(private readonly store: ConfigStore) {}

  get(): RoutingConfig {
    return this.current;
  }

  getVersion(): number {
    return this.version;
  }

  async refresh(): Promise<void> {
    const v = await this.store.version(KEY);
    if (v === this.version) return;
    const stored = await this.store.load<unknown>(KEY);
    if (!stored) return;
    const parsed = routingConfigSchema.safeParse(stored.value);
    // A stored document that no longer validates keeps the previous rules live.
    if (parsed.success) {
      this.current = parsed.data;
      this.version = stored.version;
    }
  }

  /** Validated save with optimistic concurrency. */
  async save(next: unknown, expectedVersion: number, by: string, at: number): Promise<'saved' | 'stale'> {
    const config = routingConfigSchema.parse(next);
    if (!(await this.store.save(KEY, config, expectedVersion, by, at))) return 'stale';
    this.current = config;
    this.version = expectedVersion + 1;
    return 'saved';
  }
}
