import type { OutboundReply } from '../inbound/message';
import { type LiveHub, toLiveMessage } from '../live/hub';
import type { Logger } from '../shared/log';
import type { Database } from '../store/database';
import type { ConversationsTable, EventsTable } from '../store/tables';
import { insertEvent } from '../routing/routing-store';
import type { Outbox } from './outbox';

const PUSH_ONLY = new Set(['web', 'api']);

/**
 * Messages to a customer outside their own request (agent replies, queue notices): logged first,
 * then pushed to live views (widget SSE) and, for platform channels, sent through the platform API.
 */
export class Delivery {
  constructor(
    private readonly database: Database,
    private readonly hub: LiveHub,
    private readonly platform: Outbox | undefined,
    private readonly log: Logger,
  ) {}

  async deliver(
    chat: Pick<ConversationsTable, 'id' | 'customer_key' | 'channel'>,
    reply: OutboundReply,
    meta: { type: 'agent.replied' | 'customer.notified'; agentId: string | null; at: number },
  ): Promise<Omit<EventsTable, 'seq'>> {
    const event = await insertEvent(
      this.database.db,
      chat,
      meta.type,
      meta.at,
      meta.agentId,
      {
        kind: reply.kind,
        ...(reply.templateId ? { template: reply.templateId } : {}),
        ...(reply.quickReplies ? { quickReplies: reply.quickReplies } : {}),
      },
      reply.text,
    );
    this.hub.publish(toLiveMessage(event));
    if (!PUSH_ONLY.has(chat.channel)) {
      const externalId = chat.customer_key.slice(chat.channel.length + 1);
      try {
        if (!this.platform) throw new Error(`channel ${chat.channel} is not enabled`);
        await this.platform.send(chat.channel as Parameters<Outbox['send']>[0], externalId, [reply]);
      } catch (e) {
        this.log.error('delivery failed', { conversationId: chat.id, channel: chat.channel, err: String(e) });
        await insertEvent(this.database.db, chat, 'delivery.failed', Date.now(), meta.agentId, {
          eventId: event.id,
          error: String(e),
        });
      }
    }
    return event;
  }
}
