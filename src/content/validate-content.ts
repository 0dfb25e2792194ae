import { normalize } from '../matching/normalize';
import type { ContentIssue } from './content-error';
import type { ContentPack } from './content-pack';
import { templateVariables } from './schemas';

const VARIABLE = /\{\{\s*([^}\s]*)\s*\}\}/g;
const known = new Set<string>(templateVariables);

/** The template variables a text uses that the renderer does not know. */
export function unknownVariables(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1]!).filter((v) => !known.has(v));
}

/** The system replies the pipeline itself sends; a pack must define them. */
export const requiredReplies = ['greeting', 'handoff', 'away'] as const;

/** Checks across files: references resolve, variables exist, no keyword claimed twice at one priority. */
export function validatePack(
  pack: ContentPack,
  fileOf: (kind: 'intent' | 'reply', id: string) => string,
): ContentIssue[] {
  const issues: ContentIssue[] = [];
  const replyIds = new Set<string>();
  for (const r of pack.replies) {
    const file = fileOf('reply', r.id);
    if (replyIds.has(r.id)) issues.push({ file, path: 'id', message: `reply id "${r.id}" is defined twice` });
    replyIds.add(r.id);
    for (const [locale, variants] of Object.entries(r.text)) {
      variants.forEach((v, i) => {
        for (const name of unknownVariables(v)) {
          issues.push({
            file,
            path: `text.${locale}.${i}`,
            message: `unknown template variable {{${name}}}; known: ${templateVariables.join(', ')}`,
          });
        }
      });
    }
  }
  for (const id of requiredReplies) {
    if (!replyIds.has(id))
      issues.push({ file: fileOf('reply', id), path: '', message: `the pack needs a "${id}" reply` });
  }

  const intentIds = new Set<string>();
  const claimed = new Map<string, string>(); // priority + folded keyword → intent id
  for (const intent of pack.intents) {
    const file = fileOf('intent', intent.id);
    if (intentIds.has(intent.id))
      issues.push({ file, path: 'id', message: `intent id "${intent.id}" is defined twice` });
    intentIds.add(intent.id);
    if (intent.action === 'reply') {
      const reply = intent.reply ?? intent.id;
      if (!replyIds.has(reply)) {
        issues.push({
          file,
          path: intent.reply ? 'reply' : 'id',
          message: `reply template "${reply}" does not exist`,
        });
      }
    }
    intent.rules.forEach((rule, r) => {
      const words: [string, string][] = [
        ...(rule.any ?? []).map((k, i): [string, string] => [k, `rules.${r}.any.${i}`]),
        ...(rule.all ?? []).flatMap((g, gi) =>
          g.map((k, i): [string, string] => [k, `rules.${r}.all.${gi}.${i}`]),
        ),
      ];
      for (const [k, path] of words) {
        const folded = normalize(k).compact;
        if (!folded) {
          issues.push({ file, path, message: `keyword "${k}" has no letters or digits` });
          continue;
        }
        // Only whole `any` keywords claim a phrase; `all` groups are fragments and may be shared.
        if (!path.includes('.any.')) continue;
        const key = `${intent.priority}\u0000${folded}`;
        const owner = claimed.get(key);
        if (owner && owner !== intent.id) {
          issues.push({
            file,
            path,
            message: `keyword "${k}" is also a keyword of intent "${owner}" with the same priority ${intent.priority}`,
          });
        } else claimed.set(key, intent.id);
      }
    });
  }
  return issues;
}
