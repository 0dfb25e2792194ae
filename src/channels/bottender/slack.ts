import type { SlackConnector } from 'bottender';
import type { OutboundReply } from '../../inbound/message';
import type { ChannelAdapter, PlatformMessage } from './adapter';
import type { ChannelSettings } from './config';
import { bottender } from './load';
import { checkSlack, header } from './signatures';
import { parseJsonBody, toInbound } from './to-inbound';
import { inOrder, textWithOptions } from './to-outbound';

type Settings = NonNullable<ChannelSettings['slack']>;

interface SlackMessageEvent {
  type?: string;
  subtype?: string;
  botId?: string;
  channel?: string;
  user?: string;
  text?: string;
  ts?: string;
  clientMsgId?: string;
}

/** Slack escapes &, < and > in message text (https://api.slack.com/reference/surfaces/formatting#escaping). */
const unescapeText = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function toMessage(raw: SlackMessageEvent): PlatformMessage['message'] | null {
  // Edits, deletions, joins and bot posts (ours included) carry a subtype or bot id: not customer words.
  if (raw.type !== 'message' || raw.subtype || raw.botId || !raw.user) return null;
  return toInbound({
    channel: 'slack',
    customerId: raw.channel, // replies and later pushes go to the conversation (a DM: D…)
    text: raw.text === undefined ? undefined : unescapeText(raw.text),
    platformAt: raw.ts ? Math.round(Number.parseFloat(raw.ts) * 1000) : undefined,
    platformMessageId: raw.clientMsgId ?? raw.ts,
  });
}

export function createSlackAdapter(settings: Settings): ChannelAdapter {
  const { SlackConnector, SlackOAuthClient } = bottender();
  const client = new SlackOAuthClient({ accessToken: settings.accessToken, origin: settings.origin });
  const connector = new SlackConnector({ client, signingSecret: settings.signingSecret });

  // Slack has buttons only through Block Kit + an interactivity endpoint; options go in the text for now.
  const push = (channel: string, replies: OutboundReply[]) =>
    inOrder(replies, (reply) =>
      client.chat.postMessage({ channel, text: escapeText(textWithOptions(reply)) }),
    );

  return {
    channel: 'slack',
    verify: (req) =>
      checkSlack(
        req.rawBody,
        header(req.headers, 'x-slack-signature'),
        header(req.headers, 'x-slack-request-timestamp'),
        settings.signingSecret,
      ),
    parse(req) {
      const body = parseJsonBody(req.rawBody);
      if (body.type === 'url_verification') {
        return {
          messages: [],
          answer: { status: 200, contentType: 'text/plain', body: String(body.challenge ?? '') },
        };
      }
      if (body.type !== 'event_callback') return { messages: [] };
      // Slack retries (X-Slack-Retry-Num) are processed again; the pipeline de-duplicates by message id.
      const messages: PlatformMessage[] = [];
      const events = connector.mapRequestToEvents(
        body as Parameters<SlackConnector['mapRequestToEvents']>[0],
      );
      for (const event of events) {
        const message = toMessage(event.rawEvent as SlackMessageEvent);
        if (message) messages.push({ message, reply: (replies) => push(message.customerId, replies) });
      }
      return { messages };
    },
    push,
  };
}
