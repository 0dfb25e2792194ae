import type { OutboundReply, ReplyKind } from '../inbound/message';
import type { ReplyTemplate, TemplateVariable } from './schemas';

export type TemplateValues = Partial<Record<TemplateVariable, string | number>>;

/** Picks the template's text for a locale (falling back to the shop's default), fills the variables. */
export function renderReply(
  template: ReplyTemplate,
  kind: ReplyKind,
  locale: string,
  fallbackLocale: string,
  values: TemplateValues,
  turn: number,
): OutboundReply {
  const lang = locale.split('-')[0]!;
  const pickLocale = template.text[locale] ? locale : template.text[lang] ? lang : fallbackLocale;
  const variants = template.text[pickLocale] ?? Object.values(template.text)[0]!;
  const text = variants[turn % variants.length]!.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) =>
    String(values[name as TemplateVariable] ?? ''),
  );
  const reply: OutboundReply = { kind, text, templateId: template.id };
  const quick = template.quickReplies?.[pickLocale];
  if (quick?.length) reply.quickReplies = quick;
  return reply;
}

const usedCache = new WeakMap<ReplyTemplate, Set<string>>();

/** Whether any text of the template uses one of the variables (work such as a queue count is skipped otherwise). */
export function templateUses(template: ReplyTemplate, ...variables: TemplateVariable[]): boolean {
  let used = usedCache.get(template);
  if (!used) {
    used = new Set<string>();
    for (const variants of Object.values(template.text))
      for (const text of variants) for (const m of text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) used.add(m[1]!);
    usedCache.set(template, used);
  }
  return variables.some((v) => used.has(v));
}
