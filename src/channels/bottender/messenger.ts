import type { MessengerEvent, MessengerTypes } from 'bottender';
import type { OutboundReply } from '../../inbound/message';
import type { ChannelAdapter, PlatformMessage } from './adapter';
import type { ChannelSettings } from './config';
import { bottender } from './load';
import { checkMessenger, header, safeEqual } from './signatures';
import { parseJsonBody, toInbound } from './to-inbound';
import { inOrder, label, options } from './to-outbound';

type Settings = NonNullable<ChannelSettings['messenger']>;
type RawEvent = ConstructorParameters<typeof MessengerEvent>[0];

/** Quick replies as Messenger quick_replies; the payload is the text itself. */
function quickReplies(reply: OutboundReply) {
  const list = options(reply, 13).map((text) => ({
    contentType: 'text' as const,
    title: label(text, 20),
    payload: text,
  }));
  return list.length > 0 ? list : undefined;
}

function toMessage(event: MessengerEvent): PlatformMessage['message'] | null {
  if (event.isEcho) return null; // our own page's messages come back as echoes
  // A tapped quick reply arrives as its title in message.text; a postback (menu, button) as its payload.
  const text = event.isText ? event.text : event.isPostback ? event.payload : null;
  const raw = event.rawEvent as { sender?: { id?: string }; postback?: { mid?: string } };
  return toInbound({
    channel: 'messenger',
    customerId: raw.sender?.id,
    text,
    platformAt: event.timestamp,
    platformMessageId: event.message?.mid ?? raw.postback?.mid,
  });
}

/**
 * Every `messaging` event of every entry, in order. bottender's MessengerConnector keeps only
 * `entry.messaging[0]`, which would drop batched messages.
 */
function rawEvents(body: Record<string, unknown>): Array<{ event: RawEvent; pageId: string | null }> {
  if (body.object !== 'page' || !Array.isArray(body.entry)) throw new Error('not a Messenger page webhook');
  const out: Array<{ event: RawEvent; pageId: string | null }> = [];
  for (const entry of body.entry as Array<{ id?: string; messaging?: RawEvent[] }>) {
    // `standby` entries belong to another app that owns the thread (handover protocol): not ours to answer.
    for (const event of entry.messaging ?? []) out.push({ event, pageId: entry.id ?? null });
  }
  return out;
}

export function createMessengerAdapter(settings: Settings): ChannelAdapter {
  const { MessengerClient, MessengerEvent } = bottender();
  const client = new MessengerClient({
    accessToken: settings.accessToken,
    appSecret: settings.appSecret,
    origin: settings.origin,
    ...(settings.graphVersion ? { version: settings.graphVersion } : {}),
  });

  const send = (psid: string, replies: OutboundReply[], messagingType: MessengerTypes.MessagingType) =>
    inOrder(replies, (reply) =>
      client.sendText(psid, reply.text, { messagingType, quickReplies: quickReplies(reply) }),
    );

  return {
    channel: 'messenger',
    verify: (req) =>
      checkMessenger(req.rawBody, header(req.headers, 'x-hub-signature-256'), settings.appSecret),
    handshake(req) {
      const { query } = req;
      const token = typeof query['hub.verify_token'] === 'string' ? query['hub.verify_token'] : '';
      const ok =
        query['hub.mode'] === 'subscribe' &&
        settings.verifyToken !== undefined &&
        safeEqual(token, settings.verifyToken);
      return ok
        ? { status: 200, contentType: 'text/plain', body: String(query['hub.challenge'] ?? '') }
        : { status: 403, contentType: 'text/plain', body: 'Forbidden' };
    },
    parse(req) {
      const messages: PlatformMessage[] = [];
      for (const { event, pageId } of rawEvents(parseJsonBody(req.rawBody))) {
        const message = toMessage(new MessengerEvent(event, { pageId }));
        if (message)
          messages.push({ message, reply: (replies) => send(message.customerId, replies, 'RESPONSE') });
      }
      return { messages, answer: { status: 200, contentType: 'text/plain', body: 'EVENT_RECEIVED' } };
    },
    push: (psid, replies) => send(psid, replies, 'UPDATE'),
  };
}
