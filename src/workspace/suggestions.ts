import type { CompiledContent } from '../content/live-content';
import { renderReply } from '../content/render-reply';

export interface Suggestion {
  templateId: string;
  intent: string;
  /** The matcher's score for the intent (0–1). */
  score: number;
  /** Rendered in the customer's locale, ready to send or edit. */
  text: string;
}

/**
 * Agent assist: the reply templates of the intents the matcher sees in a customer message, best
 * first. Hand-off intents without a reply template and vetoed candidates suggest nothing; two
 * intents sharing a template suggest it once.
 */
export function suggestReplies(
  content: CompiledContent,
  text: string,
  locale: string,
  values: { customer?: string; agent?: string },
  limit = 3,
): Suggestion[] {
  const { matcher, replies, settings } = content;
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  for (const c of matcher.match(text).candidates) {
    if (out.length >= limit) break;
    if (c.vetoedBy) continue;
    const intent = matcher.intents.get(c.intent);
    if (!intent) continue;
    const templateId = intent.reply ?? (intent.action === 'reply' ? intent.id : undefined);
    const template = templateId ? replies.get(templateId) : undefined;
    if (!template || seen.has(template.id)) continue;
    seen.add(template.id);
    const rendered = renderReply(
      template,
      'agent',
      locale,
      settings.defaultLocale,
      { shop: settings.name, customer: values.customer ?? '', agent: values.agent ?? '' },
      0,
    );
    out.push({ templateId: template.id, intent: intent.id, score: c.score, text: rendered.text });
  }
  return out;
}
