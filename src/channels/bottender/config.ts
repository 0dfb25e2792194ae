import { z } from 'zod';
import type { ChannelId } from '../../inbound/message';

/** The channels FirstReply reaches through bottender (web and api are served elsewhere). */
export const platformChannels = ['telegram', 'line', 'messenger', 'slack', 'viber', 'whatsapp'] as const;
export type PlatformChannel = (typeof platformChannels)[number] & ChannelId;

export type Origins = Partial<Record<ChannelId, string>>;

// Empty env vars count as unset, so `FOO=` in a .env file never enables or configures anything.
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const required = (envName: string, channel: string) =>
  z.string({ error: `${envName} is required when the ${channel} channel is enabled` }).min(1);

const schemas = {
  telegram: z.object({
    accessToken: required('TELEGRAM_ACCESS_TOKEN', 'telegram'),
    // Telegram signs nothing: the secret given to setWebhook is the only proof a call is Telegram's.
    secretToken: required('TELEGRAM_SECRET_TOKEN', 'telegram'),
    origin: optional,
  }),
  line: z.object({
    accessToken: required('LINE_ACCESS_TOKEN', 'line'),
    channelSecret: required('LINE_CHANNEL_SECRET', 'line'),
    origin: optional,
  }),
  messenger: z.object({
    accessToken: required('MESSENGER_ACCESS_TOKEN', 'messenger'),
    appSecret: required('MESSENGER_APP_SECRET', 'messenger'),
    verifyToken: optional,
    graphVersion: optional,
    origin: optional,
  }),
  slack: z.object({
    accessToken: required('SLACK_ACCESS_TOKEN', 'slack'),
    signingSecret: required('SLACK_SIGNING_SECRET', 'slack'),
    origin: optional,
  }),
  viber: z.object({
    accessToken: required('VIBER_ACCESS_TOKEN', 'viber'),
    sender: z.object({ name: z.string().min(1) }),
    origin: optional,
  }),
  whatsapp: z.object({
    accountSid: required('WHATSAPP_ACCOUNT_SID', 'whatsapp'),
    authToken: required('WHATSAPP_AUTH_TOKEN', 'whatsapp'),
    phoneNumber: required('WHATSAPP_PHONE_NUMBER', 'whatsapp'),
    webhookUrl: optional,
    origin: optional,
  }),
};

export type ChannelSettings = { [C in PlatformChannel]?: z.infer<(typeof schemas)[C]> };

// bottender.config.js is plain JS at the repo root (bottender's convention); load it once and validate it.
const configModule: unknown = await import(new URL('../../../bottender.config.js', import.meta.url).href);

function channelsFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const fn = (configModule as { channelsFromEnv?: unknown }).channelsFromEnv;
  if (typeof fn !== 'function') throw new Error('bottender.config.js must export channelsFromEnv(env)');
  return z.record(z.string(), z.unknown()).parse(fn(env));
}

/**
 * Settings of every channel enabled by `env`; an enabled channel with a missing secret throws here,
 * so the server never starts with an unverifiable webhook.
 */
export function loadChannelSettings(env: NodeJS.ProcessEnv, origins: Origins = {}): ChannelSettings {
  const raw = channelsFromEnv(env);
  const settings: ChannelSettings = {};
  for (const channel of platformChannels) {
    const entry = z
      .object({ enabled: z.boolean() })
      .loose()
      .parse(raw[channel] ?? { enabled: false });
    if (!entry.enabled) continue;
    const parsed = schemas[channel].safeParse(entry);
    if (!parsed.success) {
      throw new Error(
        `bottender channel ${channel}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
    const origin = origins[channel] ?? parsed.data.origin;
    Object.assign(settings, { [channel]: { ...parsed.data, origin } });
  }
  return settings;
}
