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
