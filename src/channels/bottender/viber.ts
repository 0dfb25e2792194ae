import type { ViberConnector } from 'bottender';
import type { OutboundReply } from '../../inbound/message';
import type { ChannelAdapter, PlatformMessage } from './adapter';
import type { ChannelSettings } from './config';
import { bottender } from './load';
import { checkViber, header } from './signatures';
import { parseJsonBody, toInbound } from './to-inbound';
import { inOrder, options } from './to-outbound';

type Settings = NonNullable<ChannelSettings['viber']>;

/** Quick replies as a Viber keyboard of `reply` buttons: a tap sends the text back as a message. */
function keyboardOptions(reply: OutboundReply) {
  const buttons = options(reply, 24).map((text) => ({
    actionType: 'reply' as const,
    actionBody: text,
    text,
  }));
  return buttons.length > 0
    ? { keyboard: { type: 'keyboard' as const, defaultHeight: false, buttons } }
    : undefined;
}

/**
 * Viber's message_token is a 64-bit integer that JSON.parse rounds; read its digits from the raw body
 * so the id kept for de-duplication is exact.
 */
function messageToken(rawBody: Buffer): string | undefined {
  return /"message_token"\s*:\s*(\d+)/.exec(rawBody.toString('utf8'))?.[1];
}

export function createViberAdapter(settings: Settings): ChannelAdapter {
  const { ViberClient, ViberConnector } = bottender();
  const client = new ViberClient({
    accessToken: settings.accessToken,
    sender: settings.sender, // Viber refuses send_message without a sender name
    origin: settings.origin,
  });
  const connector = new ViberConnector({ client });

  const push = (userId: string, replies: OutboundReply[]) =>
    inOrder(replies, (reply) => client.sendText(userId, reply.text, keyboardOptions(reply)));

  return {
    channel: 'viber',
    verify: (req) =>
      checkViber(req.rawBody, header(req.headers, 'x-viber-content-signature'), settings.accessToken),
    parse(req) {
      const body = parseJsonBody(req.rawBody);
      const messages: PlatformMessage[] = [];
      // `webhook`, `subscribed`, `conversation_started`, delivery receipts and non-text messages: nothing to answer.
      for (const event of connector.mapRequestToEvents(
        body as Parameters<ViberConnector['mapRequestToEvents']>[0],
      )) {
        if (!event.isText) continue;
        const raw = event.rawEvent as { sender?: { id?: string; name?: string } };
        const message = toInbound({
          channel: 'viber',
          customerId: raw.sender?.id,
          text: event.text,
          name: raw.sender?.name,
          platformAt: event.timestamp,
          platformMessageId: messageToken(req.rawBody),
        });
        if (message) messages.push({ message, reply: (replies) => push(message.customerId, replies) });
      }
      return { messages };
    },
    push,
  };
}
