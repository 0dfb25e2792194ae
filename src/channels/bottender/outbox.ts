import type { ChannelId } from '../../inbound/message';
import type { Outbox } from '../outbox';
import type { ChannelAdapter, Log } from './adapter';
import { type ChannelSettings, loadChannelSettings, type Origins } from './config';
import { createLineAdapter } from './line';
import { createMessengerAdapter } from './messenger';
import { createSlackAdapter } from './slack';
import { createTelegramAdapter } from './telegram';
import { createViberAdapter } from './viber';
import { createWhatsappAdapter } from './whatsapp';

export interface PlatformOptions {
  env?: NodeJS.ProcessEnv;
  origins?: Origins;
  log?: (event: Record<string, unknown>) => void;
}

export const defaultLog: Log = (event) => console.warn(JSON.stringify({ source: 'channels', ...event }));

/** One adapter per enabled channel, in a fixed order. */
export function createAdapters(settings: ChannelSettings, log: Log): ChannelAdapter[] {
  const adapters: ChannelAdapter[] = [];
  if (settings.telegram) adapters.push(createTelegramAdapter(settings.telegram, log));
  if (settings.line) adapters.push(createLineAdapter(settings.line, log));
  if (settings.messenger) adapters.push(createMessengerAdapter(settings.messenger));
  if (settings.slack) adapters.push(createSlackAdapter(settings.slack));
  if (settings.viber) adapters.push(createViberAdapter(settings.viber));
  if (settings.whatsapp) adapters.push(createWhatsappAdapter(settings.whatsapp));
  return adapters;
}

/**
 * Pushes replies to a customer outside a webhook (agents' answers, queue updates) through the
 * platform's API. Throws for a channel that is not enabled here, and when the platform refuses.
 */
export function createPlatformOutbox(options: PlatformOptions = {}): Outbox {
  const settings = loadChannelSettings(options.env ?? process.env, options.origins);
  const adapters = new Map<ChannelId, ChannelAdapter>(
    createAdapters(settings, options.log ?? defaultLog).map((a) => [a.channel, a]),
  );
  return {
    async send(channel, customerId, replies) {
      const adapter = adapters.get(channel);
      if (!adapter) throw new Error(`channel ${channel} is not enabled for platform push`);
      if (replies.length > 0) await adapter.push(customerId, replies);
    },
  };
}
