import type { LineConnector, LineEvent } from 'bottender';
import type { OutboundReply } from '../../inbound/message';
import type { ChannelAdapter, Log, PlatformMessage } from './adapter';
import type { ChannelSettings } from './config';
import { bottender } from './load';
import { checkLine, header } from './signatures';
import { parseJsonBody, toInbound } from './to-inbound';
import { label, options } from './to-outbound';

type Settings = NonNullable<ChannelSettings['line']>;

/** LINE takes at most 5 messages per reply or push call. */
const MAX_MESSAGES_PER_CALL = 5;

/** Quick replies as LINE quick-reply buttons with message actions: a tap sends the text back. */
function toLineMessage(reply: OutboundReply) {
  const items = options(reply, 13).map((text) => ({
    type: 'action' as const,
    action: { type: 'message' as const, label: label(text, 20), text },
  }));
  return bottender().Line.createText(reply.text, items.length > 0 ? { quickReply: { items } } : undefined);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Where to answer: the group or room the message came from, else the user. */
function conversationId(event: LineEvent): string | undefined {
  const source = event.source;
  if (!source) return undefined;
  if (source.type === 'group') return source.groupId;
  if (source.type === 'room') return source.roomId;
  return source.userId;
}

function toMessage(event: LineEvent): PlatformMessage['message'] | null {
  // Postback data (rich menus, postback buttons) is taken as what the customer said.
  const text = event.isText ? event.text : event.isPostback ? event.payload : null;
  const raw = event.rawEvent as { webhookEventId?: string };
  return toInbound({
    channel: 'line',
    customerId: conversationId(event),
    text,
    platformAt: event.timestamp,
    platformMessageId: event.message?.id ?? raw.webhookEventId,
  });
}

export function createLineAdapter(settings: Settings, log: Log): ChannelAdapter {
  const { LineClient, LineConnector } = bottender();
  const client = new LineClient({
    accessToken: settings.accessToken,
    channelSecret: settings.channelSecret,
    origin: settings.origin,
  });
  const connector = new LineConnector({ client, channelSecret: settings.channelSecret });

  async function push(to: string, replies: OutboundReply[]): Promise<void> {
    for (const batch of chunks(replies.map(toLineMessage), MAX_MESSAGES_PER_CALL)) {
      await client.push(to, batch);
    }
  }

  /** Reply (free) with the one-shot token; overflow or an expired token falls back to push. */
  async function reply(to: string, replyToken: string | null, replies: OutboundReply[]): Promise<void> {
    if (replies.length === 0) return;
    let rest = replies;
    if (replyToken) {
      const first = replies.slice(0, MAX_MESSAGES_PER_CALL);
      try {
        await client.reply(replyToken, first.map(toLineMessage));
        rest = replies.slice(first.length);
      } catch (err) {
        log({ event: 'line_reply_failed_pushing', customerId: to, error: (err as Error).message });
      }
    }
    await push(to, rest);
  }

  return {
    channel: 'line',
    verify: (req) => checkLine(req.rawBody, header(req.headers, 'x-line-signature'), settings.channelSecret),
    parse(req) {
      const body = parseJsonBody(req.rawBody);
      if (!Array.isArray(body.events)) throw new Error('LINE webhook without events');
      // bottender drops the console's "Verify" events (dummy reply tokens) here.
      const events = connector.mapRequestToEvents(body as Parameters<LineConnector['mapRequestToEvents']>[0]);
      const messages: PlatformMessage[] = [];
      for (const event of events) {
        const message = toMessage(event);
        if (message)
          messages.push({
            message,
            reply: (replies) => reply(message.customerId, event.replyToken, replies),
          });
      }
      return { messages };
    },
    push,
  };
}
