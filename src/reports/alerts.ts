import { isOpen } from '../calendar/business-hours';
import type { CompiledContent } from '../content/live-content';
import type { LiveHub } from '../live/hub';
import { insertEvent } from '../routing/routing-store';
import type { Logger } from '../shared/log';
import type { LiveTally, RollingFigures } from './live-tally';
import type { ReportDb } from './report-tables';
import { postAlert } from '../shared/alert-webhook';

export const ALERT_TYPE = 'alert.first_response';
export const QUEUE_ALERT_TYPE = 'alert.queue_length';
export const OVERDUE_ALERT_TYPE = 'alert.overdue_chats';
/** Fewer samples in the window than this never raise the alert (one slow chat at 3 a.m. is not a trend). */
export const MIN_SAMPLES = 3;

/** The alerts, by the `kind` they are stored under in `report_alerts`. */
export const ALERT_KINDS = {
  first_response: ALERT_TYPE,
  queue_length: QUEUE_ALERT_TYPE,
  overdue_chats: OVERDUE_ALERT_TYPE,
} as const;
export type AlertKind = keyof typeof ALERT_KINDS;

export interface AlertState {
  state: 'raised' | 'cleared';
  /** Id of the state change, `none` before the first one. */
  id: string;
  at: number | null;
}

/** A count compared with its threshold (queue length, overdue chats). */
export interface CountCheck {
  state: 'raised' | 'cleared' | 'off';
  changed: boolean;
  value: number;
  threshold: number;
}

export interface AlertCheck {
  /** The first-response alert. `off`: the threshold is 0 in the shop settings. */
  state: 'raised' | 'cleared' | 'off';
  changed: boolean;
  thresholdSeconds: number;
  rolling: RollingFigures;
  open: boolean;
  queue: CountCheck;
  overdue: CountCheck;
}

export interface MonitorDeps {
  db: ReportDb;
  tally: LiveTally;
  hub: LiveHub;
  config: { readonly current: CompiledContent };
  clock: () => number;
  log: Logger;
  /** Optional URL that receives a JSON POST on every raise and clear (env ALERT_WEBHOOK_URL). */
  alertWebhook?: string | undefined;
  /** Default MIN_SAMPLES. */
  minSamples?: number;
}

/**
 * The supervisors' alerts, from `settings.alerts` (0 turns one off):
 *
 * - **first response**: the median of the last window's first human responses (chats still waiting
 *   count with their wait so far) above `firstResponseSeconds`, over `windowMinutes`, with at least
 *   MIN_SAMPLES samples;
 * - **queue length**: more than `queueLength` chats waiting;
 * - **overdue chats**: more than `overdueChats` open chats flagged overdue.
 *
 * Alerts are raised only while the shop calendar says open (a queue at night is expected), once per
 * crossing; back at or under the threshold (or closing time) clears them. Each change is logged
 * (`report_alerts` and an `alert.*` event), published on the hub for supervisors' workspace streams
 * and posted to the webhook. Several instances may check at once: a change's id names the change
 * before it, so only one instance records (and announces) each one.
 */
export class FirstResponseMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<AlertCheck> | undefined;

  constructor(private readonly deps: MonitorDeps) {}

  start(everyMs = 30_000): void {
    if (this.timer) return;
    const tick = () =>
      void this.check().catch((e) => this.deps.log.warn('alert check failed', { err: String(e) }));
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get started(): boolean {
    return this.timer !== undefined;
  }

  async current(kind: AlertKind = 'first_response'): Promise<AlertState> {
    const last = await this.deps.db
      .selectFrom('report_alerts')
      .select(['id', 'state', 'at'])
      .where('kind', '=', kind)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return last
      ? { id: last.id, state: last.state, at: Number(last.at) }
      : { id: 'none', state: 'cleared', at: null };
  }

  /** One check of every alert; single-flight. */
  check(): Promise<AlertCheck> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<AlertCheck> {
    const { tally, clock, config, db } = this.deps;
    const now = clock();
    const settings = config.current.settings;
    const alerts = settings.alerts;
    const thresholdSeconds = alerts.firstResponseSeconds;
    await tally.refresh(now);
    const rolling = tally.rolling(now, alerts.windowMinutes * 60_000);
    const open = isOpen(settings.calendar, now);
    const [waiting, overdue] = await Promise.all([
      db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'waiting')
        .executeTakeFirst(),
      db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'assigned')
        .where('overdue', '=', 1)
        .executeTakeFirst(),
    ]);

    const firstBreach =
      thresholdSeconds > 0 &&
      open &&
      rolling.samples >= (this.deps.minSamples ?? MIN_SAMPLES) &&
      rolling.medianSeconds !== null &&
      rolling.medianSeconds > thresholdSeconds;
    const first = await this.transition('first_response', firstBreach, now, {
      thresholdSeconds,
      medianSeconds: rolling.medianSeconds,
      meanSeconds: rolling.meanSeconds,
      windowMinutes: rolling.windowMinutes,
      samples: rolling.samples,
      waiting: rolling.waiting,
      shopOpen: open,
    });
    const count = async (
      kind: 'queue_length' | 'overdue_chats',
      value: number,
      threshold: number,
    ): Promise<CountCheck> => {
      const breach = threshold > 0 && open && value > threshold;
      const r = await this.transition(kind, breach, now, { value, threshold, shopOpen: open });
      return { state: threshold > 0 ? r.state : 'off', changed: r.changed, value, threshold };
    };
    return {
      state: thresholdSeconds > 0 ? first.state : 'off',
      changed: first.changed,
      thresholdSeconds,
      rolling,
      open,
      queue: await count('queue_length', Number(waiting?.n ?? 0), alerts.queueLength),
      overdue: await count('overdue_chats', Number(overdue?.n ?? 0), alerts.overdueChats),
    };
  }

  private async transition(
    kind: AlertKind,
    breach: boolean,
    at: number,
    data: Record<string, unknown>,
  ): Promise<{ state: 'raised' | 'cleared'; changed: boolean }> {
    const last = await this.current(kind);
    const state = breach ? 'raised' : 'cleared';
    if (state === last.state) return { state, changed: false };
    return { state, changed: await this.record(kind, last, state, at, { state, ...data }) };
  }

  private async record(
    kind: AlertKind,
    last: AlertState,
    state: 'raised' | 'cleared',
    at: number,
    data: Record<string, unknown>,
  ): Promise<boolean> {
    const { db, hub, log } = this.deps;
    const type = ALERT_KINDS[kind];
    const id = `${kind}:${last.id}:${state}`;
    const eventId = await db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('report_alerts')
        .values({ id, kind, state, at, data: JSON.stringify(data) })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) return undefined; // another instance recorded it
      const event = await insertEvent(
        trx as unknown as Parameters<typeof insertEvent>[0],
        { id: '', customer_key: '', channel: '' },
        type,
        at,
        null,
        data,
      );
      return event.id;
    });
    if (eventId === undefined) return false;
    // conversationId '' and no agent: agents' stream filters drop it, supervisors' streams carry everything.
    hub.publish({
      id: eventId,
      conversationId: '',
      customerKey: '',
      type,
      actor: 'system',
      agentId: null,
      kind: state,
      text: alertText(kind, state, data),
      at,
    });
    log.warn('alert', { type, ...data });
    void this.webhook({ type, ...data, at: new Date(at).toISOString() });
    return true;
  }

  private webhook(body: Record<string, unknown>): Promise<void> {
    return postAlert(this.deps.alertWebhook, body, this.deps.log);
  }
}

function alertText(kind: AlertKind, state: 'raised' | 'cleared', d: Record<string, unknown>): string {
  if (kind === 'first_response') {
    return state === 'raised'
      ? `first response median ${d.medianSeconds} s > ${d.thresholdSeconds} s over the last ${d.windowMinutes} min (${d.samples} chats, ${d.waiting} still waiting)`
      : `first response back to ${d.medianSeconds ?? '–'} s (threshold ${d.thresholdSeconds} s, last ${d.windowMinutes} min)`;
  }
  const what = kind === 'queue_length' ? 'chats waiting in the queue' : 'overdue chats';
  return state === 'raised'
    ? `${d.value} ${what} > ${d.threshold}`
    : `${what} back to ${d.value} (threshold ${d.threshold})`;
}
