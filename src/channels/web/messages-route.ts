import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { localeSchema } from '../../content/schemas';
import { answerError, HttpError, parseWith, writeJson } from '../../http/errors';
import { readJsonBody } from '../../http/json-body';
import { type HandleMessage, inboundTextSchema } from '../../inbound/message';
import type { Logger } from '../../shared/log';
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

/** The widget calls from the shop's pages, another origin (see http/cors.ts). */
const CORS = { 'access-control-allow-origin': '*' };

/**
 * POST /api/messages — the generic HTTP channel, also used by the widget. A plain Node handler:
 * the server hands this route to it ahead of Express (app.ts), which costs more than the rest of
 * the message's path; Express serves it too (other spellings of the path, apps built without it).
 */
export function messagesHandler(
  handle: HandleMessage,
  tokens: VisitorTokens,
  log: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    serve(req, res).catch((e: unknown) => answerError(res, e, log, CORS));
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    writeJson(res, 200, result, CORS);
  }
}
