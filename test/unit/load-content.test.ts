import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError } from '../../src/content/content-error';
import { loadContentDirs } from '../../src/content/load-content';

function packDir(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'fr-pack-'));
  mkdirSync(join(root, 'intents'));
  mkdirSync(join(root, 'replies'));
  const base: Record<string, string> = {
    'replies/greeting.yaml': 'id: greeting\ntext:\n  zh: ["你好"]\n',
    'replies/handoff.yaml': 'id: handoff\ntext:\n  zh: ["请稍候"]\n',
    'replies/away.yaml': 'id: away\ntext:\n  zh: ["{{backAt}}回来"]\n',
  };
  for (const [f, body] of Object.entries({ ...base, ...files })) writeFileSync(join(root, f), body);
  return root;
}
function issuesOf(root: string) {
  try {
    loadContentDirs(join(root, 'intents'), join(root, 'replies'));
  } catch (e) {
    if (e instanceof ContentError) return e.issues;
    throw e;
  }
  return [];
}

describe('loading intents and replies', () => {
  it('loads a valid pack', () => {
    const root = packDir({
      'intents/size.yaml': 'id: size\nrules:\n  - any: [尺码]\n',
      'replies/size.yaml': 'id: size\ntext:\n  zh: ["看尺码表"]\n',
    });
    const pack = loadContentDirs(join(root, 'intents'), join(root, 'replies'));
    expect(pack.intents.map((i) => i.id)).toEqual(['size']);
  });

  it('names the file, line, field and reason of a bad field', () => {
    const root = packDir({ 'intents/size.yaml': 'id: size\nrules:\n  - any: [尺码]\n    weight: 7\n' });
    const [issue] = issuesOf(root);
    expect(issue).toMatchObject({ path: 'rules.0.weight', line: 4 });
    expect(issue!.file).toMatch(/intents\/size\.yaml$/);
  });

  it('reports YAML syntax errors with their line', () => {
    const root = packDir({ 'intents/size.yaml': 'id: size\nrules:\n  - any: [尺码\n' });
    expect(issuesOf(root)[0]!.line).toBeGreaterThan(0);
  });

  it('refuses unknown fields, unknown variables, missing templates and claimed keywords', () => {
    const root = packDir({
      'intents/size.yaml': 'id: size\nkeywrods: [x]\nrules:\n  - any: [尺码]\n',
      'intents/fit.yaml': 'id: fit\nrules:\n  - any: [尺码]\n',
      'replies/fit.yaml': 'id: fit\ntext:\n  zh: ["{{shopp}}的尺码"]\n',
    });
    const messages = issuesOf(root).map((i) => `${i.path}: ${i.message}`);
    expect(messages.some((m) => m.includes('keywrods'))).toBe(true);
    // The cross-file checks run only once every file parses; fix the typo and look again.
    writeFileSync(join(root, 'intents/size.yaml'), 'id: size\nrules:\n  - any: [尺码]\n');
    const second = issuesOf(root)
      .map((i) => `${i.file} ${i.path}: ${i.message}`)
      .join('\n');
    expect(second).toContain('unknown template variable {{shopp}}');
    expect(second).toContain('reply template "size" does not exist');
    expect(second).toMatch(/keyword "尺码" is also a keyword of intent "(fit|size)"/);
  });

  it('requires the id to equal the file name', () => {
    const root = packDir({
      'intents/size.yaml': 'id: sizes\nrules:\n  - any: [尺码]\n',
      'replies/sizes.yaml': 'id: sizes\ntext:\n  zh: ["x"]\n',
    });
    expect(
      issuesOf(root)
        .map((i) => i.message)
        .join(),
    ).toContain('must equal the file name');
  });
});
