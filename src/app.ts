import { createServer as createHttpServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { adminRoutes } from './admin/admin-routes';
import { mountWebhooks } from './channels/bottender';
import { messagesHandler } from './channels/web/messages-route';
import { widgetRoutes } from './channels/web/widget-routes';
import { widgetCors } from './http/cors';
import { errorHandler, HttpError } from './http/errors';
import { reportRoutes } from './reports/report-routes';
import type { Services } from './services';
import { workspaceRoutes } from './workspace/workspace-routes';

export const WEB_DIR = fileURLToPath(new URL('../web', import.meta.url));

/**
 * The HTTP server: POST /api/messages — every customer message — goes straight to its handler;
 * Express's own work per request (prototype swaps, router, final handler) cost more main-thread
 * time than the whole message path (docs/benchmarks.md §2). Everything else goes to the app.
 */
export function createServer(services: Services): Server {
  const app = createApp(services);
  const messages = messagesHandler(services.handleMessage, services.tokens, services.log);
  return createHttpServer((req, res) => {
    if (req.method === 'POST' && (req.url === '/api/messages' || req.url?.startsWith('/api/messages?')))
      messages(req, res);
    else app(req, res);
  });
}

/** The HTTP app: routes and static pages. No listen, no env reads — main.ts and tests do that. */
export function createApp(services: Services): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    res.json({
      ok: true,
      database: services.database.dialect,
      contentVersion: services.content.current.version,
    });
  });
  // Webhooks read their raw body themselves (signatures): no body parser may run before them.
  mountWebhooks(app, services.handleMessage, {
    env: services.channelEnv,
    log: (e) => services.log.info('webhook', e),
  });
  app.use(['/api/messages', '/api/widget'], widgetCors);
  app.post('/api/messages', messagesHandler(services.handleMessage, services.tokens, services.log));
  app.use(widgetRoutes(services.store, services.hub, services.tokens));
  app.use(adminRoutes(services));
  app.use(workspaceRoutes(services));
  app.use(reportRoutes(services));

  app.use(express.static(WEB_DIR, { index: 'index.html', maxAge: '5m' }));
  app.use('/api', (req, _res, next) =>
    next(new HttpError(404, 'not_found', `no route ${req.method} ${req.originalUrl}`)),
  );
  app.use(errorHandler(services.log));
  return app;
}
