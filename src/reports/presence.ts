import type { LiveHub, LiveMessage } from '../live/hub';
import type { AgentOnlineInterval } from '../reporting/report-event';
import type { Logger } from '../shared/log';
import type { ReportDb } from './report-tables';

/**
 * Time online: agent status changes are published on the live hub (`agent.status`, text = the new
 * status; `agent.auto_away` when overdue chats set an agent away) and logged here into
 * `agent_presence`. Every instance hears every change (PostgreSQL bridge); the hub message id is
 * the row's key, so the first insert wins and the others change nothing.
 */
export class PresenceLog {
  private pending: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly db: ReportDb,
    private readonly log: Logger,
  ) {}

  listen(hub: LiveHub): void {
    this.unsubscribe ??= hub.subscribeAll((m) => this.onMessage(m));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Resolves when every change heard so far is written. */
  flushed(): Promise<void> {
    return this.pending;
  }

  private onMessage(m: LiveMessage): void {
    let status: string | undefined;
    if (m.type === 'agent.status' && m.text) status = m.text;
    else if (m.type === 'agent.auto_away') status = 'away';
    if (!status || !m.agentId) return;
    const row = { id: m.id, agent_id: m.agentId, status, at: m.at };
    this.pending = this.pending
      .then(() =>
        this.db
          .insertInto('agent_presence')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute(),
      )
      .then(
        () => undefined,
        (e: unknown) => this.log.warn('agent presence not logged', { agentId: row.agent_id, err: String(e) }),
      );
  }
}

interface StatusPoint {
  agentId: string;
  status: string;
  at: number;
}

/**
 * Online intervals `[from, to)` per agent: the logged changes in the period, the state each agent
 * was in when it began (its last change before), and the agent row's current status since
 * `status_changed_at` (which also covers changes from before logging started).
 */
export async function loadPresence(
  db: ReportDb,
  options: { from: number; to: number; agentId?: string },
): Promise<AgentOnlineInterval[]> {
  const { from, to } = options;
  if (to <= from) return [];
  let agentsQuery = db.selectFrom('agents').select(['id', 'status', 'status_changed_at']);
  if (options.agentId) agentsQuery = agentsQuery.where('id', '=', options.agentId);
  const agents = await agentsQuery.execute();
  let inPeriod = db
    .selectFrom('agent_presence')
    .select(['agent_id', 'status', 'at'])
    .where('at', '>=', from)
    .where('at', '<', to);
  if (options.agentId) inPeriod = inPeriod.where('agent_id', '=', options.agentId);
  const points: StatusPoint[] = (await inPeriod.execute()).map((r) => ({
    agentId: r.agent_id,
    status: r.status,
    at: Number(r.at),
  }));
  for (const a of agents) {
    const before = await db
      .selectFrom('agent_presence')
      .select(['status', 'at'])
      .where('agent_id', '=', a.id)
      .where('at', '<', from)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (before) points.push({ agentId: a.id, status: before.status, at: Number(before.at) });
    const changed = Number(a.status_changed_at);
    if (changed < to) points.push({ agentId: a.id, status: a.status, at: changed });
  }
  return onlineIntervals(points, from, to);
}

/** Pure: status points → online intervals clipped to `[from, to)` (the engine merges overlaps). */
export function onlineIntervals(
  points: readonly StatusPoint[],
  from: number,
  to: number,
): AgentOnlineInterval[] {
  const byAgent = new Map<string, StatusPoint[]>();
  for (const p of points) {
    let list = byAgent.get(p.agentId);
    if (!list) {
      list = [];
      byAgent.set(p.agentId, list);
    }
    list.push(p);
  }
  const out: AgentOnlineInterval[] = [];
  for (const [agentId, list] of byAgent) {
    list.sort((a, b) => a.at - b.at);
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (p.status !== 'online') continue;
      const next = list[i + 1];
      const start = Math.max(p.at, from);
      const end = Math.min(next ? next.at : to, to);
      if (end > start) out.push({ agentId, from: start, to: end });
    }
  }
  return out;
}
