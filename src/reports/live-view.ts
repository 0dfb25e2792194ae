import { performance } from 'node:perf_hooks';
import type { CompiledContent } from '../content/live-content';
import { tierById } from '../routing/routing-config';
import { type AlertKind, type AlertState, MIN_SAMPLES } from './alerts';
import type { LiveTally, RollingFigures, TodayFigures } from './live-tally';
import type { ReportDb } from './report-tables';

export interface LiveSnapshot {
  now: string;
  queue: { total: number; tiers: { tier: string; count: number; oldestWaitSeconds: number | null }[] };
  agents: {
    online: number;
    /** Online agents' open chats ÷ their caps (test agents left out). */
    load: number | null;
    list: {
      id: string;
      name: string;
      status: string;
      active: number;
      cap: number;
      load: number | null;
      test: boolean;
    }[];
  };
  overdue: {
    count: number;
    chats: {
      id: string;
      customer: string;
      channel: string;
      tier: string;
      agentId: string | null;
      agentName: string | null;
      waitingSeconds: number | null;
    }[];
  };
  today: TodayFigures;
  /** Queue-length and overdue-chats alerts (settings.alerts; `off` when the threshold is 0). */
  alerts: {
    queueLength: { state: AlertState['state'] | 'off'; threshold: number; since: string | null };
    overdueChats: { state: AlertState['state'] | 'off'; threshold: number; since: string | null };
  };
  rolling: RollingFigures & {
    thresholdSeconds: number;
    /** The median is over the threshold right now (the alert follows at its next check, while open). */
    above: boolean;
    alert: AlertState['state'] | 'off';
    alertSince: string | null;
  };
  tookMs: number;
}

const OVERDUE_LIST = 50;
const STATUS_ORDER: Record<string, number> = { online: 0, away: 1, invisible: 2, offline: 3 };

/** `GET /api/reports/live`: the queue, agents and overdue chats read fresh; today's figures from the tally. */
export async function liveSnapshot(deps: {
  db: ReportDb;
  tally: LiveTally;
  config: { readonly current: CompiledContent };
  now: number;
  alert: (kind: AlertKind) => Promise<AlertState>;
}): Promise<LiveSnapshot> {
  const started = performance.now();
  const { db, tally, now } = deps;
  const current = deps.config.current;
  const [queueRows, agents, overdueCount, overdueRows, alert, queueAlert, overdueAlert] = await Promise.all([
    db
      .selectFrom('conversations')
      .select((eb) => ['tier', eb.fn.countAll<number>().as('n'), eb.fn.min('queued_at').as('oldest')])
      .where('status', '=', 'waiting')
      .groupBy('tier')
      .execute(),
    db.selectFrom('agents').select(['id', 'name', 'status', 'active_count', 'cap', 'test']).execute(),
    db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'assigned')
      .where('overdue', '=', 1)
      .executeTakeFirst(),
    db
      .selectFrom('conversations')
      .select(['id', 'customer_key', 'channel', 'tier', 'agent_id', 'awaiting_since'])
      .where('status', '=', 'assigned')
      .where('overdue', '=', 1)
      .orderBy('awaiting_since')
      .limit(OVERDUE_LIST)
      .execute(),
    deps.alert('first_response'),
    deps.alert('queue_length'),
    deps.alert('overdue_chats'),
    tally.refresh(now),
  ]);
  const byTier = new Map<string, { count: number; oldest: number | null }>();
  for (const t of [...current.routing.tiers].sort((a, b) => b.rank - a.rank))
    byTier.set(t.id, { count: 0, oldest: null });
  for (const r of queueRows) {
    const tier = tierById(current.routing, r.tier).id;
    const slot = byTier.get(tier)!;
    slot.count += Number(r.n);
    const oldest = r.oldest === null ? null : Number(r.oldest);
    if (oldest !== null && (slot.oldest === null || oldest < slot.oldest)) slot.oldest = oldest;
  }
  const names = new Map(agents.map((a) => [a.id, a.name]));
  const list = agents
    .map((a) => ({
      id: a.id,
      name: a.name,
      status: a.status,
      active: Number(a.active_count),
      cap: Number(a.cap),
      load: Number(a.cap) > 0 ? Number(a.active_count) / Number(a.cap) : null,
      test: Number(a.test) === 1,
    }))
    .sort(
      (a, b) =>
        (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9) ||
        b.active - a.active ||
        (a.name < b.name ? -1 : 1),
    );
  const online = list.filter((a) => a.status === 'online' && !a.test);
  const cap = online.reduce((n, a) => n + a.cap, 0);
  const settings = current.settings;
  const rolling = tally.rolling(now, settings.alerts.windowMinutes * 60_000);
  const threshold = settings.alerts.firstResponseSeconds;
  return {
    now: new Date(now).toISOString(),
    queue: {
      total: [...byTier.values()].reduce((n, t) => n + t.count, 0),
      tiers: [...byTier.entries()].map(([tier, t]) => ({
        tier,
        count: t.count,
        oldestWaitSeconds: t.oldest === null ? null : Math.max(0, Math.round((now - t.oldest) / 1000)),
      })),
    },
    agents: {
      online: online.length,
      load: cap > 0 ? online.reduce((n, a) => n + a.active, 0) / cap : null,
      list,
    },
    overdue: {
      count: Number(overdueCount?.n ?? 0),
      chats: overdueRows.map((c) => ({
        id: c.id,
        customer: c.customer_key,
        channel: c.channel,
        tier: tierById(current.routing, c.tier).id,
        agentId: c.agent_id,
        agentName: c.agent_id ? (names.get(c.agent_id) ?? null) : null,
        waitingSeconds:
          c.awaiting_since === null ? null : Math.max(0, Math.round((now - Number(c.awaiting_since)) / 1000)),
      })),
    },
    today: tally.today(now),
    alerts: {
      queueLength: countAlert(queueAlert, settings.alerts.queueLength),
      overdueChats: countAlert(overdueAlert, settings.alerts.overdueChats),
    },
    rolling: {
      ...rolling,
      thresholdSeconds: threshold,
      above:
        threshold > 0 &&
        rolling.samples >= MIN_SAMPLES &&
        rolling.medianSeconds !== null &&
        rolling.medianSeconds > threshold,
      alert: settings.alerts.firstResponseSeconds > 0 ? alert.state : 'off',
      alertSince: alert.at === null ? null : new Date(alert.at).toISOString(),
    },
    tookMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

function countAlert(a: AlertState, threshold: number) {
  return {
    state: threshold > 0 ? a.state : ('off' as const),
    threshold,
    since: a.at === null ? null : new Date(a.at).toISOString(),
  };
}
