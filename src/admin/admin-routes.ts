import { fileURLToPath } from 'node:url';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type Caller, callerOf, requireAgent, SUPERVISOR_ROLES } from '../auth/require-agent';
import {
  type BotConfig,
  botConfigSchema,
  type ConfigIssue,
  diffConfig,
  validateBotConfig,
} from '../bot-config/bot-config';
import { ConfigVersions } from '../bot-config/config-versions';
import type { PublishResult } from '../bot-config/live-config';
import { calendarSchema } from '../calendar/business-hours';
import type { CompiledContent } from '../content/live-content';
import { intentSchema, replySchema } from '../content/schemas';
import { parseLabelledCsv } from '../eval/csv';
import { HttpError, parseWith } from '../http/errors';
import { readJsonBody } from '../http/json-body';
import { agentPatchSchema, agentStatuses, newAgentSchema } from '../routing/agent-directory';
import { groupPolicySchema, routingConfigSchema, tierSchema } from '../routing/routing-config';
import { toAgentView } from '../routing/routing-store';
import type { Services } from '../services';
import { alertThresholdsSchema, shopSettingsSchema, spamRulesSchema } from '../shop/settings';
import * as S from './admin-schemas';
import { auditObserver, listAudit } from './audit';
import { readableIssues, removedGroupIssues, removeById, upsertById } from './edits';
import { acceptKeywords, suggestKeywords } from './keyword-suggestions';
import { type Access, type Method, openApiDocument, type RouteSpec } from './openapi';
import { compareTries, evalCompare, type TryInput, tryText } from './try-it';

const ADMIN_PAGE = fileURLToPath(new URL('../../web/admin.html', import.meta.url));

/** Bodies that carry a whole configuration (publish, try against a draft, suggestions) may be this large. */
export const LARGE_BODY_LIMIT = 5 * 1024 * 1024;

/** 409: the edit was based on a version that is no longer live. */
class StaleVersion extends HttpError {
  constructor(
    message: string,
    readonly currentVersion: number,
  ) {
    super(409, 'stale_version', message, [{ path: 'baseVersion', message }]);
  }
}

export interface AdminRouteOptions {
  clock?: () => number;
}

interface Ctx<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  caller: Caller;
}

/**
 * The admin API (`/api/admin/*`, admins only), its OpenAPI document (`/api/docs`) and the admin
 * console page (`/admin`). Every change goes through the live configuration: validated as a whole,
 * stored as a new version with author and diff, and live for the next message. Mount BEFORE the
 * workspace routes: the audit observer in front records logins and agent administration served there.
 */
export function adminRoutes(services: Services, options: AdminRouteOptions = {}): Router {
  const clock = options.clock ?? Date.now;
  const live = services.config;
  const versions = new ConfigVersions(services.database);
  const router = Router();
  const guards: Record<Access, ReturnType<typeof requireAgent>[]> = {
    public: [],
    admin: [requireAgent(services.sessions, { roles: ['admin'] })],
    supervisor: [requireAgent(services.sessions, { roles: SUPERVISOR_ROLES })],
  };
  const routes: RouteSpec[] = [];

  router.use(
    auditObserver({ versions, agent: (id) => services.routingStore.agent(id), clock, log: services.log }),
  );

  router.get('/admin', (_req, res) => {
    res.sendFile(ADMIN_PAGE, { headers: { 'cache-control': 'no-cache' } });
  });

  /** Declares a route once: it is served, and it is in the OpenAPI document, with the same schemas. */
  function route<
    P extends z.ZodObject = typeof S.emptyQuery,
    Q extends z.ZodObject = typeof S.emptyQuery,
    B extends z.ZodType = z.ZodUndefined,
  >(
    spec: Omit<RouteSpec, 'params' | 'query' | 'body'> & {
      params?: P;
      query?: Q;
      body?: B;
      /** An admin action: refusals are audited as `<action>.refused` (publishes are audited by the live configuration). */
      action?: string;
    },
    handler: (c: Ctx<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>,
  ): void {
    routes.push(spec);
    const method = spec.method as Method;
    router[method](spec.path, ...guards[spec.access], async (req: Request, res: Response) => {
      try {
        await serve(req, res);
      } catch (e) {
        const caller = res.locals.caller as Caller | undefined;
        if (spec.action && caller && e instanceof HttpError) {
          const detail = { status: e.status, code: e.code, path: req.path, fields: e.fields.slice(0, 20) };
          await versions
            .audit(caller.agent.login, `${spec.action}.refused`, detail, clock())
            .catch((err) => services.log.warn('audit entry failed', { err: String(err) }));
        }
        throw e;
      }
    });
    async function serve(req: Request, res: Response) {
      const params = spec.params ? parseWith(spec.params, { ...req.params }, 'path') : {};
      const query = parseWith(spec.query ?? S.emptyQuery, { ...(req.query as object) }, 'query');
      const body = spec.body
        ? parseWith(spec.body, await readJsonBody(req, spec.bodyLimit), 'body')
        : undefined;
      const caller = spec.access === 'public' ? (undefined as unknown as Caller) : callerOf(res);
      const out = await handler({ req, res, params, query, body, caller } as Ctx<
        z.infer<P>,
        z.infer<Q>,
        z.infer<B>
      >);
      if (!res.headersSent) res.json(out);
    }
  }

  // ---------- helpers ----------

  /** Compiles a draft exactly as the live configuration compiles a version (same extra candidate sources). */
  function compileDraft(doc: BotConfig): CompiledContent {
    return live.compile(doc, 0);
  }

  async function liveAt(baseVersion: number) {
    // The client may have seen a version another instance published a moment ago: catch up first.
    if (baseVersion > live.current.version) await live.refresh();
    const current = live.current;
    if (baseVersion !== current.version) {
      throw new StaleVersion(
        `your edit is based on version ${baseVersion}, but version ${current.version} is live now; reload and edit again`,
        current.version,
      );
    }
    return current;
  }

  function invalid(issues: readonly ConfigIssue[], document: unknown, prefix = ''): HttpError {
    const fields = readableIssues(document, issues, prefix);
    return new HttpError(
      422,
      'invalid_config',
      fields.map((f) => `${f.path}: ${f.message}`).join('; '),
      fields,
    );
  }

  /** Publishes a document as the next version; any refusal leaves the live version as it was. */
  async function publish(
    caller: Caller,
    doc: BotConfig,
    baseVersion: number,
    summary: string,
    before: BotConfig,
  ) {
    const extra = removedGroupIssues(before, doc, await services.routingStore.agents());
    // Refused for agents still in a removed group: list the document's own problems with it, if any.
    const r: PublishResult = extra.length
      ? { ok: false, status: 422, issues: [...validateBotConfig(doc).issues, ...extra] }
      : await live.publish(doc, baseVersion, caller.agent.login, summary);
    if (!r.ok) {
      if (r.status === 409) throw new StaleVersion(`${r.message}; reload and edit again`, r.currentVersion);
      throw invalid(r.issues, doc);
    }
    return { version: r.version, diff: r.diff };
  }

  /** The common edit: copy the version the admin based the edit on, change it, publish. */
  async function edit(
    caller: Caller,
    body: { baseVersion: number; summary?: string | undefined },
    change: (doc: BotConfig) => string,
  ) {
    const current = await liveAt(body.baseVersion);
    const doc = structuredClone(current.document);
    const summary = change(doc);
    return publish(caller, doc, body.baseVersion, body.summary ?? summary, current.document);
  }

  const notFound = (kind: string, id: string) =>
    new HttpError(404, `unknown_${kind}`, `${kind} "${id}" does not exist`, [
      { path: 'id', message: `no such ${kind}` },
    ]);

  const editErrors = {
    404: 'nothing with this id',
    409: 'stale base version: someone published since; `error.currentVersion` is live now',
    422: 'the configuration would be invalid: each problem named by path in `error.fields`; nothing changed',
  } as const;

  function checkId(kind: string, urlId: string, bodyId: string, path: string) {
    if (urlId !== bodyId)
      throw new HttpError(
        400,
        'invalid_request',
        `${path}: must equal the ${kind} id in the URL ("${urlId}")`,
        [{ path, message: `must equal "${urlId}"` }],
      );
  }

  // ---------- whole configuration and versions ----------

  route(
    {
      method: 'get',
      path: '/api/admin/config',
      operationId: 'getConfig',
      summary: 'The live configuration (shop, intents, replies, routing) and its version',
      tag: 'config',
      access: 'admin',
      returns: '{version, document}',
    },
    async () => ({ version: live.current.version, document: live.current.document }),
  );

  route(
    {
      method: 'put',
      path: '/api/admin/config',
      operationId: 'publishConfig',
      action: 'config.publish',
      summary: 'Publish a whole configuration document as the next version',
      tag: 'config',
      access: 'admin',
      body: S.putConfigBody,
      bodyLimit: LARGE_BODY_LIMIT,
      errors: { 409: editErrors[409], 422: editErrors[422] },
      returns: '{version, diff}',
    },
    async ({ body, caller }) => {
      const current = await liveAt(body.baseVersion);
      return publish(
        caller,
        body.document,
        body.baseVersion,
        body.summary ?? 'whole configuration published',
        current.document,
      );
    },
  );

  route(
    {
      method: 'post',
      path: '/api/admin/config/validate',
      operationId: 'validateConfig',
      summary: 'Check a whole configuration without publishing it: its problems, and what would change',
      tag: 'config',
      access: 'admin',
      body: S.validateConfigBody,
      bodyLimit: LARGE_BODY_LIMIT,
      returns: '{valid, issues, diff}: diff against the live version',
    },
    async ({ body }) => {
      const { config, issues } = validateBotConfig(body.document);
      const extra = config
        ? removedGroupIssues(live.current.document, config, await services.routingStore.agents())
        : [];
      const all = readableIssues(body.document, [...issues, ...extra]);
      return { valid: all.length === 0, issues: all, diff: diffConfig(live.current.document, body.document) };
    },
  );

  route(
    {
      method: 'get',
      path: '/api/admin/versions',
      operationId: 'listVersions',
      summary: 'Version history, newest first: who, when, summary',
      tag: 'versions',
      access: 'admin',
      query: S.versionsQuery,
      returns: '{current, versions: [{version, author, summary, createdAt}]}',
    },
    async ({ query }) => ({ current: live.current.version, versions: await versions.list(query.limit) }),
  );

  route(
    {
      method: 'get',
      path: '/api/admin/versions/:version',
      operationId: 'getVersion',
      summary: 'One version: its document and its diff against the version before',
      tag: 'versions',
      access: 'admin',
      params: S.versionParams,
      errors: { 404: 'no such version' },
      returns: '{info, document, diff}',
    },
    async ({ params }) => {
      const v = await versions.get(params.version);
      if (!v) throw unknownVersion(params.version, 'version');
      return v;
    },
  );

  route(
    {
      method: 'get',
      path: '/api/admin/versions/:version/diff',
      operationId: 'diffVersions',
      summary: 'What changed from one version to another (default: from the version before)',
      tag: 'versions',
      access: 'admin',
      params: S.versionParams,
      query: S.diffQuery,
      errors: { 404: 'no such version' },
      returns: '{from, to, diff: [{path, before, after}]}',
    },
    async ({ params, query }) => {
      const from = query.against ?? params.version - 1;
      const [a, b] = await Promise.all([
        from >= 1 ? versions.get(from) : undefined,
        versions.get(params.version),
      ]);
      if (!b) throw unknownVersion(params.version, 'version');
      if (from >= 1 && !a) throw unknownVersion(from, 'against');
      return { from: a ? from : null, to: params.version, diff: diffConfig(a?.document ?? {}, b.document) };
    },
  );

  route(
    {
      method: 'post',
      path: '/api/admin/versions/:version/restore',
      operationId: 'restoreVersion',
      action: 'config.restore',
      summary: 'Publish an earlier version again, as the next version',
      tag: 'versions',
      access: 'admin',
      params: S.versionParams,
      body: S.restoreBody,
      errors: {
        404: 'no such version',
        409: editErrors[409],
        422: 'the old version does not fit today (e.g. a group it needs has agents elsewhere); nothing changed',
      },
      returns: '{version, diff, restored}',
    },
    async ({ params, body, caller }) => {
      const current = await liveAt(body.baseVersion);
      const old = await versions.get(params.version);
      if (!old) throw unknownVersion(params.version, 'version');
      const r = await publish(
        caller,
        old.document,
        body.baseVersion,
        `restore version ${params.version}`,
        current.document,
      );
      return { ...r, restored: params.version };
    },
  );

  route(
    {
      method: 'get',
      path: '/api/admin/audit',
      operationId: 'listAudit',
      summary:
        'Audit log, newest first: publishes, refusals, restores, logins, agent changes, forced status changes',
      tag: 'audit',
      access: 'admin',
      query: S.auditQuery,
      returns: '{entries: [{seq, at, actor, action, detail}]}',
    },
    async ({ query }) => ({ entries: await listAudit(services.database, query) }),
  );

  // ---------- intents and replies ----------

  for (const kind of ['intent', 'reply'] as const) {
    const plural = kind === 'intent' ? 'intents' : 'replies';
    const listOf = (doc: BotConfig) => (kind === 'intent' ? doc.intents : doc.replies) as { id: string }[];
    const Kind = kind === 'intent' ? 'Intent' : 'Reply';
    route(
      {
        method: 'get',
        path: `/api/admin/${plural}`,
        operationId: `list${Kind === 'Intent' ? 'Intents' : 'Replies'}`,
        summary: `All ${plural === 'intents' ? 'intents' : 'reply templates'}`,
        tag: plural,
        access: 'admin',
        returns: `{version, ${plural}}`,
      },
      async () => ({ version: live.current.version, [plural]: listOf(live.current.document) }),
    );
    route(
      {
        method: 'get',
        path: `/api/admin/${plural}/:id`,
        operationId: `get${Kind}`,
        summary: `One ${kind === 'intent' ? 'intent' : 'reply template'}`,
        tag: plural,
        access: 'admin',
        params: S.idParams,
        errors: { 404: editErrors[404] },
        returns: `{version, ${kind}}`,
      },
      async ({ params }) => {
        const item = listOf(live.current.document).find((x) => x.id === params.id);
        if (!item) throw notFound(kind, params.id);
        return { version: live.current.version, [kind]: item };
      },
    );
    route(
      {
        method: 'put',
        path: `/api/admin/${plural}/:id`,
        operationId: `put${Kind}`,
        action: `${kind}.put`,
        summary: `Create or replace ${kind === 'intent' ? 'an intent' : 'a reply template'}`,
        tag: plural,
        access: 'admin',
        params: S.idParams,
        body: kind === 'intent' ? S.putIntentBody : S.putReplyBody,
        errors: { 409: editErrors[409], 422: editErrors[422] },
        returns: '{version, diff, created}',
      },
      async ({ params, body, caller }) => {
        const item = (body as { intent?: { id: string }; reply?: { id: string } })[kind]!;
        checkId(kind, params.id, item.id, `${kind}.id`);
        let created = false;
        const r = await edit(caller, body, (doc) => {
          created = upsertById(listOf(doc), item);
          return `${created ? 'add' : 'edit'} ${kind} ${item.id}`;
        });
        return { ...r, created };
      },
    );
    route(
      {
        method: 'delete',
        path: `/api/admin/${plural}/:id`,
        operationId: `delete${Kind}`,
        action: `${kind}.delete`,
        summary: `Delete ${kind === 'intent' ? 'an intent' : 'a reply template'} (refused while something uses it)`,
        tag: plural,
        access: 'admin',
        params: S.idParams,
        query: S.deleteQuery,
        errors: editErrors,
        returns: '{version, diff}',
      },
      async ({ params, query, caller }) =>
        edit(caller, query, (doc) => {
          if (!removeById(listOf(doc), params.id)) throw notFound(kind, params.id);
          return `delete ${kind} ${params.id}`;
        }),
    );
  }

  // ---------- routing: tiers, groups, the rest ----------

  route(
    {
      method: 'get',
      path: '/api/admin/routing',
      operationId: 'getRouting',
      summary: 'Routing rules: tiers, levels, groups and their strategies, escalation',
      tag: 'routing',
      access: 'admin',
      returns: '{version, routing}',
    },
    async () => ({ version: live.current.version, routing: live.current.document.routing }),
  );
  route(
    {
      method: 'put',
      path: '/api/admin/routing',
      operationId: 'putRouting',
      action: 'routing.put',
      summary: 'Replace the routing rules',
      tag: 'routing',
      access: 'admin',
      body: S.putRoutingBody,
      errors: { 409: editErrors[409], 422: editErrors[422] },
      returns: '{version, diff}',
    },
    async ({ body, caller }) =>
      edit(caller, body, (doc) => {
        doc.routing = body.routing;
        return 'edit routing rules';
      }),
  );
  route(
    {
      method: 'put',
      path: '/api/admin/tiers/:id',
      operationId: 'putTier',
      action: 'tier.put',
      summary: 'Create or replace a tier (deadlines, rank, compliance target)',
      tag: 'routing',
      access: 'admin',
      params: S.idParams,
      body: S.putTierBody,
      errors: { 409: editErrors[409], 422: editErrors[422] },
      returns: '{version, diff, created}',
    },
    async ({ params, body, caller }) => {
      checkId('tier', params.id, body.tier.id, 'tier.id');
      let created = false;
      const r = await edit(caller, body, (doc) => {
        created = upsertById(doc.routing.tiers, body.tier);
        return `${created ? 'add' : 'edit'} tier ${body.tier.id}`;
      });
      return { ...r, created };
    },
  );
  route(
    {
      method: 'delete',
      path: '/api/admin/tiers/:id',
      operationId: 'deleteTier',
      action: 'tier.delete',
      summary: 'Delete a tier (refused while intents, levels or escalation use it)',
      tag: 'routing',
      access: 'admin',
      params: S.idParams,
      query: S.deleteQuery,
      errors: editErrors,
      returns: '{version, diff}',
    },
    async ({ params, query, caller }) =>
      edit(caller, query, (doc) => {
        if (!removeById(doc.routing.tiers, params.id)) throw notFound('tier', params.id);
        return `delete tier ${params.id}`;
      }),
  );
  route(
    {
      method: 'put',
      path: '/api/admin/groups/:id',
      operationId: 'putGroup',
      action: 'group.put',
      summary: 'Create or replace an agent group: its routing strategy and stickiness',
      tag: 'routing',
      access: 'admin',
      params: S.idParams,
      body: S.putGroupBody,
      errors: { 409: editErrors[409], 422: editErrors[422] },
      returns: '{version, diff, created}',
    },
    async ({ params, body, caller }) => {
      let created = false;
      const r = await edit(caller, body, (doc) => {
        created = !doc.routing.groups[params.id];
        doc.routing.groups[params.id] = body.group;
        return `${created ? 'add' : 'edit'} group ${params.id} (${body.group.strategy})`;
      });
      return { ...r, created };
    },
  );
  route(
    {
      method: 'delete',
      path: '/api/admin/groups/:id',
      operationId: 'deleteGroup',
      action: 'group.delete',
      summary:
        'Delete an agent group (refused while it is the default, an intent routes to it, or agents are in it)',
      tag: 'routing',
      access: 'admin',
      params: S.idParams,
      query: S.deleteQuery,
      errors: editErrors,
      returns: '{version, diff}',
    },
    async ({ params, query, caller }) =>
      edit(caller, query, (doc) => {
        if (!doc.routing.groups[params.id]) throw notFound('group', params.id);
        delete doc.routing.groups[params.id];
        return `delete group ${params.id}`;
      }),
  );

  // ---------- shop settings ----------

  route(
    {
      method: 'get',
      path: '/api/admin/shop',
      operationId: 'getShop',
      summary:
        'Shop settings: name, language, hours, greeting, matcher thresholds, spam rules, alert thresholds',
      tag: 'shop',
      access: 'admin',
      returns: '{version, shop}',
    },
    async () => ({ version: live.current.version, shop: live.current.document.shop }),
  );
  const shopEdit = (
    path: string,
    operationId: string,
    action: string,
    summary: string,
    body: z.ZodType<{ baseVersion: number; summary?: string | undefined }>,
    apply: (doc: BotConfig, b: never) => string,
  ) =>
    route(
      {
        method: 'put',
        path,
        operationId,
        action,
        summary,
        tag: 'shop',
        access: 'admin',
        body,
        errors: { 409: editErrors[409], 422: editErrors[422] },
        returns: '{version, diff}',
      },
      async ({ body: b, caller }) => edit(caller, b, (doc) => apply(doc, b as never)),
    );
  shopEdit(
    '/api/admin/shop',
    'putShop',
    'shop.put',
    'Replace all shop settings',
    S.putShopBody,
    (doc, b: z.infer<typeof S.putShopBody>) => {
      doc.shop = b.shop;
      return 'edit shop settings';
    },
  );
  shopEdit(
    '/api/admin/hours',
    'putHours',
    'hours.put',
    'Business hours, holidays and exception dates (and group calendars)',
    S.putHoursBody,
    (doc, b: z.infer<typeof S.putHoursBody>) => {
      doc.shop.calendar = b.calendar;
      if (b.groupCalendars) doc.shop.groupCalendars = b.groupCalendars;
      return 'edit business hours';
    },
  );
  shopEdit(
    '/api/admin/greeting',
    'putGreeting',
    'greeting.put',
    'Greeting, away message and hand-off notice settings',
    S.putGreetingBody,
    (doc, b: z.infer<typeof S.putGreetingBody>) => {
      doc.shop.greeting = b.greeting;
      if (b.away) doc.shop.away = b.away;
      if (b.handoffNoticeMinutes !== undefined) doc.shop.handoffNoticeMinutes = b.handoffNoticeMinutes;
      return 'edit greeting settings';
    },
  );
  shopEdit(
    '/api/admin/spam',
    'putSpam',
    'spam.put',
    'Spam rules: keywords, safe regular expressions, link limit',
    S.putSpamBody,
    (doc, b: z.infer<typeof S.putSpamBody>) => {
      doc.shop.spam = b.spam;
      return 'edit spam rules';
    },
  );
  shopEdit(
    '/api/admin/alerts',
    'putAlerts',
    'alerts.put',
    'Alert thresholds (rolling first-response time, queue length, overdue chats)',
    S.putAlertsBody,
    (doc, b: z.infer<typeof S.putAlertsBody>) => {
      doc.shop.alerts = b.alerts;
      return 'edit alert thresholds';
    },
  );

  // ---------- try it, keyword suggestions ----------

  function validDraft(draft: unknown): BotConfig {
    const { config, issues } = validateBotConfig(draft);
    if (!config) throw invalid(issues, draft, 'draft.');
    return config;
  }

  function labelledLines(csv: string) {
    const { lines, issues } = parseLabelledCsv(csv);
    if (issues.length) {
      const fields = issues.slice(0, 50).map((i) => ({ path: `csv.line.${i.line}`, message: i.message }));
      throw new HttpError(
        400,
        'invalid_csv',
        `the labelled file has ${issues.length} bad line(s); first: line ${issues[0]!.line}: ${issues[0]!.message}`,
        fields,
      );
    }
    if (!lines.length)
      throw new HttpError(400, 'invalid_csv', 'the labelled file has no lines after the header', [
        { path: 'csv', message: 'no lines' },
      ]);
    return lines;
  }

  route(
    {
      method: 'post',
      path: '/api/admin/try',
      operationId: 'tryText',
      summary:
        'Try a message: normalised text, tokens, matching rules with scores and words, decision, rendered reply, tier, agent; against a draft too, with an eval of a labelled file',
      tag: 'try',
      access: 'admin',
      body: S.tryBody,
      bodyLimit: LARGE_BODY_LIMIT,
      errors: {
        422: 'the draft is invalid (it could not be published either): every problem in `error.fields`',
      },
      returns: '{live, draft?, changes?, documentDiff?, eval?}',
    },
    async ({ body }) => {
      const current = live.current;
      const draftDoc = body.draft ? validDraft(body.draft) : undefined;
      const draft = draftDoc ? compileDraft(draftDoc) : undefined;
      const lines = body.csv !== undefined ? labelledLines(body.csv) : undefined;
      const now = clock();
      const ctx = {
        now,
        agents: (await services.routingStore.agents()).map(toAgentView),
        estimate: (tier: string) => services.router.estimate(services.router.queueKey(tier, now)),
      };
      const out: Record<string, unknown> = {};
      if (body.text !== undefined) {
        const input: TryInput = {
          text: body.text,
          locale: body.locale,
          channel: body.channel,
          vip: body.vip,
          returning: body.returning,
        };
        out.live = await tryText(current, current.version, input, ctx);
        if (draft) {
          out.draft = await tryText(draft, null, input, ctx);
          out.changes = compareTries(out.live as never, out.draft as never);
        }
      }
      if (draftDoc) out.documentDiff = diffConfig(current.document, draftDoc);
      if (lines) out.eval = evalCompare(lines, current, draft);
      return out;
    },
  );

  route(
    {
      method: 'post',
      path: '/api/admin/suggest-keywords',
      operationId: 'suggestKeywords',
      summary: 'Propose keywords per intent from a labelled file (TF-IDF over the matcher’s own tokens)',
      tag: 'try',
      access: 'admin',
      body: S.suggestBody,
      bodyLimit: LARGE_BODY_LIMIT,
      errors: { 422: 'the draft is invalid' },
      returns:
        '{version, intents: [{intent, lines, answered, suggestions: [{keyword, score, support, occurrences, precision, gain, conflict?}]}], unknownIntents}',
    },
    async ({ body }) => {
      const lines = labelledLines(body.csv);
      const content = body.draft ? compileDraft(validDraft(body.draft)) : live.current;
      const r = suggestKeywords(lines, content, {
        perIntent: body.perIntent,
        minSupport: body.minSupport,
        minPrecision: body.minPrecision,
      });
      return { version: body.draft ? null : live.current.version, ...r };
    },
  );

  route(
    {
      method: 'post',
      path: '/api/admin/suggest-keywords/accept',
      operationId: 'acceptKeywords',
      summary:
        'Add accepted keywords to a draft (not published): the draft, its problems, and its diff against the live version',
      tag: 'try',
      access: 'admin',
      body: S.acceptBody,
      bodyLimit: LARGE_BODY_LIMIT,
      returns: '{draft, valid, issues, diff}',
    },
    async ({ body }) => {
      const base = body.draft ? validDraft(body.draft) : live.current.document;
      const { document, issues } = acceptKeywords(base, body.accept);
      const checked = validateBotConfig(document);
      const all = [...issues, ...readableIssues(document, checked.issues)];
      return {
        draft: document,
        valid: all.length === 0,
        issues: all,
        diff: diffConfig(live.current.document, document),
      };
    },
  );

  // ---------- the OpenAPI document ----------

  const documented: RouteSpec[] = [...routes, ...workspaceSpecs()];
  let doc: unknown;
  route(
    {
      method: 'get',
      path: '/api/docs',
      operationId: 'openApi',
      summary: 'This OpenAPI 3.1 document',
      tag: 'docs',
      access: 'public',
      returns: 'the OpenAPI document (JSON)',
    },
    async () => {
      doc ??= openApiDocument(
        documented,
        NAMED_SCHEMAS,
        {
          title: 'FirstReply admin API',
          version: '1',
          description:
            'Edit the bot configuration live. Every accepted change is a new version (who, when, diff); edits name the version they are based on (`baseVersion`, 409 when stale); a refused edit changes nothing. Bodies are strict: unknown fields are refused. See docs/admin.md.',
        },
        new Map([[S.configDocument, 'BotConfig']]),
      );
      return doc;
    },
  );

  // Refusals raised by the routes above: 409 carries the version that is live now.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof StaleVersion) {
      return void res.status(409).json({
        error: {
          code: err.code,
          message: err.message,
          fields: err.fields,
          currentVersion: err.currentVersion,
        },
      });
    }
    next(err);
  });

  return router;
}

/** Schemas shown by name in the OpenAPI document. */
const NAMED_SCHEMAS: Record<string, z.ZodType> = {
  BotConfig: botConfigSchema,
  Intent: intentSchema,
  ReplyTemplate: replySchema,
  RoutingConfig: routingConfigSchema,
  Tier: tierSchema,
  GroupPolicy: groupPolicySchema,
  ShopSettings: shopSettingsSchema,
  Calendar: calendarSchema,
  SpamRules: spamRulesSchema,
  AlertThresholds: alertThresholdsSchema,
  NewAgent: newAgentSchema,
  AgentPatch: agentPatchSchema,
};

/** Routes served by the workspace router that the admin console uses: documented here with their schemas. */
function workspaceSpecs(): RouteSpec[] {
  const idParams = z.strictObject({ id: z.string().min(1) });
  return [
    {
      method: 'post',
      path: '/api/auth/login',
      operationId: 'login',
      summary: 'Log in (any role); answers a bearer token. Audited.',
      tag: 'auth',
      access: 'public',
      body: z.strictObject({ login: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }),
      errors: { 401: 'login or password is wrong', 429: 'too many wrong passwords: see Retry-After' },
      returns: '{token, agent}',
    },
    {
      method: 'get',
      path: '/api/agents',
      operationId: 'listAgents',
      summary: 'All agents (no password hashes)',
      tag: 'agents',
      access: 'supervisor',
      returns: '{agents}',
    },
    {
      method: 'post',
      path: '/api/agents',
      operationId: 'createAgent',
      summary: 'Create an agent: login, name, password, role, level, rank, cap, groups, test flag. Audited.',
      tag: 'agents',
      access: 'supervisor',
      body: newAgentSchema,
      errors: { 409: 'login taken' },
      returns: '{agent} (201)',
    },
    {
      method: 'patch',
      path: '/api/agents/:id',
      operationId: 'updateAgent',
      summary: 'Change an agent: level, rank, cap, groups, test flag, role, or reset the password. Audited.',
      tag: 'agents',
      access: 'supervisor',
      params: idParams,
      body: agentPatchSchema,
      errors: { 404: 'no such agent' },
      returns: '{agent}',
    },
    {
      method: 'put',
      path: '/api/agents/:id/status',
      operationId: 'forceAgentStatus',
      summary: 'Force an agent’s status (their chats are re-queued when set offline or invisible). Audited.',
      tag: 'agents',
      access: 'supervisor',
      params: idParams,
      body: z.strictObject({ status: z.enum(agentStatuses) }),
      errors: { 404: 'no such agent' },
      returns: '{agent}',
    },
  ];
}

function unknownVersion(version: number, field: string): HttpError {
  return new HttpError(404, 'unknown_version', `version ${version} does not exist`, [
    { path: field, message: 'no such version' },
  ]);
}
