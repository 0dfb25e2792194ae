import type { IncomingHttpHeaders } from 'node:http';
import type { InboundMessage, OutboundReply } from '../../inbound/message';
import type { PlatformChannel } from './config';
import type { Refusal } from './signatures';

/** What a channel adapter sees of a webhook call; the body stays raw so signatures can be checked. */
export interface WebhookRequest {
  method: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  query: Record<string, unknown>;
  /** Absolute URL as the platform called it (Twilio signs it). */
  url: string;
}

/** One customer message from a webhook, with the way to answer it in place (LINE reply token…). */
export interface PlatformMessage {
  message: InboundMessage;
  reply(replies: OutboundReply[]): Promise<void>;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface ParsedWebhook {
  /** In the order the platform sent them; processed one after another. */
  messages: PlatformMessage[];
  /** What the platform expects back (Slack's challenge, Twilio's TwiML); default 200 `OK`. */
  answer?: HttpAnswer;
}

export type Log = (event: Record<string, unknown>) => void;

/** One platform behind bottender: verify, parse, answer and push. */
export interface ChannelAdapter {
  readonly channel: PlatformChannel;
  /** null when the request is authentic. */
  verify(req: WebhookRequest): Refusal | null;
  /** Only called after verify; throws on a malformed payload (answered 400). */
  parse(req: WebhookRequest): ParsedWebhook;
  /** GET handshake (Messenger's hub.challenge); channels without one answer 405. */
  handshake?(req: WebhookRequest): HttpAnswer;
  /** Sends replies outside a webhook (agents' answers). */
  push(customerId: string, replies: OutboundReply[]): Promise<void>;
}
