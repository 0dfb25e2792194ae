import { z } from 'zod';

/** Channels FirstReply speaks. `web` is the widget and the generic HTTP API; the rest go through bottender. */
export const channelIds = [
  'web',
  'api',
  'telegram',
  'line',
  'messenger',
  'slack',
  'viber',
  'whatsapp',
] as const;
export type ChannelId = (typeof channelIds)[number];

export const MAX_TEXT_LENGTH = 4000;

/** A customer message as every channel hands it to the pipeline. */
export interface InboundMessage {
  channel: ChannelId;
  /** The customer's id on that channel (Telegram chat id, LINE userId, widget visitor id…). */
  customerId: string;
  text: string;
  name?: string;
  locale?: string;
  /** When the platform says the message was sent (ms since epoch), where the channel gives it. */
  platformAt?: number;
  /** The platform's own message id, kept for de-duplication and audits. */
  platformMessageId?: string;
}

export type ReplyKind = 'greeting' | 'template' | 'handoff' | 'away' | 'queue' | 'agent';

/** What the bot (or later an agent) says back; channels turn it into their own payloads. */
export interface OutboundReply {
  kind: ReplyKind;
  text: string;
  /** Short answers a channel may show as buttons (Telegram keyboard, LINE quick reply…). */
  quickReplies?: string[];
  /** The template it came from, for logs and explanations. */
  templateId?: string;
  /** Its event id in the log: live views (SSE) carry the same id, so a client shows it once. */
  id?: string;
}

export interface HandledMessage {
  conversationId: string;
  intent: string | null;
  score: number;
  replies: OutboundReply[];
  /** The event id of the customer's message in the log (as on the live stream); absent for a duplicate. */
  messageId?: string;
  /** True once the conversation waits for a human. */
  handoff: boolean;
  throttled: boolean;
  /** The platform delivered this message before: nothing was done again. */
  duplicate?: boolean;
}

/** The single entry every channel calls; implemented by src/inbound/handle-message.ts. */
export type HandleMessage = (message: InboundMessage) => Promise<HandledMessage>;

export const inboundTextSchema = z
  .string({ error: 'text must be a string' })
  .refine((t) => t.trim().length > 0, 'text must not be empty')
  .refine((t) => t.length <= MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`);
