import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../shared/log';
import type { LiveHub, LiveMessage } from './hub';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; longer texts are cut for the live view. */
const MAX_TEXT = 1500;

/**
 * Carries live messages between server instances over PostgreSQL LISTEN/NOTIFY, so an agent's
 * stream hears an assignment whatever instance made it. Notifications of one event-loop turn go
 * out in one statement.
 */
export class PgBridge {
  private readonly origin = randomUUID();
  private listener: pg.Client | undefined;
  private outgoing: string[] = [];
  private flushing = false;
  /** One channel per schema: instances of another deployment on the same server stay apart. */
  private readonly channel: string;

  constructor(
    private readonly pool: { query: (sql: string, params: unknown[]) => Promise<unknown> },
    private readonly url: string,
    schema: string,
    private readonly log: Logger,
  ) {
    this.channel = `firstreply_live_${schema}`;
  }

  async start(hub: LiveHub): Promise<void> {
    this.listener = new pg.Client({ connectionString: this.url });
    this.listener.on('error', (e) => this.log.error('live bridge connection failed', { err: String(e) }));
    this.listener.on('notification', (n) => {
      if (!n.payload) return;
      const { o, m } = JSON.parse(n.payload) as { o: string; m: LiveMessage };
      if (o !== this.origin) hub.deliverLocal(m);
    });
    await this.listener.connect();
    await this.listener.query(`LISTEN ${this.channel}`);
    hub.onPublish((m) => this.send(m));
  }

  async stop(): Promise<void> {
    await this.listener?.end().catch(() => {});
  }

  private send(m: LiveMessage): void {
    const text = m.text && m.text.length > MAX_TEXT ? `${m.text.slice(0, MAX_TEXT)}…` : m.text;
    this.outgoing.push(JSON.stringify({ o: this.origin, m: { ...m, text } }));
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
  }

  private async flush(): Promise<void> {
    const batch = this.outgoing;
    this.outgoing = [];
    try {
      await this.pool.query(`SELECT pg_notify('${this.channel}', p) FROM unnest($1::text[]) AS p`, [batch]);
    } catch (e) {
      this.log.warn('live bridge notify failed', { err: String(e) });
    } finally {
      this.flushing = false;
      if (this.outgoing.length) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    }
  }
}
