import { Router } from 'express';
import { z } from 'zod';
import { localeSchema } from '../../content/schemas';
import { HttpError, parseWith } from '../../http/errors';
import { readJsonBody } from '../../http/json-body';
import { type HandleMessage, inboundTextSchema } from '../../inbound/message';
import type { VisitorTokens } from './visitor-token';

export const postMessageSchema = z.strictObject({
  customerId: z.string().trim().min(1, 'customerId must not be empty').max(128),
  text: inboundTextSchema,
  /** `api` for integrations (default); `web` for widget visitors, who must send their token. */
  channel: z.enum(['api', 'web']).default('api'),
  token: z.string().max(200).optional(),
  locale: localeSchema.optional(),
  name: z.string().trim().max(100).optional(),
});

/** POST /api/messages — the generic HTTP channel, also used by the widget. */
export function messagesRoute(handle: HandleMessage, tokens: VisitorTokens): Router {
  const router = Router();
  router.post('/api/messages', async (req, res) => {
    const body = parseWith(postMessageSchema, await readJsonBody(req));
    if (body.channel === 'web' && !tokens.verify(body.customerId, body.token)) {
      throw new HttpError(401, 'invalid_token', 'token: missing or not valid for this customerId', [
        { path: 'token', message: 'missing or not valid for this customerId' },
      ]);
    }
    const result = await handle({
      channel: body.channel,
      customerId: body.customerId,
      text: body.text,
      ...(body.locale ? { locale: body.locale } : {}),
      ...(body.name ? { name: body.name } : {}),
    });
    // Sent as is: res.json would hash the body for an ETag, which no client of a POST can use.
    const json = JSON.stringify(result);
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  });
  return router;
}
