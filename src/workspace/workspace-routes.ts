import { fileURLToPath } from 'node:url';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type LoginLimits, LoginLimiter } from '../auth/login-limiter';
import { callerOf, isSupervisor, requireAgent, SUPERVISOR_ROLES } from '../auth/require-agent';
import { HttpError, parseWith } from '../http/errors';
import { readJsonBody } from '../http/json-body';
import { inboundTextSchema } from '../inbound/message';
import type { LiveMessage } from '../live/hub';
import {
  agentPatchSchema,
  agentStatuses,
  newAgentSchema,
  publicAgent,
  UnknownGroup,
} from '../routing/agent-directory';
import type { Services } from '../services';
import type { AgentRole, AgentsTable, AgentStatus } from '../store/tables';
import { Presence } from './presence';
import { AgentStreamFilter } from './stream-filter';
import { suggestReplies } from './suggestions';
import { explain, overview } from './supervision';
import { WorkspaceError } from './workspace-service';

const AGENT_PAGE = fileURLToPath(new URL('../../web/agent.html', import.meta.url));

const loginSchema = z.strictObject({
  login: z.string().trim().min(1, 'login must not be empty').max(64),
  password: z.string().min(1, 'password must not be empty').max(200),
});
const statusSchema = z.strictObject({ status: z.enum(agentStatuses) });
const replySchema = z.strictObject({ text: inboundTextSchema });
const transferSchema = z
  .strictObject({
    agentId: z.string().trim().min(1).max(64).optional(),
    group: z.string().trim().min(1).max(64).optional(),
    note: z.string().trim().max(500).optional(),
  })
  .superRefine((t, ctx) => {
    if (!t.agentId && !t.group)
      ctx.addIssue({ code: 'custom', path: ['agentId'], message: 'give agentId or group' });
    if (t.agentId && t.group)
      ctx.addIssue({ code: 'custom', path: ['group'], message: 'give agentId or group, not both' });
  });
const tierQuery = z.object({ tier: z.string().optional() });

/** Types of the event log a chat's history shows: messages, and routing steps as notes. */
const MESSAGE_TYPES = new Set(['message.received', 'bot.replied', 'agent.replied', 'customer.notified']);
const NOTE_TYPES = new Set([
  'conversation.handoff',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.requeued',
  'conversation.overdue',
  'conversation.on_hold',
  'conversation.resumed',
  'conversation.closed',
]);

export interface WorkspaceRouteOptions {
  /** Disconnect grace in ms; default: the routing rules' `disconnectGraceSeconds`. */
  graceMs?: () => number;
  /** Time source for waiting times; default: the services' clock. */
  clock?: () => number;
  /** Limits on wrong passwords; default: 5 per login and 20 per address in 15 minutes. */
  loginLimits?: LoginLimits;
}

const presences = new WeakMap<Services, Presence>();

/** The presence tracker of the workspace routes mounted for these services (tests, diagnostics). */
export function presenceOf(services: Services): Presence | undefined {
  return presences.get(services);
}

/**
 * The agent workspace: login, my chats, replies, transfers, status, a live stream with presence,
 * supervisor overview and agent administration. Mount after the widget routes.
 */
export function workspaceRoutes(services: Services, options: WorkspaceRouteOptions = {}): Router {
  const { sessions, workspace, routingStore, hub, agents: directory, log } = services;
  const clock = options.clock ?? services.clock;
  const config = () => services.routingConfig.get();
  const router = Router();
  const anyone = requireAgent(sessions);
  const limiter = new LoginLimiter(clock, options.loginLimits);
  const supervisors = requireAgent(sessions, { roles: SUPERVISOR_ROLES });

  /** Status change; re-queued chats reach the streams through the routing store's events. */
  async function changeStatus(actor: AgentsTable, agentId: string, status: AgentStatus) {
    await workspace.setStatus(actor, agentId, status);
    const fresh = await routingStore.agent(agentId);
    return fresh ? publicAgent(fresh) : undefined;
  }

  const presence = new Presence({
    graceMs: options.graceMs ?? (() => config().disconnectGraceSeconds * 1000),
    async onGone(agentId) {
      const agent = await routingStore.agent(agentId);
      if (!agent || agent.status === 'offline') return;
      log.info('agent disconnected past the grace period: set offline', { agentId });
      await changeStatus(agent, agentId, 'offline');
    },
    onError: (agentId, err) =>
      log.error('setting a disconnected agent offline failed', { agentId, err: String(err) }),
  });
  presences.set(services, presence);
  /** Open streams by session token, so a logout ends them. */
  const streamsByToken = new Map<string, Set<() => void>>();

  // ---------- the page ----------
  router.get('/agent', (_req, res) => {
    res.sendFile(AGENT_PAGE, { headers: { 'cache-control': 'no-cache' } });
  });

  // ---------- auth ----------
  router.post('/api/auth/login', async (req, res) => {
    const body = parseWith(loginSchema, await readJsonBody(req));
    const address = req.ip ?? '';
    const waitMs = limiter.retryAfterMs(body.login, address);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      res.setHeader('retry-after', String(seconds));
      throw new HttpError(429, 'too_many_attempts', `too many wrong passwords: try again in ${seconds} s`);
    }
    const session = await sessions.login(body.login, body.password);
    if (!session) {
      limiter.failed(body.login, address);
      // One answer for an unknown login and a wrong password: nothing tells which logins exist.
      throw new HttpError(401, 'invalid_credentials', 'login or password is wrong');
    }
    limiter.succeeded(body.login);
    res.json({ token: session.token, agent: publicAgent(session.agent) });
  });

  router.post('/api/auth/logout', anyone, async (_req, res) => {
    const { token } = callerOf(res);
    await sessions.logout(token);
    for (const end of streamsByToken.get(token) ?? []) end();
    res.json({ ok: true });
  });

  router.get('/api/me', anyone, (_req, res) => {
    const c = config();
    res.json({
      agent: publicAgent(callerOf(res).agent),
      statuses: agentStatuses,
      groups: Object.keys(c.groups),
      tiers: [...c.tiers]
        .sort((a, b) => b.rank - a.rank)
        .map((t) => ({ id: t.id, rank: t.rank, overdueAfterSeconds: t.overdueAfterSeconds })),
      disconnectGraceSeconds: c.disconnectGraceSeconds,
    });
  });

  // ---------- my chats ----------
  router.get('/api/workspace/chats', anyone, async (req, res) => {
    const { agent } = callerOf(res);
    const tier = knownTier(parseWith(tierQuery, req.query, 'query').tier);
    const chats = (await workspace.myChats(agent.id)).filter((c) => !tier || c.tier === tier);
    const db = routingStore.database.db;
    const enriched = await Promise.all(
      chats.map(async (c) => {
        const [customer, last] = await Promise.all([
          db
            .selectFrom('customers')
            .select(['name', 'locale'])
            .where('key', '=', c.customerKey)
            .executeTakeFirst(),
          db
            .selectFrom('events')
            .select(['text', 'actor', 'agent_id', 'at'])
            .where('conversation_id', '=', c.id)
            // The preview: what the customer said last, or the agent's answer to it.
            .where('type', 'in', ['message.received', 'agent.replied'])
            .orderBy('seq', 'desc')
            .limit(1)
            .executeTakeFirst(),
        ]);
        return {
          ...c,
          customerName: customer?.name ?? null,
          locale: customer?.locale ?? null,
          last: last
            ? { text: last.text, actor: last.actor, agentId: last.agent_id, at: Number(last.at) }
            : null,
        };
      }),
    );
    res.json({ now: clock(), chats: enriched });
  });

  router.get('/api/workspace/chats/:id/messages', anyone, async (req, res) => {
    const { agent } = callerOf(res);
    const chat = await workspace.chatFor(agent, param(req, 'id'));
    const [events, customer] = await Promise.all([
      services.store.history(chat.id),
      routingStore.database.db
        .selectFrom('customers')
        .select(['name', 'locale'])
        .where('key', '=', chat.customer_key)
        .executeTakeFirst(),
    ]);
    const messages = events
      .filter((e) => MESSAGE_TYPES.has(e.type) || NOTE_TYPES.has(e.type))
      .map((e) => {
        const data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {};
        return {
          id: e.id,
          type: e.type,
          actor: e.actor,
          agentId: e.agent_id,
          text: e.text,
          at: Number(e.at),
          ...(typeof data.kind === 'string' ? { kind: data.kind } : {}),
          ...(typeof data.note === 'string' ? { note: data.note } : {}),
          ...(typeof data.group === 'string' ? { group: data.group } : {}),
          ...(typeof data.from === 'string' ? { from: data.from } : {}),
        };
      });
    res.json({
      conversation: {
        id: chat.id,
        status: chat.status,
        agentId: chat.agent_id,
        tier: chat.tier,
        group: chat.grp,
        channel: chat.channel,
        customerKey: chat.customer_key,
        customerName: customer?.name ?? null,
        locale: customer?.locale ?? null,
        overdue: chat.overdue === 1,
        onHold: chat.on_hold === 1,
        awaitingSince: chat.awaiting_since,
      },
      messages,
    });
  });

  router.post('/api/workspace/chats/:id/reply', anyone, async (req, res) => {
    const { agent } = callerOf(res);
    const body = parseWith(replySchema, await readJsonBody(req));
    const event = await workspace.reply(agent, param(req, 'id'), body.text);
    res.json({
      message: {
        id: event.id,
        type: event.type,
        actor: event.actor,
        agentId: event.agent_id,
        text: event.text,
        at: event.at,
      },
    });
  });

  router.post('/api/workspace/chats/:id/close', anyone, async (req, res) => {
    const { agent } = callerOf(res);
    const chat = await workspace.chatFor(agent, param(req, 'id'));
    await workspace.close(agent, chat.id);
    res.json({ ok: true, conversationId: chat.id, status: 'closed' });
  });

  router.post('/api/workspace/chats/:id/transfer', anyone, async (req, res) => {
    const { agent } = callerOf(res);
    const body = parseWith(transferSchema, await readJsonBody(req));
    const chat = await workspace.chatFor(agent, param(req, 'id'));
    const to = await workspace.transfer(agent, chat.id, {
      ...(body.agentId ? { agentId: body.agentId } : {}),
      ...(body.group ? { group: body.group } : {}),
      ...(body.note ? { note: body.note } : {}),
    });
    res.json({ ok: true, conversationId: chat.id, ...(to.to ? { agentId: to.to } : { group: to.group }) });
  });

  router.get('/api/workspace/chats/:id/suggestions', anyone, async (req, res) => {
    const { agent } = callerOf(res);
    const chat = await workspace.chatFor(agent, param(req, 'id'));
    const content = services.content.current;
    const [events, customer] = await Promise.all([
      services.store.history(chat.id, 100),
      routingStore.database.db
        .selectFrom('customers')
        .select(['name', 'locale'])
        .where('key', '=', chat.customer_key)
        .executeTakeFirst(),
    ]);
    const locale = customer?.locale ?? content.settings.defaultLocale;
    // The newest customer message that suggests anything ("人工" alone suggests nothing): up to 5 back.
    const asked = events
      .filter((e) => e.type === 'message.received' && e.text)
      .reverse()
      .slice(0, 5);
    for (const e of asked) {
      const suggestions = suggestReplies(content, e.text!, locale, {
        customer: customer?.name ?? '',
        agent: agent.name,
      });
      if (suggestions.length) {
        return void res.json({ locale, basedOn: { id: e.id, text: e.text, at: Number(e.at) }, suggestions });
      }
    }
    res.json({
      locale,
      basedOn: asked[0] ? { id: asked[0].id, text: asked[0].text, at: Number(asked[0].at) } : null,
      suggestions: [],
    });
  });

  router.put('/api/workspace/status', anyone, async (req, res) => {
    const { agent } = callerOf(res);
    const body = parseWith(statusSchema, await readJsonBody(req));
    res.json({ agent: await changeStatus(agent, agent.id, body.status) });
  });

  /** Transfer targets: colleagues (no password hashes, no test agents) and groups. */
  router.get('/api/workspace/directory', anyone, async (_req, res) => {
    const { agent } = callerOf(res);
    const all = await routingStore.agents();
    res.json({
      groups: Object.keys(config().groups),
      agents: all
        .filter((a) => a.id !== agent.id && a.test === 0)
        .map((a) => ({
          id: a.id,
          name: a.name,
          level: a.level,
          status: a.status,
          activeChats: a.active_count,
          cap: a.cap,
          groups: JSON.parse(a.groups) as string[],
        })),
    });
  });

  // ---------- live stream + presence ----------
  router.get('/api/workspace/stream', requireAgent(sessions, { queryToken: true }), async (_req, res) => {
    const { agent: me, token } = callerOf(res);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const write = (event: string, data: unknown, id?: string) => {
      if (!res.writableEnded)
        res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const filter = isSupervisor(me) ? undefined : new AgentStreamFilter(me.id);
    let backlog: LiveMessage[] | undefined = filter ? [] : undefined;
    const deliver = (m: LiveMessage) => {
      if (!filter || filter.accept(m)) write('message', m, m.id);
    };
    const unsubscribe = hub.subscribeAll((m) => (backlog ? backlog.push(m) : deliver(m)));
    const release = presence.connect(me.id);
    const end = () => res.end();
    const ends = streamsByToken.get(token) ?? new Set<() => void>();
    streamsByToken.set(token, ends);
    ends.add(end);
    const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
    res.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      release();
      ends.delete(end);
      if (!ends.size) streamsByToken.delete(token);
    });
    try {
      if (filter) {
        // Subscribed first, then read what the agent holds: nothing published in between is lost.
        filter.reset((await routingStore.agentChats(me.id)).map((c) => c.id));
        const waiting = backlog ?? [];
        backlog = undefined;
        for (const m of waiting) deliver(m);
      }
      const fresh = await routingStore.agent(me.id);
      write('hello', { agentId: me.id, role: me.role, status: fresh?.status ?? me.status, at: clock() });
    } catch (e) {
      log.error('workspace stream failed to start', { agentId: me.id, err: String(e) });
      res.end();
    }
  });

  // ---------- supervisors ----------
  router.get('/api/supervisor/overview', supervisors, async (req, res) => {
    const tier = knownTier(parseWith(tierQuery, req.query, 'query').tier);
    res.json(await overview(routingStore, config(), clock(), tier));
  });

  router.get('/api/workspace/chats/:id/explain', supervisors, async (req, res) => {
    const { agent } = callerOf(res);
    const chat = await workspace.chatFor(agent, param(req, 'id'));
    const story = await explain(routingStore, chat.id, await routingStore.agents());
    res.json({ ...story, status: chat.status, agentId: chat.agent_id, tier: chat.tier, group: chat.grp });
  });

  router.put('/api/agents/:id/status', supervisors, async (req, res) => {
    const { agent } = callerOf(res);
    const body = parseWith(statusSchema, await readJsonBody(req));
    const target = await existingAgent(param(req, 'id'));
    guardAdmin(agent, target.role, 'change the status of');
    res.json({ agent: await changeStatus(agent, target.id, body.status) });
  });

  router.get('/api/agents', supervisors, async (_req, res) => {
    res.json({ agents: (await routingStore.agents()).map(publicAgent) });
  });

  router.post('/api/agents', supervisors, async (req, res) => {
    const { agent } = callerOf(res);
    const body = parseWith(newAgentSchema, await readJsonBody(req));
    guardRole(agent, body.role);
    if (await routingStore.agentByLogin(body.login)) {
      throw new HttpError(409, 'login_taken', `login "${body.login}" is taken`, [
        { path: 'login', message: 'is taken' },
      ]);
    }
    const created = await directory.create(body);
    res.status(201).json({ agent: publicAgent(created) });
  });

  router.patch('/api/agents/:id', supervisors, async (req, res) => {
    const { agent } = callerOf(res);
    const patch = parseWith(agentPatchSchema, await readJsonBody(req));
    const target = await existingAgent(param(req, 'id'));
    guardAdmin(agent, target.role, 'edit');
    if (patch.role) guardRole(agent, patch.role);
    if (target.role === 'admin' && patch.role && patch.role !== 'admin') {
      const admins = (await routingStore.agents()).filter((a) => a.role === 'admin').length;
      if (admins <= 1) {
        throw new HttpError(409, 'last_admin', 'the last admin cannot give up the admin role', [
          { path: 'role', message: 'the last admin cannot give up the admin role' },
        ]);
      }
    }
    const updated = await directory.update(target.id, patch);
    if (!updated)
      throw new HttpError(404, 'unknown_agent', `agent ${target.id} does not exist`, [
        { path: 'id', message: 'no such agent' },
      ]);
    // A larger cap or other groups may let queued chats through at once.
    if (patch.cap !== undefined || patch.groups || patch.level || patch.test !== undefined)
      await services.router.kick();
    res.json({ agent: publicAgent(updated) });
  });

  // Domain refusals become HTTP errors naming the field; everything else goes to the app's handler.
  router.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    if (err instanceof WorkspaceError) {
      return next(
        new HttpError(
          err.status,
          err.code,
          err.message,
          err.field ? [{ path: err.field, message: err.message }] : [],
        ),
      );
    }
    if (err instanceof UnknownGroup) {
      return next(
        new HttpError(400, 'unknown_group', err.message, [{ path: 'groups', message: err.message }]),
      );
    }
    next(err);
  });

  function knownTier(tier: string | undefined): string | undefined {
    if (tier === undefined) return undefined;
    const ids = config().tiers.map((t) => t.id);
    if (!ids.includes(tier)) {
      throw new HttpError(400, 'unknown_tier', `tier "${tier}" does not exist (${ids.join(', ')})`, [
        { path: 'tier', message: 'unknown tier' },
      ]);
    }
    return tier;
  }

  async function existingAgent(id: string): Promise<AgentsTable> {
    const a = await routingStore.agent(id);
    if (!a)
      throw new HttpError(404, 'unknown_agent', `agent ${id} does not exist`, [
        { path: 'id', message: 'no such agent' },
      ]);
    return a;
  }

  return router;
}

function param(req: Request, name: string): string {
  const v = req.params[name];
  if (typeof v !== 'string' || !v)
    throw new HttpError(400, 'invalid_request', `${name}: missing`, [{ path: name, message: 'missing' }]);
  return v;
}

const ROLE_ORDER: Record<AgentRole, number> = { agent: 0, supervisor: 1, admin: 2 };

/** Nobody grants a role above their own: a supervisor cannot make an admin. */
function guardRole(actor: AgentsTable, role: AgentRole): void {
  if (ROLE_ORDER[role] > ROLE_ORDER[actor.role]) {
    throw new HttpError(403, 'forbidden', `a ${actor.role} cannot grant the role ${role}`, [
      { path: 'role', message: 'above your own role' },
    ]);
  }
}

/** Admin accounts are managed by admins only. */
function guardAdmin(actor: AgentsTable, targetRole: AgentRole, what: string): void {
  if (targetRole === 'admin' && actor.role !== 'admin')
    throw new HttpError(403, 'forbidden', `only an admin may ${what} an admin account`);
}
