import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { calendarSchema } from '../calendar/business-hours';
import { ContentError } from '../content/content-error';
import { localeSchema } from '../content/schemas';

/** Everything about the shop the bot needs besides intents and replies. Defaults make a working demo. */
export const shopSettingsSchema = z.strictObject({
  name: z.string().min(1).max(100).default('FirstReply Demo Shop'),
  defaultLocale: localeSchema.default('zh'),
  calendar: calendarSchema.default(calendarSchema.parse({})),
  /** Calendars of agent groups that keep other hours than the shop. */
  groupCalendars: z.record(z.string(), calendarSchema).default({}),
  greeting: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** No greeting while the conversation had any message this recently: it would interrupt. */
      quietAfterActivityMinutes: z.number().min(0).default(30),
    })
    .default({ enabled: true, quietAfterActivityMinutes: 30 }),
  away: z
    .strictObject({
      /** No away message when an agent answered this recently (they are still around). */
      quietAfterAgentMinutes: z.number().min(0).default(10),
    })
    .default({ quietAfterAgentMinutes: 10 }),
  /** A customer's next message after this much silence starts a new conversation. */
  conversationIdleMinutes: z.number().min(1).default(240),
  /** The hand-off message is not repeated within this time while the customer waits. */
  handoffNoticeMinutes: z.number().min(0).default(5),
  matcher: z
    .strictObject({
      threshold: z.number().min(0).max(1).default(0.7),
      ambiguityMargin: z.number().min(0).max(1).default(0.15),
    })
    .default({ threshold: 0.7, ambiguityMargin: 0.15 }),
  /** More messages than this from one customer within a second are logged but not answered. */
  throttle: z
    .strictObject({ messagesPerSecond: z.number().min(1).default(5), burst: z.number().min(1).default(10) })
    .default({ messagesPerSecond: 5, burst: 10 }),
});
export type ShopSettings = z.infer<typeof shopSettingsSchema>;

export const defaultShopSettings = (): ShopSettings => shopSettingsSchema.parse({});

/** Reads a settings file (YAML or JSON); a bad file fails start-up naming the field. */
export function loadShopSettings(file: string | undefined): ShopSettings {
  if (!file) return defaultShopSettings();
  const result = shopSettingsSchema.safeParse(parse(readFileSync(file, 'utf8')) ?? {});
  if (result.success) return result.data;
  throw new ContentError(result.error.issues.map((i) => ({ file, path: i.path.join('.'), message: i.message })));
}
