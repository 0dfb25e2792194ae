import type { CompiledContent } from '../content/live-content';
import type { LiveHub } from '../live/hub';
import type { Logger } from '../shared/log';
import type { Database } from '../store/database';
import { FirstResponseMonitor } from './alerts';
import { LiveTally } from './live-tally';
import { type LiveSnapshot, liveSnapshot } from './live-view';
import { PresenceLog } from './presence';
import { ReportService } from './report-service';
import { reportDb } from './report-tables';

export interface ReportsDeps {
  database: Database;
  /** The live configuration (services.config). */
  config: { readonly current: CompiledContent };
  hub: LiveHub;
  log: Logger;
  clock: () => number;
  /** env ALERT_WEBHOOK_URL. */
  alertWebhook?: string | undefined;
  /** How often the rolling first-response alert is checked once started (default 30 s). */
  alertEveryMs?: number;
  /** Longest stretch of report or settling work before the event loop gets a turn (pacer.ts; default 10 ms). */
  reportSliceMs?: number;
}

/** The reports of one running app: service, live tally, alert monitor and the presence log. */
export class Reports {
  readonly service: ReportService;
  readonly tally: LiveTally;
  readonly monitor: FirstResponseMonitor;
  readonly presence: PresenceLog;

  constructor(private readonly deps: ReportsDeps) {
    const db = reportDb(deps.database);
    this.service = new ReportService({
      database: deps.database,
      config: deps.config,
      clock: deps.clock,
      log: deps.log,
      ...(deps.reportSliceMs !== undefined ? { sliceMs: deps.reportSliceMs } : {}),
    });
    this.tally = new LiveTally({
      database: deps.database,
      db,
      dialect: deps.database.dialect,
      config: deps.config,
      log: deps.log,
      ...(deps.reportSliceMs !== undefined ? { sliceMs: deps.reportSliceMs } : {}),
    });
    this.monitor = new FirstResponseMonitor({
      db,
      tally: this.tally,
      hub: deps.hub,
      config: deps.config,
      clock: deps.clock,
      log: deps.log,
      alertWebhook: deps.alertWebhook,
    });
    this.presence = new PresenceLog(db, deps.log);
    // Status changes are logged from the moment the reports exist, timers or not.
    this.presence.listen(deps.hub);
  }

  /**
   * Starts the alert timer (its first check also loads the live tally, so the first live view is
   * fast) and the settling of report facts: in the background a second after start, then hourly.
   */
  start(): void {
    this.monitor.start(this.deps.alertEveryMs);
    this.service.settler.start(undefined, () => this.service.warmCode());
  }

  stop(): void {
    this.monitor.stop();
    this.service.settler.stop();
    this.presence.stop();
  }

  live(): Promise<LiveSnapshot> {
    return liveSnapshot({
      db: reportDb(this.deps.database),
      tally: this.tally,
      config: this.deps.config,
      now: this.deps.clock(),
      alert: (kind) => this.monitor.current(kind),
    });
  }
}

const registry = new WeakMap<Database, Reports>();

/** The reports of this database's app, created on first use (by the routes or by `startReports`). */
export function reportsFor(deps: ReportsDeps): Reports {
  let r = registry.get(deps.database);
  if (!r) {
    r = new Reports(deps);
    registry.set(deps.database, r);
  }
  return r;
}

/**
 * For `services.start()`: `startReports({ database, config: live, hub, log, clock, alertWebhook: env.ALERT_WEBHOOK_URL });`
 * and for `services.close()`, before the database closes: `stopReports(database);`.
 */
export function startReports(deps: ReportsDeps): Reports {
  const r = reportsFor(deps);
  r.start();
  return r;
}

export function stopReports(database: Database): void {
  registry.get(database)?.stop();
}
