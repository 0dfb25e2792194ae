import { z } from 'zod';

/** Intent and reply files are data; these schemas are the single definition of their format. */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are kebab-case: lowercase letters, digits and dashes');
const keyword = z.string().trim().min(1, 'a keyword must not be empty').max(100);
const keywordList = z.array(keyword).min(1, 'list at least one keyword');

/** One way to recognise an intent: any one of `any`, or one word from every group of `all`; never with `none`. */
export const ruleSchema = z
  .strictObject({
    any: keywordList.optional(),
    all: z.array(keywordList).min(1).optional(),
    none: keywordList.optional(),
    /** How sure a hit of this rule makes us (0–1); weaker rules need more of the message to match. */
    weight: z.number().min(0.1).max(1).default(1),
  })
  .refine((r) => r.any || r.all, { message: 'a rule needs `any` or `all`' });

export const tierIds = ['urgent', 'general', 'complex'] as const;

export const intentSchema = z.strictObject({
  id,
  description: z.string().optional(),
  /** What the bot does on a confident match: answer with `reply`, or hand off to a human. */
  action: z.enum(['reply', 'handoff']).default('reply'),
  /** Reply template id; defaults to the intent id for `reply` intents. */
  reply: id.optional(),
  /** Small talk (greetings, presence, thanks) counts as filler when a real question stands beside it. */
  smalltalk: z.boolean().default(false),
  /** Higher wins when two intents match equally; equal priorities may not share a keyword. */
  priority: z.number().int().min(0).max(100).default(50),
  /** Routing tier hint for the hand-off that follows. */
  tier: z.string().default('general'),
  /** Agent group that should take the hand-off (e.g. after-sales); absent → the default group. */
  group: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .optional(),
  rules: z.array(ruleSchema).min(1, 'an intent needs at least one rule'),
  /** Words that veto the whole intent (e.g. "不" in front of a question it would answer wrongly). */
  none: keywordList.optional(),
  /** Example sentences for example-based matching and for tests of the pack. */
  examples: z.array(z.string().min(1)).default([]),
});
export type Intent = z.infer<typeof intentSchema>;
export type IntentRule = z.infer<typeof ruleSchema>;

/** Template variables the renderer knows; anything else in {{…}} is a validation error. */
export const templateVariables = [
  'shop',
  'customer',
  'agent',
  'queuePosition',
  'waitMinutes',
  'backAt',
  'hours',
] as const;
export type TemplateVariable = (typeof templateVariables)[number];

const variantList = z.array(z.string().trim().min(1).max(2000)).min(1, 'give at least one variant');
export const localeSchema = z.string().regex(/^[a-z]{2}(-[A-Za-z]{2,4})?$/, 'a locale like zh or en');

export const replySchema = z.strictObject({
  id,
  description: z.string().optional(),
  /** Per locale, one or more variants sent in turn. */
  text: z
    .record(localeSchema, variantList)
    .refine((t) => Object.keys(t).length > 0, 'give at least one locale'),
  quickReplies: z.record(localeSchema, z.array(z.string().trim().min(1).max(40)).max(10)).optional(),
});
export type ReplyTemplate = z.infer<typeof replySchema>;
