import type { OutboundReply } from '../../inbound/message';

/** Cuts a button label to a platform's limit (LINE and Messenger: 20 characters). */
export function label(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Quick replies that fit a platform's button count. */
export function options(reply: OutboundReply, max: number): string[] {
  return (reply.quickReplies ?? []).filter((q) => q.trim() !== '').slice(0, max);
}

/** For platforms without buttons here (Slack, WhatsApp via Twilio): the options as a short list. */
export function textWithOptions(reply: OutboundReply): string {
  const list = options(reply, 13);
  return list.length === 0 ? reply.text : `${reply.text}\n\n${list.map((q) => `• ${q}`).join('\n')}`;
}

/** Sends replies one after another: their order is the conversation's order. */
export async function inOrder<T>(items: T[], send: (item: T) => Promise<unknown>): Promise<void> {
  for (const item of items) await send(item);
}
