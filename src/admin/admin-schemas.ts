import { z } from 'zod';
import type { BotConfig } from '../bot-config/bot-config';
import { calendarSchema } from '../calendar/business-hours';
import { intentSchema, localeSchema, replySchema } from '../content/schemas';
import { groupPolicySchema, routingConfigSchema, tierSchema } from '../routing/routing-config';
import { alertThresholdsSchema, shopSettingsSchema, spamRulesSchema } from '../shop/settings';

/**
 * Request bodies and queries of the admin API: every one strict (an unknown field is refused, never
 * ignored). The OpenAPI document at /api/docs is generated from these same schemas.
 *
 * Every edit names the configuration version it was based on (`baseVersion`): if another change was
 * published since, the edit is refused with 409 and the admin reloads — nobody's change is lost.
 */

export const MAX_CSV = 2 * 1024 * 1024;

const baseVersion = z.number({ error: 'give the version your edit is based on' }).int().min(1);
const summary = z.string().trim().max(200).optional();
const edit = { baseVersion, summary };
const idParam = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case: lowercase letters, digits and dashes')
  .max(64);

export const idParams = z.strictObject({ id: idParam });
export const versionParams = z.strictObject({ version: z.coerce.number().int().min(1) });

/** DELETE carries no body: the base version goes in the query. */
export const deleteQuery = z.strictObject({
  baseVersion: z.coerce.number({ error: 'give the version your edit is based on' }).int().min(1),
});
export const emptyQuery = z.strictObject({});

export const putIntentBody = z.strictObject({ ...edit, intent: intentSchema });
export const putReplyBody = z.strictObject({ ...edit, reply: replySchema });
export const putTierBody = z.strictObject({ ...edit, tier: tierSchema });
export const putGroupBody = z.strictObject({ ...edit, group: groupPolicySchema });
export const putRoutingBody = z.strictObject({ ...edit, routing: routingConfigSchema });
export const putHoursBody = z.strictObject({
  ...edit,
  /** The shop's weekly hours, holidays and exception dates. */
  calendar: calendarSchema,
  /** Hours of agent groups that keep other hours than the shop (absent: unchanged). */
  groupCalendars: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), calendarSchema).optional(),
});
const shop = shopSettingsSchema.shape;
export const putGreetingBody = z.strictObject({
  ...edit,
  greeting: shop.greeting.unwrap(),
  away: shop.away.unwrap().optional(),
  handoffNoticeMinutes: z.number().min(0).optional(),
});
export const putSpamBody = z.strictObject({ ...edit, spam: spamRulesSchema });
export const putAlertsBody = z.strictObject({ ...edit, alerts: alertThresholdsSchema });
export const putShopBody = z.strictObject({ ...edit, shop: shopSettingsSchema });
/**
 * A whole configuration document inside a body. The route only checks that it is an object: the
 * document is validated once, as a whole, by `validateBotConfig` (zod `botConfigSchema` plus the
 * cross-file checks) — parsing a 10 000-rule document twice would cost a few hundred ms of a
 * publish. Its problems answer 422 with configuration paths. Documented as `BotConfig`.
 */
export const configDocument = z.custom<BotConfig>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'give the configuration document as an object (see BotConfig)',
);

export const putConfigBody = z.strictObject({ ...edit, document: configDocument });
export const validateConfigBody = z.strictObject({ document: configDocument });
export const restoreBody = z.strictObject({ baseVersion });

export const versionsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export const diffQuery = z.strictObject({
  /** Compare with this version (default: the one before). */
  against: z.coerce.number().int().min(1).optional(),
});
export const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().min(1).optional(),
  /** Only actions starting with this, e.g. `config.` or `auth.`. */
  action: z.string().max(64).optional(),
});

const csv = z.string().min(1, 'the labelled file is empty').max(MAX_CSV, `at most ${MAX_CSV} characters`);

export const tryBody = z
  .strictObject({
    /** The customer message to try (optional when only `csv` is evaluated). */
    text: z.string().trim().min(1, 'type a message to try').max(4000).optional(),
    locale: localeSchema.optional(),
    channel: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .max(32)
      .default('web'),
    vip: z.boolean().default(false),
    /** As a customer already greeted today (no greeting in front of the answer). */
    returning: z.boolean().default(false),
    /** An unpublished configuration to compare with the live one: "what changes if I publish this?" */
    draft: configDocument.optional(),
    /** A labelled file (CSV with a header `text,intent`) to evaluate live and draft against. */
    csv: csv.optional(),
  })
  .refine((b) => b.text !== undefined || b.csv !== undefined, {
    path: ['text'],
    message: 'give a text to try, a csv to evaluate, or both',
  });

export const suggestBody = z.strictObject({
  csv,
  /** Suggest against this draft instead of the live configuration. */
  draft: configDocument.optional(),
  perIntent: z.number().int().min(1).max(50).default(10),
  minSupport: z.number().int().min(1).max(1000).default(2),
  minPrecision: z.number().min(0).max(1).default(0.7),
});

export const acceptBody = z.strictObject({
  /** Start from this draft (default: the live configuration). */
  draft: configDocument.optional(),
  /** Keywords to add, per intent id: each intent gets one new `any` rule with them. */
  accept: z.record(idParam, z.array(z.string().trim().min(1).max(100)).min(1).max(100)),
});
