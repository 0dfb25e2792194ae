import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ContentError, type ContentIssue } from './content-error';
import type { ContentPack } from './content-pack';
import { type Intent, intentSchema, type ReplyTemplate, replySchema } from './schemas';
import { validatePack } from './validate-content';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Reads `intents/` and `replies/`; any problem in any file fails the whole load with every issue listed. */
export function loadContentDirs(intentsDir: string, repliesDir: string): ContentPack {
  const issues: ContentIssue[] = [];
  const files = new Map<string, string>();
  const intents = readDir(intentsDir, intentSchema, issues, files) as Intent[];
  const replies = readDir(repliesDir, replySchema, issues, files) as ReplyTemplate[];
  const pack = { intents, replies };
  if (!issues.length) {
    issues.push(
      ...validatePack(
        pack,
        (kind, id) =>
          files.get(`${kind}:${id}`) ?? `${kind === 'intent' ? intentsDir : repliesDir}/${id}.yaml`,
      ),
    );
  }
  if (issues.length) throw new ContentError(issues);
  return pack;
}

function readDir<S extends z.ZodType>(
  dir: string,
  schema: S,
  issues: ContentIssue[],
  files: Map<string, string>,
): z.infer<S>[] {
  const kind = schema === (intentSchema as unknown) ? 'intent' : 'reply';
  const out: z.infer<S>[] = [];
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => EXTENSIONS.has(extname(n)))
      .sort();
  } catch (e) {
    issues.push({ file: dir, path: '', message: `cannot read directory: ${(e as Error).message}` });
    return out;
  }
  for (const name of names) {
    const file = join(dir, name);
    const parsed = parseFile(file, readFileSync(file, 'utf8'), schema, issues);
    if (parsed === undefined) continue;
    const id = (parsed as { id: string }).id;
    const stem = basename(name, extname(name));
    if (id !== stem)
      issues.push({ file, path: 'id', line: 1, message: `id "${id}" must equal the file name "${stem}"` });
    files.set(`${kind}:${id}`, file);
    out.push(parsed);
  }
  return out;
}

/** Parses one YAML/JSON document and validates it, turning zod paths into file lines. */
export function parseFile<S extends z.ZodType>(
  file: string,
  source: string,
  schema: S,
  issues: ContentIssue[],
): z.infer<S> | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    for (const e of doc.errors) {
      issues.push({
        file,
        path: '',
        line: lineCounter.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0]!,
      });
    }
    return undefined;
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.path.map(String);
    issues.push({ file, path: path.join('.'), line: lineOf(doc, path, lineCounter), message: issue.message });
  }
  return undefined;
}

function lineOf(doc: ReturnType<typeof parseDocument>, path: string[], lc: LineCounter): number | undefined {
  // The deepest node that exists along the path: a missing field points at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node =
      n === 0
        ? doc.contents
        : doc.getIn(
            path.slice(0, n).map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
            true,
          );
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
    if (n === 0 && isMap(doc.contents)) return 1;
  }
  return undefined;
}
