import type { WhatsappConnector } from 'bottender';
import type { OutboundReply } from '../../inbound/message';
import type { ChannelAdapter, PlatformMessage } from './adapter';
import type { ChannelSettings } from './config';
import { bottender, messagingCommon } from './load';
import { checkTwilio, header } from './signatures';
import { toInbound } from './to-inbound';
import { inOrder, textWithOptions } from './to-outbound';

type Settings = NonNullable<ChannelSettings['whatsapp']>;

/** Twilio answers webhooks with TwiML; an empty Response means "nothing to send from here". */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const whatsappAddress = (number: string) => (number.startsWith('whatsapp:') ? number : `whatsapp:${number}`);

export function createWhatsappAdapter(settings: Settings): ChannelAdapter {
  const { TwilioClient, WhatsappConnector } = bottender();
  const client = new TwilioClient({
    accountSid: settings.accountSid,
    authToken: settings.authToken,
    phoneNumber: whatsappAddress(settings.phoneNumber),
    origin: settings.origin,
  });
  // bottender puts the credentials in its default origin's URL only; a custom origin would lose them.
  client.axios.defaults.auth = { username: settings.accountSid, password: settings.authToken };
  const connector = new WhatsappConnector({ client });

  // Twilio's WhatsApp buttons need pre-approved content templates; options go in the text.
  const push = (to: string, replies: OutboundReply[]) =>
    inOrder(replies, (reply) =>
      client.createMessage({ to: whatsappAddress(to), body: textWithOptions(reply) }),
    );

  const params = (rawBody: Buffer) => new URLSearchParams(rawBody.toString('utf8'));

  return {
    channel: 'whatsapp',
    verify: (req) =>
      checkTwilio(
        settings.webhookUrl ?? req.url,
        params(req.rawBody),
        header(req.headers, 'x-twilio-signature'),
        settings.authToken,
      ),
    parse(req) {
      const body = messagingCommon().camelcaseKeysDeep(Object.fromEntries(params(req.rawBody)));
      const messages: PlatformMessage[] = [];
      for (const event of connector.mapRequestToEvents(
        body as Parameters<WhatsappConnector['mapRequestToEvents']>[0],
      )) {
        if (!event.isReceived) continue; // status callbacks (sent, delivered, read)
        const raw = event.rawEvent as { from?: string; profileName?: string; messageSid?: string };
        // Media without a caption has an empty Body and is skipped by toInbound.
        const message = toInbound({
          channel: 'whatsapp',
          customerId: raw.from,
          text: event.text,
          name: raw.profileName,
          platformMessageId: raw.messageSid,
        });
        if (message) messages.push({ message, reply: (replies) => push(message.customerId, replies) });
      }
      return { messages, answer: { status: 200, contentType: 'text/xml', body: EMPTY_TWIML } };
    },
    push,
  };
}
