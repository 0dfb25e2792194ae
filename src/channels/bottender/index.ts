import express from 'express';
import type { ChannelId, HandleMessage } from '../../inbound/message';
import { loadChannelSettings } from './config';
import { createAdapters, defaultLog, type PlatformOptions } from './outbox';
import { mountChannel, WEBHOOK_BODY_LIMIT } from './webhook';

export type { Origins, PlatformChannel } from './config';
export { createPlatformOutbox, type PlatformOptions } from './outbox';
export { WEBHOOK_BODY_LIMIT };

/**
 * Mounts `/webhooks/<channel>` for every channel enabled in bottender.config.js by `env`. Mount it
 * before any global body parser: signatures are checked over the raw body. Any other path under
 * /webhooks answers 404 (bottender's own handler would leave it hanging).
 */
export function mountWebhooks(
  app: express.Express,
  handle: HandleMessage,
  options: PlatformOptions = {},
): { enabled: ChannelId[] } {
  const log = options.log ?? defaultLog;
  const settings = loadChannelSettings(options.env ?? process.env, options.origins);
  const adapters = createAdapters(settings, log);

  const router = express.Router();
  for (const adapter of adapters) mountChannel(router, adapter, handle, log);
  router.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Errors of express.raw() (413 over the limit, 400/415 for broken or unsupported encodings) or a bug.
  router.use(
    (
      err: { status?: number; type?: string },
      req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status =
        typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
      log({ event: 'webhook_error', path: req.path, status, type: err.type });
      const error = status === 413 ? 'payload too large' : status === 500 ? 'internal error' : 'bad request';
      res.status(status).json({ error });
    },
  );
  app.use('/webhooks', router);

  return { enabled: adapters.map((a) => a.channel) };
}
