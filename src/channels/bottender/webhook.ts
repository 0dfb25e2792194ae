import express, { type Request, type Response, type Router } from 'express';
import type { HandleMessage } from '../../inbound/message';
import type { ChannelAdapter, HttpAnswer, Log, WebhookRequest } from './adapter';

/** Platform webhooks are small JSON or form posts; anything bigger is refused with 413. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

function send(res: Response, answer: HttpAnswer): void {
  res.status(answer.status).type(answer.contentType).send(answer.body);
}

/**
 * The raw bytes, read by this route's own express.raw(): signatures are over the exact body. If a
 * global parser consumed the stream first, req.body is an object and nothing can be verified.
 */
function rawBodyOf(req: Request): Buffer | null {
  if (req.body === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(req.body) ? req.body : null;
}

function toWebhookRequest(req: Request, rawBody: Buffer): WebhookRequest {
  return {
    method: req.method,
    headers: req.headers,
    rawBody,
    query: req.query as Record<string, unknown>,
    url: `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`,
  };
}

/**
 * POST: verify → parse → for each message, in order: await handle, then send its replies.
 * We answer the platform only after that (bottender acknowledges first unless `sync: true`), so a
 * failing `handle` yields a 500 and the platform redelivers; later events of the same request are
 * not processed before an earlier one succeeded.
 */
async function receive(
  adapter: ChannelAdapter,
  handle: HandleMessage,
  log: Log,
  req: Request,
  res: Response,
) {
  const { channel } = adapter;
  const rawBody = rawBodyOf(req);
  if (!rawBody) {
    log({ event: 'webhook_raw_body_unavailable', channel });
    res.status(500).json({ error: 'raw body unavailable: mount webhooks before any body parser' });
    return;
  }
  const request = toWebhookRequest(req, rawBody);
  const refusal = adapter.verify(request);
  if (refusal) {
    log({ event: 'webhook_refused', channel, reason: refusal, ip: req.ip });
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  let parsed: ReturnType<ChannelAdapter['parse']>;
  try {
    parsed = adapter.parse(request);
  } catch (err) {
    log({ event: 'webhook_bad_payload', channel, error: errorMessage(err) });
    res.status(400).json({ error: 'bad payload' });
    return;
  }
  for (const { message, reply } of parsed.messages) {
    let handled: Awaited<ReturnType<HandleMessage>>;
    try {
      handled = await handle(message);
    } catch (err) {
      log({
        event: 'webhook_handle_failed',
        channel,
        customerId: message.customerId,
        error: errorMessage(err),
      });
      res.status(500).json({ error: 'internal error' });
      return;
    }
    try {
      await reply(handled.replies);
    } catch (err) {
      // The message is recorded; a redelivery would not bring the reply back, so log and go on.
      log({ event: 'reply_failed', channel, customerId: message.customerId, error: errorMessage(err) });
    }
  }
  send(res, parsed.answer ?? { status: 200, contentType: 'text/plain', body: 'OK' });
}

export function mountChannel(router: Router, adapter: ChannelAdapter, handle: HandleMessage, log: Log): void {
  const path = `/${adapter.channel}`;
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  router.post(path, raw, (req, res) => receive(adapter, handle, log, req, res));
  if (adapter.handshake) {
    const handshake = adapter.handshake.bind(adapter);
    router.get(path, (req, res) => send(res, handshake(toWebhookRequest(req, Buffer.alloc(0)))));
  }
  router.all(path, (_req, res) => {
    res.status(405).json({ error: 'method not allowed' });
  });
}
