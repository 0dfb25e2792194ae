import { Router } from 'express';
import { z } from 'zod';
import { HttpError, parseWith } from '../../http/errors';
import { readJsonBody } from '../../http/json-body';
import { type LiveHub, toLiveMessage } from '../../live/hub';
import type { ConversationStore } from '../../store/conversation-store';
import type { VisitorTokens } from './visitor-token';

const sessionSchema = z.strictObject({
  customerId: z.string().max(128).optional(),
  token: z.string().max(200).optional(),
});
const visitorQuery = z.object({ customerId: z.string().min(1).max(128), token: z.string().min(1).max(200) });

const VISIBLE = new Set(['message.received', 'bot.replied', 'agent.replied', 'customer.notified']);

/** Widget endpoints: a visitor session, the current conversation's history, and a live stream (SSE). */
export function widgetRoutes(store: ConversationStore, hub: LiveHub, tokens: VisitorTokens): Router {
  const router = Router();

  router.post('/api/widget/session', async (req, res) => {
    const body = parseWith(sessionSchema, await readJsonBody(req));
    if (body.customerId && tokens.verify(body.customerId, body.token)) {
      return void res.json({ customerId: body.customerId, token: body.token });
    }
    res.json(tokens.issue());
  });

  const visitor = (query: unknown) => {
    const q = parseWith(visitorQuery, query, 'query');
    if (!tokens.verify(q.customerId, q.token))
      throw new HttpError(401, 'invalid_token', 'token: not valid for this customerId');
    return `web:${q.customerId}`;
  };

  router.get('/api/widget/history', async (req, res) => {
    const key = visitor(req.query);
    const { conversation } = await store.load(key);
    const events = conversation ? await store.history(conversation.id) : [];
    res.json({
      conversationId: conversation?.id ?? null,
      status: conversation?.status ?? null,
      messages: events.filter((e) => VISIBLE.has(e.type)).map(toLiveMessage),
    });
  });

  router.get('/api/widget/stream', (req, res) => {
    const key = visitor(req.query);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const unsubscribe = hub.subscribe(key, (m) => {
      if (VISIBLE.has(m.type)) res.write(`id: ${m.id}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`);
    });
    // Proxies close idle connections; a comment every 25 s keeps the stream open.
    const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
    req.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  });

  return router;
}
