import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Document, isScalar, visit } from 'yaml';
import { type BotConfig, validateBotConfig } from '../bot-config/bot-config';
import { ContentError, type ContentIssue } from '../content/content-error';
import { loadContentDirs, parseFile } from '../content/load-content';
import type { Intent, IntentRule, ReplyTemplate } from '../content/schemas';
import { routingConfigSchema } from '../routing/routing-config';
import { shopSettingsSchema } from '../shop/settings';

/**
 * The file form of the configuration, for `npm run config -- export|import DIR` and for keeping a
 * shop's configuration in git: `DIR/intents/<id>.yaml` and `DIR/replies/<id>.yaml` (the same format as
 * the shipped defaults), plus `DIR/shop.yaml` and `DIR/routing.yaml`. Import validates everything
 * together: one bad file and nothing is imported, with every problem listed.
 */

export const SHOP_FILE = 'shop.yaml';
export const ROUTING_FILE = 'routing.yaml';
const CONTENT_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Intent fields left out of a file when they hold the default, so exported files read like the shipped ones. */
function compactIntent(i: Intent): Record<string, unknown> {
  const rule = (r: IntentRule) => ({
    ...(r.weight !== 1 ? { weight: r.weight } : {}),
    ...(r.any ? { any: r.any } : {}),
    ...(r.all ? { all: r.all } : {}),
    ...(r.none ? { none: r.none } : {}),
  });
  return {
    id: i.id,
    ...(i.description !== undefined ? { description: i.description } : {}),
    ...(i.action !== 'reply' ? { action: i.action } : {}),
    ...(i.reply !== undefined ? { reply: i.reply } : {}),
    ...(i.smalltalk ? { smalltalk: true } : {}),
    ...(i.priority !== 50 ? { priority: i.priority } : {}),
    ...(i.tier !== 'general' ? { tier: i.tier } : {}),
    ...(i.group !== undefined ? { group: i.group } : {}),
    ...(i.none ? { none: i.none } : {}),
    rules: i.rules.map(rule),
    ...(i.examples.length ? { examples: i.examples } : {}),
  };
}

function compactReply(r: ReplyTemplate): Record<string, unknown> {
  return {
    id: r.id,
    ...(r.description !== undefined ? { description: r.description } : {}),
    text: r.text,
    ...(r.quickReplies ? { quickReplies: r.quickReplies } : {}),
  };
}

/** YAML with short word lists on one line (`any: [退款, 退钱]`), longer lists and texts as blocks. */
export function toYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_, node) {
      const words = node.items.map((x) => (isScalar(x) ? String(x.value) : '\n'));
      if (words.length && words.every((w) => !w.includes('\n')) && words.join(', ').length <= 90)
        node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 120, minContentWidth: 40, flowCollectionPadding: false });
}

const contentFiles = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((n) => CONTENT_EXTENSIONS.has(extname(n))) : [];

export class ExportRefused extends Error {}

/**
 * Writes the document as files. Refuses a directory that already holds intent or reply files unless
 * `replace` is set: a stale file left beside the new ones would come back on the next import.
 */
export function exportConfig(
  document: BotConfig,
  dir: string,
  options: { replace?: boolean } = {},
): { files: number } {
  const intentsDir = join(dir, 'intents');
  const repliesDir = join(dir, 'replies');
  const existing = [
    ...contentFiles(intentsDir).map((n) => join(intentsDir, n)),
    ...contentFiles(repliesDir).map((n) => join(repliesDir, n)),
  ];
  if (existing.length && !options.replace) {
    throw new ExportRefused(
      `${dir} already holds ${existing.length} intent/reply files; export into an empty directory, or pass --replace`,
    );
  }
  for (const f of existing) rmSync(f);
  mkdirSync(intentsDir, { recursive: true });
  mkdirSync(repliesDir, { recursive: true });
  for (const i of document.intents) writeFileSync(join(intentsDir, `${i.id}.yaml`), toYaml(compactIntent(i)));
  for (const r of document.replies) writeFileSync(join(repliesDir, `${r.id}.yaml`), toYaml(compactReply(r)));
  writeFileSync(join(dir, SHOP_FILE), toYaml(document.shop));
  writeFileSync(join(dir, ROUTING_FILE), toYaml(document.routing));
  return { files: document.intents.length + document.replies.length + 2 };
}

/**
 * Reads a directory as one whole configuration. `shop.yaml` and `routing.yaml` are optional: absent,
 * the given fallbacks (the live ones) are kept. Every problem of every file is returned; no document
 * is returned unless there are none.
 */
export function importConfig(
  dir: string,
  fallback: Pick<BotConfig, 'shop' | 'routing'>,
): { document?: BotConfig; issues: ContentIssue[] } {
  const issues: ContentIssue[] = [];
  const intentsDir = join(dir, 'intents');
  const repliesDir = join(dir, 'replies');
  let pack: { intents: Intent[]; replies: ReplyTemplate[] } | undefined;
  try {
    pack = loadContentDirs(intentsDir, repliesDir);
  } catch (e) {
    if (!(e instanceof ContentError)) throw e;
    issues.push(...e.issues);
  }
  const optional = <T>(name: string, schema: Parameters<typeof parseFile>[2]): T | undefined => {
    const file = join(dir, name);
    if (!existsSync(file)) return undefined;
    return parseFile(file, readFileSync(file, 'utf8'), schema, issues) as T | undefined;
  };
  const shop = optional<BotConfig['shop']>(SHOP_FILE, shopSettingsSchema);
  const routing = optional<BotConfig['routing']>(ROUTING_FILE, routingConfigSchema);
  if (issues.length || !pack) return { issues };

  const { config, issues: cross } = validateBotConfig({
    shop: shop ?? fallback.shop,
    intents: pack.intents,
    replies: pack.replies,
    routing: routing ?? fallback.routing,
  });
  if (config) return { document: config, issues: [] };
  // Cross-file problems name a document path (intents.3.tier); point at the file that holds it.
  const fileOf = (path: string): { file: string; path: string } => {
    const [section, index, ...rest] = path.split('.');
    if ((section === 'intents' || section === 'replies') && /^\d+$/.test(index ?? '')) {
      const id = (section === 'intents' ? pack.intents : pack.replies)[Number(index)]?.id;
      if (id) return { file: join(dir, section, `${id}.yaml`), path: rest.join('.') };
    }
    if (section === 'routing')
      return { file: join(dir, ROUTING_FILE), path: [index, ...rest].filter(Boolean).join('.') };
    if (section === 'shop')
      return { file: join(dir, SHOP_FILE), path: [index, ...rest].filter(Boolean).join('.') };
    return { file: dir, path };
  };
  return { issues: cross.map((i) => ({ ...fileOf(i.path), message: i.message })) };
}
