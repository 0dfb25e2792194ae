import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Caller } from '../auth/require-agent';
import type { ConfigVersions } from '../bot-config/config-versions';
import type { Logger } from '../shared/log';
import type { Database } from '../store/database';
import type { AgentsTable } from '../store/tables';

export interface AuditEntry {
  seq: number;
  at: number;
  actor: string | null;
  action: string;
  detail: unknown;
}

/** The audit log, newest first; `before` pages on by sequence number. */
export async function listAudit(
  database: Database,
  options: { limit: number; before?: number | undefined; action?: string | undefined },
): Promise<AuditEntry[]> {
  let q = database.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(options.limit);
  if (options.before !== undefined) q = q.where('seq', '<', options.before);
  if (options.action) q = q.where('action', 'like', `${options.action}%`);
  const rows = await q.execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: Number(r.at),
    actor: r.actor,
    action: r.action,
    detail: r.detail ? JSON.parse(r.detail) : null,
  }));
}

/** Fields of an agent row an audit entry compares (the password only as "changed"). */
const AGENT_FIELDS = ['name', 'role', 'level', 'rank', 'cap', 'groups', 'test', 'status'] as const;

function agentChanges(
  before: AgentsTable | undefined,
  after: AgentsTable | undefined,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (!before || !after) return changes;
  for (const f of AGENT_FIELDS) {
    if (before[f] !== after[f]) changes[f] = { before: before[f], after: after[f] };
  }
  if (before.password_hash !== after.password_hash) changes.password = 'reset';
  return changes;
}

interface Watched {
  action: string;
  /** The agent the request is about (path parameter), read before and after for the entry's detail. */
  agentId?: string;
}

/** Which requests of the workspace routes are admin actions worth an audit entry. */
function watched(req: Request): Watched | undefined {
  const path = req.path;
  if (req.method === 'POST' && path === '/api/auth/login') return { action: 'auth.login' };
  if (req.method === 'POST' && path === '/api/auth/logout') return { action: 'auth.logout' };
  if (req.method === 'POST' && path === '/api/agents') return { action: 'agent.create' };
  let m = /^\/api\/agents\/([^/]+)\/status$/.exec(path);
  if (req.method === 'PUT' && m) return { action: 'agent.status.forced', agentId: decodeURIComponent(m[1]!) };
  m = /^\/api\/agents\/([^/]+)$/.exec(path);
  if (req.method === 'PATCH' && m) return { action: 'agent.update', agentId: decodeURIComponent(m[1]!) };
  return undefined;
}

/**
 * Audits admin actions served by other routers (logins, agent administration, forced status
 * changes) without touching them: mounted in front of them, it watches the outcome of each such
 * request and writes one entry when the response is finished — successful or refused (401/403 on a
 * login or an agent change are worth knowing too). The request body is never read here.
 */
export function auditObserver(deps: {
  versions: ConfigVersions;
  agent: (id: string) => Promise<AgentsTable | undefined>;
  clock: () => number;
  log: Logger;
}): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const w = watched(req);
    if (!w) return next();
    const before = w.agentId ? await deps.agent(w.agentId).catch(() => undefined) : undefined;
    let sent: unknown;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      sent = body;
      return json(body);
    };
    res.on('finish', () => {
      void (async () => {
        const caller = res.locals.caller as Caller | undefined;
        const ok = res.statusCode < 400;
        const answered = (sent ?? {}) as {
          agent?: { id?: string; login?: string };
          error?: { code?: string };
        };
        let actor = caller?.agent.login ?? null;
        const detail: Record<string, unknown> = { status: res.statusCode, ip: req.ip };
        if (w.action === 'auth.login') {
          if (ok) actor = answered.agent?.login ?? null;
        } else if (w.agentId) {
          const after = ok ? await deps.agent(w.agentId) : undefined;
          detail.agentId = w.agentId;
          detail.login = (after ?? before)?.login ?? null;
          if (ok) detail.changes = agentChanges(before, after);
        } else if (w.action === 'agent.create' && ok) {
          detail.agentId = answered.agent?.id ?? null;
          detail.login = answered.agent?.login ?? null;
        }
        if (!ok && answered.error?.code) detail.error = answered.error.code;
        await deps.versions.audit(actor, ok ? w.action : `${w.action}.refused`, detail, deps.clock());
      })().catch((e) => deps.log.warn('audit entry failed', { action: w.action, err: String(e) }));
    });
    next();
  };
}
