import { z } from 'zod';
import type { ContentIssue } from '../content/content-error';
import { intentSchema, replySchema } from '../content/schemas';
import { validatePack } from '../content/validate-content';
import { routingConfigSchema } from '../routing/routing-config';
import { shopSettingsSchema } from '../shop/settings';

/**
 * Everything admins edit, as one versioned document: what the bot recognises (intents), what it
 * says (replies), the shop (name, hours, greeting…) and the routing rules. Every accepted change is
 * a new version of the whole document, so any version can be shown, compared and restored.
 */
export const botConfigSchema = z.strictObject({
  shop: shopSettingsSchema,
  intents: z.array(intentSchema),
  replies: z.array(replySchema),
  routing: routingConfigSchema,
});
export type BotConfig = z.infer<typeof botConfigSchema>;

export interface ConfigIssue {
  /** Path inside the document, e.g. intents.3.rules.0.any.2 */
  path: string;
  message: string;
}

/** Every problem of a document: field errors first; cross-references once the fields are valid. */
export function validateBotConfig(input: unknown): { config?: BotConfig; issues: ConfigIssue[] } {
  const parsed = botConfigSchema.safeParse(input);
  if (!parsed.success) {
    return { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  }
  const config = parsed.data;
  const issues: ConfigIssue[] = [];
  // Index positions once: a lookup per issue over 10 000 intents would be quadratic.
  const firstIndex = (list: { id: string }[]) => {
    const m = new Map<string, number>();
    list.forEach((x, i) => {
      if (!m.has(x.id)) m.set(x.id, i);
    });
    return m;
  };
  const index = { intent: firstIndex(config.intents), reply: firstIndex(config.replies) };
  const where = (kind: 'intent' | 'reply', id: string) =>
    `${kind === 'intent' ? 'intents' : 'replies'}.${index[kind].get(id) ?? -1}`;
  for (const i of validatePack(config, where)) issues.push(toConfigIssue(i));
  const tiers = new Set(config.routing.tiers.map((t) => t.id));
  config.intents.forEach((intent, n) => {
    if (!tiers.has(intent.tier))
      issues.push({
        path: `intents.${n}.tier`,
        message: `tier "${intent.tier}" is referenced but not defined`,
      });
    if (intent.group && !config.routing.groups[intent.group]) {
      issues.push({
        path: `intents.${n}.group`,
        message: `group "${intent.group}" is referenced but not defined`,
      });
    }
  });
  return issues.length ? { issues } : { config, issues };
}

function toConfigIssue(i: ContentIssue): ConfigIssue {
  return { path: [i.file, i.path].filter(Boolean).join('.'), message: i.message };
}

/** Paths whose value differs between two documents: the diff shown in the version history. */
export function diffConfig(
  before: unknown,
  after: unknown,
  path = '',
): { path: string; before: unknown; after: unknown }[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === 'object';
  if (!isObj(before) || !isObj(after) || Array.isArray(before) !== Array.isArray(after))
    return [{ path, before, after }];
  // Arrays of things with ids (intents, replies, tiers) are compared by id, so an insert is one change.
  const keyed = (v: unknown) =>
    Array.isArray(v) && v.every((x) => isObj(x) && typeof (x as { id?: unknown }).id === 'string')
      ? v
      : undefined;
  const a = keyed(before);
  const b = keyed(after);
  const out: { path: string; before: unknown; after: unknown }[] = [];
  if (a && b) {
    const byId = (list: { id: string }[]) => new Map(list.map((x) => [x.id, x]));
    const ma = byId(a as { id: string }[]);
    const mb = byId(b as { id: string }[]);
    for (const id of new Set([...ma.keys(), ...mb.keys()]))
      out.push(...diffConfig(ma.get(id), mb.get(id), `${path}${path ? '.' : ''}${id}`));
    return out;
  }
  // Other arrays (keywords, variants) change as a whole: "index 3 changed" tells an admin nothing.
  if (Array.isArray(before)) return [{ path, before, after }];
  const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
  for (const k of keys) {
    out.push(
      ...diffConfig(
        (before as Record<string, unknown>)[k],
        (after as Record<string, unknown>)[k],
        `${path}${path ? '.' : ''}${k}`,
      ),
    );
  }
  return out;
}
