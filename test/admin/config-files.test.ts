import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportConfig, ExportRefused, importConfig } from '../../src/admin/config-files';
import { diffConfig } from '../../src/bot-config/bot-config';
import { loadContentDirs } from '../../src/content/load-content';
import { runConfigCli } from '../../src/cli/config';
import { defaultRoutingConfig } from '../../src/routing/routing-config';
import { defaultShopSettings } from '../../src/shop/settings';
import { startTestApp, type TestApp } from '../support/app';
import { storageKinds } from '../support/storage';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'firstreply-config-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('configuration files', () => {
  const shipped = () => ({
    shop: defaultShopSettings(),
    ...loadContentDirs('intents', 'replies'),
    routing: defaultRoutingConfig(),
  });

  it('exports the shipped pack in the shipped format and imports it back unchanged', () => {
    const doc = shipped();
    const dir = tmp();
    expect(exportConfig(doc, dir).files).toBe(doc.intents.length + doc.replies.length + 2);
    expect(readdirSync(join(dir, 'intents')).length).toBe(doc.intents.length);
    const refund = readFileSync(join(dir, 'intents', 'refund.yaml'), 'utf8');
    // Defaults are left out, short word lists stay on one line, like the hand-written files.
    expect(refund).toContain('tier: urgent');
    expect(refund).not.toContain('priority: 50');
    expect(refund).not.toContain('smalltalk');
    expect(refund).toMatch(/- any: \[refund, refunded/);
    const { document, issues } = importConfig(dir, {
      shop: defaultShopSettings(),
      routing: defaultRoutingConfig(),
    });
    expect(issues).toEqual([]);
    expect(diffConfig(doc, document)).toEqual([]);
    // The exported intent files also load with the loader the server starts with.
    expect(loadContentDirs(join(dir, 'intents'), join(dir, 'replies')).intents.length).toBe(
      doc.intents.length,
    );
  });

  it('refuses to export over existing files unless asked to replace them (stale files would come back)', () => {
    const doc = shipped();
    const dir = tmp();
    exportConfig(doc, dir);
    writeFileSync(join(dir, 'intents', 'stale.yaml'), 'id: stale\nrules: [{any: [x]}]\n');
    expect(() => exportConfig(doc, dir)).toThrow(ExportRefused);
    exportConfig(doc, dir, { replace: true });
    expect(existsSync(join(dir, 'intents', 'stale.yaml'))).toBe(false);
  });

  it('imports nothing from a directory with bad files, and lists every problem with file and line', () => {
    const dir = tmp();
    exportConfig(shipped(), dir);
    writeFileSync(
      join(dir, 'intents', 'refund.yaml'),
      `${readFileSync(join(dir, 'intents', 'refund.yaml'), 'utf8')}colour: red\n`,
    );
    writeFileSync(join(dir, 'replies', 'greeting.yaml'), 'id: greeting\ntext:\n  zh: [unclosed\n');
    writeFileSync(join(dir, 'shop.yaml'), 'name: ""\n');
    const { document, issues } = importConfig(dir, {
      shop: defaultShopSettings(),
      routing: defaultRoutingConfig(),
    });
    expect(document).toBeUndefined();
    const files = issues.map((i) => i.file.slice(dir.length + 1));
    expect(files).toEqual(
      expect.arrayContaining(['intents/refund.yaml', 'replies/greeting.yaml', 'shop.yaml']),
    );
    expect(issues.find((i) => i.file.endsWith('refund.yaml'))).toMatchObject({
      message: expect.stringContaining('colour'),
    });
    expect(issues.find((i) => i.file.endsWith('greeting.yaml'))!.line).toBeGreaterThan(0);
    expect(issues.find((i) => i.file.endsWith('shop.yaml'))).toMatchObject({ path: 'name' });
  });

  it('points cross-file problems at the file that holds them (a tier the routing rules no longer define)', () => {
    const dir = tmp();
    const doc = shipped();
    exportConfig(doc, dir);
    const routing = defaultRoutingConfig();
    routing.tiers = routing.tiers.filter((t) => t.id !== 'complex');
    for (const l of Object.values(routing.levels)) l.tiers = l.tiers.filter((t) => t !== 'complex');
    writeFileSync(join(dir, 'routing.yaml'), JSON.stringify(routing));
    const { issues } = importConfig(dir, { shop: defaultShopSettings(), routing: defaultRoutingConfig() });
    const users = doc.intents.filter((i) => i.tier === 'complex');
    expect(users.length).toBeGreaterThan(0);
    expect(issues).toEqual(
      users.map((i) => ({
        file: join(dir, 'intents', `${i.id}.yaml`),
        path: 'tier',
        message: 'tier "complex" is referenced but not defined',
      })),
    );
  });
});

describe.each(storageKinds())('npm run config on %s', (kind) => {
  let app: TestApp;
  let env: NodeJS.ProcessEnv;
  let out: string;
  let err: string;
  const io = {
    out: (s: string) => {
      out += s;
    },
    err: (s: string) => {
      err += s;
    },
  };
  const cli = (...args: string[]) => runConfigCli(args, env, io);

  beforeEach(async () => {
    app = await startTestApp(kind);
    out = '';
    err = '';
    const pg = app.services.database.pg;
    env = {
      DATA_DIR: app.services.env.DATA_DIR,
      INTENTS_DIR: app.services.env.INTENTS_DIR,
      REPLIES_DIR: app.services.env.REPLIES_DIR,
      LOG_LEVEL: 'silent',
      ...(pg
        ? {
            DATABASE_URL: `${pg.url}${pg.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${pg.schema}`)}`,
          }
        : {}),
    };
  });
  afterEach(async () => app?.close());

  it('exports the live version, and an import of an edited copy is live on running servers within a second', async () => {
    const dir = tmp();
    expect(await cli('export', dir)).toBe(0);
    expect(out).toContain('exported version 1');
    const file = join(dir, 'replies', 'shipping-time.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/zh: \[.*\]/, 'zh: [导入的新文案。]'));
    out = '';
    expect(await cli('import', dir, '--dry-run'), err).toBe(0);
    expect(out).toContain('changed replies.shipping-time.text.zh');
    expect(app.services.config.current.version).toBe(1);

    app.services.start();
    const started = Date.now();
    expect(await cli('import', dir, '--author', 'ops'), err).toBe(0);
    expect(out).toContain('as version 2');
    await expect
      .poll(
        async () =>
          (
            await app.post('/api/messages', { customerId: `c${Math.random()}`, text: '什么时候发货' })
          ).body.replies.at(-1).text,
        {
          timeout: 1500,
          interval: 50,
        },
      )
      .toBe('导入的新文案。');
    expect(Date.now() - started).toBeLessThan(1500);
    const v2 = await app.services.database.db
      .selectFrom('config_versions')
      .select(['author', 'summary'])
      .where('version', '=', 2)
      .executeTakeFirstOrThrow();
    expect(v2).toEqual({ author: 'ops', summary: `import from ${dir}` });

    // The same directory again changes nothing and makes no version.
    out = '';
    expect(await cli('import', dir)).toBe(0);
    expect(out).toContain('nothing to import');
    expect(app.services.config.current.version).toBe(2);
  });

  it('imports nothing when one file is bad, lists every error, exits 2', async () => {
    const dir = tmp();
    expect(await cli('export', dir)).toBe(0);
    writeFileSync(
      join(dir, 'replies', 'shipping-time.yaml'),
      'id: shipping-time\ntext:\n  zh: ["{{price}} 元"]\n',
    );
    writeFileSync(join(dir, 'intents', 'refund.yaml'), 'id: refund\nrules: []\n');
    expect(await cli('import', dir)).toBe(2);
    expect(err).toContain('nothing imported: 1 problem');
    expect(err).toContain(join(dir, 'intents', 'refund.yaml'));
    expect(err).toContain('an intent needs at least one rule');
    // Fix that file: the next problem (a cross-file one) shows up, still nothing imported.
    writeFileSync(
      join(dir, 'intents', 'refund.yaml'),
      'id: refund\naction: handoff\nrules: [{any: [退款]}]\n',
    );
    err = '';
    expect(await cli('import', dir)).toBe(2);
    expect(err).toContain('unknown template variable {{price}}');
    expect(app.services.config.current.version).toBe(1);
    expect(
      await app.services.database.db.selectFrom('config_versions').select('version').execute(),
    ).toHaveLength(1);
  });

  it('explains bad arguments with the usage and exit code 2', async () => {
    expect(await cli()).toBe(2);
    expect(err).toContain('usage: npm run config');
    expect(await cli('publish', 'x')).toBe(2);
    expect(await cli('import', join(tmp(), 'missing'))).toBe(2);
    expect(await cli('export', tmp(), '--dry-run')).toBe(2);
    expect(await cli('import', tmp(), '--colour')).toBe(2);
  });
});
