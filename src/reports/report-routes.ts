import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Request, type Response, Router } from 'express';
import { callerOf, requireAgent, SUPERVISOR_ROLES } from '../auth/require-agent';
import { HttpError, parseWith } from '../http/errors';
import { readJsonBody } from '../http/json-body';
import type { Services } from '../services';
import { reportsFor } from './reports';
import { spamBodySchema } from './report-service';

const PAGE = fileURLToPath(new URL('../../web/reports.html', import.meta.url));
/** chart.js from node_modules (its package exports hide dist/, so resolve the package and go next door). */
const CHART = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/** The clock the services run on (tests fake it through the workspace's), else the wall clock. */
function servicesClock(services: Services): () => number {
  const own = (services as Services & { clock?: unknown }).clock;
  if (typeof own === 'function') return own as () => number;
  const deps = (services.workspace as unknown as { deps?: { clock?: unknown } }).deps;
  return typeof deps?.clock === 'function' ? (deps.clock as () => number) : Date.now;
}

function csvName(kind: string, query: Request['query']): string {
  const part = (v: unknown) => (typeof v === 'string' ? v.replace(/[^\w.-]+/g, '') : '');
  return `firstreply-${kind}${query.from ? `-${part(query.from)}` : ''}${query.to ? `-${part(query.to)}` : ''}.csv`;
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** Spreadsheets (Excel especially) read Chinese names right only with a byte-order mark. */
const BOM = '\uFEFF';

/**
 * Reports for supervisors and admins: summary (JSON, CSV), one CSV row per conversation, the live
 * view, spam flags, orders for conversion; and the dashboard page at /admin/reports.
 */
export function reportRoutes(services: Services): Router {
  const reports = reportsFor({
    database: services.database,
    config: services.config,
    hub: services.hub,
    log: services.log,
    clock: servicesClock(services),
    alertWebhook: services.env.ALERT_WEBHOOK_URL,
  });
  const router = Router();
  const supervisors = requireAgent(services.sessions, { roles: SUPERVISOR_ROLES });

  router.get('/admin/reports', (_req, res) => {
    res.sendFile(PAGE, { headers: { 'cache-control': 'no-cache' } });
  });
  router.get('/vendor/chart.umd.min.js', (_req, res) => {
    res.sendFile(CHART, { headers: { 'cache-control': 'public, max-age=86400' } });
  });

  router.get('/api/reports/summary', supervisors, async (req, res) => {
    res.json(await reports.service.summary(req.query));
  });

  router.get('/api/reports/summary.csv', supervisors, async (req, res) => {
    const csv = await reports.service.summaryCsv(req.query);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${csvName('summary', req.query)}"`);
    res.send(BOM + csv);
  });

  router.get('/api/reports/conversations.csv', supervisors, async (req, res) => {
    const lines = await reports.service.conversationsCsv(req.query);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${csvName('conversations', req.query)}"`);
    let buffer = BOM;
    for (const line of lines) {
      buffer += line;
      if (buffer.length > 64_000) {
        if (!res.write(buffer)) await drainedOrClosed(res);
        if (res.destroyed) return; // the client went away
        buffer = '';
      }
    }
    res.end(buffer);
  });

  router.get('/api/reports/live', supervisors, async (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(await reports.live());
  });

  router.post('/api/reports/conversations/:id/spam', supervisors, async (req, res) => {
    const body = parseWith(spamBodySchema, await readJsonBody(req));
    const id = req.params.id;
    if (typeof id !== 'string' || !id) throw new HttpError(400, 'invalid_request', 'conversation id missing');
    res.json(await reports.service.setSpam(id, body.spam, callerOf(res).agent.id));
  });

  router.post('/api/orders', supervisors, async (req, res) => {
    const r = await reports.service.recordOrder(await readJsonBody(req));
    res.status(r.status).json(r.body);
  });

  return router;
}
