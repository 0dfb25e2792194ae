import { type ChannelId, type InboundMessage, MAX_TEXT_LENGTH } from '../../inbound/message';
import { messagingCommon } from './load';

interface InboundFields {
  channel: ChannelId;
  customerId: string | number | null | undefined;
  text: string | null | undefined;
  name?: string | null | undefined;
  platformAt?: number | null | undefined;
  platformMessageId?: string | number | null | undefined;
}

/**
 * Builds the pipeline's message from platform fields, or null when there is nothing to answer
 * (no sender, empty text). Over-long text is cut to the contract's limit rather than refused:
 * a refused webhook would be retried by the platform forever.
 */
export function toInbound(fields: InboundFields): InboundMessage | null {
  const { channel, customerId, text } = fields;
  if (customerId == null || `${customerId}` === '') return null;
  if (typeof text !== 'string' || text.trim() === '') return null;
  const message: InboundMessage = {
    channel,
    customerId: `${customerId}`,
    text: text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text,
  };
  const name = fields.name?.trim();
  if (name) message.name = name;
  if (typeof fields.platformAt === 'number' && Number.isFinite(fields.platformAt)) {
    message.platformAt = fields.platformAt;
  }
  if (fields.platformMessageId != null && `${fields.platformMessageId}` !== '') {
    message.platformMessageId = `${fields.platformMessageId}`;
  }
  return message;
}

/** Parses a JSON body the way bottender's Bot does before building its events (camelCased keys). */
export function parseJsonBody(rawBody: Buffer): Record<string, unknown> {
  const body: unknown = JSON.parse(rawBody.toString('utf8'));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new Error('webhook body must be a JSON object');
  }
  return messagingCommon().camelcaseKeysDeep(body as Record<string, unknown>);
}
