import type { ChannelId, OutboundReply } from '../inbound/message';

/**
 * Sends messages to a customer outside a webhook's own request (agent replies, queue updates).
 * Web chat pushes over SSE; platform channels call the platform's API through bottender's clients.
 */
export interface Outbox {
  send(channel: ChannelId, customerId: string, replies: OutboundReply[]): Promise<void>;
}
