import type { TelegramConnector, TelegramEvent, TelegramTypes } from 'bottender';
import type { OutboundReply } from '../../inbound/message';
import type { ChannelAdapter, Log, PlatformMessage } from './adapter';
import type { ChannelSettings } from './config';
import { bottender } from './load';
import { checkTelegram, header } from './signatures';
import { parseJsonBody, toInbound } from './to-inbound';
import { inOrder, options } from './to-outbound';

type Settings = NonNullable<ChannelSettings['telegram']>;

/** Quick replies as a one-time reply keyboard: a tap sends the label back as a plain text message. */
function sendOptions(reply: OutboundReply): TelegramTypes.SendMessageOption | undefined {
  const buttons = options(reply, 12);
  if (buttons.length === 0) return undefined;
  return {
    replyMarkup: {
      keyboard: buttons.map((text) => [{ text }]),
      resizeKeyboard: true,
      oneTimeKeyboard: true,
    },
  };
}

function fullName(user: TelegramTypes.User | undefined): string | undefined {
  if (!user) return undefined;
  return [user.firstName, user.lastName].filter(Boolean).join(' ') || user.username;
}

function toMessage(event: TelegramEvent): PlatformMessage['message'] | null {
  const message = event.message;
  if (event.isText && message && !message.from?.isBot) {
    return toInbound({
      channel: 'telegram',
      customerId: message.chat.id,
      text: event.text,
      name: fullName(message.from),
      platformAt: event.timestamp,
      platformMessageId: message.messageId,
    });
  }
  const query = event.callbackQuery;
  if (query) {
    // An inline button's data; our own keyboards send plain text instead.
    return toInbound({
      channel: 'telegram',
      customerId: query.message?.chat.id ?? query.from.id,
      text: query.data,
      name: fullName(query.from),
      platformMessageId: query.id,
    });
  }
  return null; // stickers, photos, edits, channel posts…: nothing to answer
}

export function createTelegramAdapter(settings: Settings, log: Log): ChannelAdapter {
  const { TelegramClient, TelegramConnector } = bottender();
  const client = new TelegramClient({ accessToken: settings.accessToken, origin: settings.origin });
  const connector = new TelegramConnector({ client });

  const push = (chatId: string, replies: OutboundReply[]) =>
    inOrder(replies, (reply) => client.sendMessage(chatId, reply.text, sendOptions(reply)));

  return {
    channel: 'telegram',
    // Without TELEGRAM_SECRET_TOKEN Telegram sends no secret, so there is nothing to check (warned at mount).
    verify: (req) =>
      settings.secretToken
        ? checkTelegram(header(req.headers, 'x-telegram-bot-api-secret-token'), settings.secretToken)
        : null,
    parse(req) {
      const body = parseJsonBody(req.rawBody);
      const events = connector.mapRequestToEvents(
        body as Parameters<TelegramConnector['mapRequestToEvents']>[0],
      );
      const messages: PlatformMessage[] = [];
      for (const event of events) {
        const message = toMessage(event);
        if (!message) continue;
        const queryId = event.callbackQuery?.id;
        messages.push({
          message,
          async reply(replies) {
            // Stops the button's spinner; cosmetic, so a failure must not block the answer.
            if (queryId) {
              await client.answerCallbackQuery(queryId, {}).catch((err: unknown) => {
                log({ event: 'telegram_answer_callback_failed', error: (err as Error).message });
              });
            }
            await push(message.customerId, replies);
          },
        });
      }
      return { messages };
    },
    push,
  };
}
