/**
 * `npm run config -- export DIR [--replace]`
 * `npm run config -- import DIR [--dry-run] [--author NAME] [--summary TEXT]`
 *
 * The database holds the live configuration; files are the shipped defaults and the import/export
 * format (DIR/intents/*.yaml, DIR/replies/*.yaml, DIR/shop.yaml, DIR/routing.yaml). An import is
 * validated as a whole — one bad file and nothing is imported, every problem listed — and becomes
 * one new version; running servers pick it up within a second. Uses the server's environment
 * (DATABASE_URL or DATA_DIR; INTENTS_DIR/REPLIES_DIR seed a fresh database). See docs/admin.md.
 *
 * Exit codes: 0 done (or nothing to change), 2 bad argument or invalid files (nothing imported),
 * 3 someone published meanwhile (nothing imported; run again), 1 unexpected failure.
 */
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportConfig, ExportRefused, importConfig } from '../admin/config-files';
import { diffConfig } from '../bot-config/bot-config';
import { ConfigVersions } from '../bot-config/config-versions';
import { LiveConfig } from '../bot-config/live-config';
import { readEnv } from '../config/env';
import { loadContentDirs } from '../content/load-content';
import { defaultRoutingConfig } from '../routing/routing-config';
import { createLogger } from '../shared/log';
import { loadShopSettings } from '../shop/settings';
import { openDatabase } from '../store/database';

const USAGE = `usage: npm run config -- export DIR [--replace]
       npm run config -- import DIR [--dry-run] [--author NAME] [--summary TEXT]
export writes the live configuration as DIR/intents/*.yaml, DIR/replies/*.yaml, DIR/shop.yaml, DIR/routing.yaml
  (refuses a DIR that already holds intent/reply files unless --replace, which deletes them first).
import validates DIR as a whole and publishes it as one new version (shop.yaml and routing.yaml are
  optional: without them the live shop settings and routing rules are kept). --dry-run only validates.
The database is the server's: DATABASE_URL, else DATA_DIR (default ./data).`;

class UsageError extends Error {}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function runConfigCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
): Promise<number> {
  let command: string;
  let dir: string;
  let flags: { replace?: boolean; 'dry-run'?: boolean; author?: string; summary?: string; help?: boolean };
  try {
    const parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        replace: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        author: { type: 'string' },
        summary: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    flags = parsed.values;
    if (flags.help) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    const [cmd, target, ...rest] = parsed.positionals;
    if (cmd !== 'export' && cmd !== 'import')
      throw new UsageError(cmd ? `unknown command "${cmd}"` : 'give a command: export or import');
    if (!target) throw new UsageError(`${cmd}: give a directory`);
    if (rest.length) throw new UsageError(`unexpected argument(s): ${rest.join(' ')}`);
    if (cmd === 'export' && (flags['dry-run'] || flags.author || flags.summary))
      throw new UsageError('export takes only --replace');
    if (cmd === 'import' && flags.replace) throw new UsageError('import does not take --replace');
    if (cmd === 'import' && (!existsSync(target) || !statSync(target).isDirectory()))
      throw new UsageError(`import: ${target} is not a directory`);
    command = cmd;
    dir = resolve(target);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }

  const settings = readEnv({ ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' });
  const log = createLogger(
    settings.LOG_LEVEL === 'info' || settings.LOG_LEVEL === 'debug' ? 'warn' : settings.LOG_LEVEL,
  );
  const database = await openDatabase({
    ...(settings.DATABASE_URL ? { url: settings.DATABASE_URL } : {}),
    dataDir: settings.DATA_DIR,
    sqliteSynchronous: settings.SQLITE_SYNCHRONOUS,
    sqliteWriter: 'inline', // no message path here: no writer thread to start
  });
  try {
    const versions = new ConfigVersions(database);
    // A fresh database is seeded from the shipped files exactly as the server would on its first start.
    const live = await LiveConfig.open(
      versions,
      () => ({
        shop: loadShopSettings(settings.SHOP_CONFIG),
        ...loadContentDirs(settings.INTENTS_DIR, settings.REPLIES_DIR),
        routing: defaultRoutingConfig(),
      }),
      undefined, // candidate sources as the document's shop settings say, like the server
      Date.now,
      log,
    );
    const current = live.current;

    if (command === 'export') {
      try {
        const { files } = exportConfig(current.document, dir, { replace: flags.replace ?? false });
        io.out(`exported version ${current.version} to ${dir} (${files} files)\n`);
        return 0;
      } catch (e) {
        if (e instanceof ExportRefused) {
          io.err(`${e.message}\n`);
          return 2;
        }
        throw e;
      }
    }

    const { document, issues } = importConfig(dir, current.document);
    if (!document) {
      io.err(`nothing imported: ${issues.length} problem(s) in ${dir}\n`);
      for (const i of issues)
        io.err(`  ${i.file}${i.line ? `:${i.line}` : ''} ${i.path ? `${i.path}: ` : ''}${i.message}\n`);
      return 2;
    }
    const diff = diffConfig(current.document, document);
    if (!diff.length) {
      io.out(`${dir} is the same as the live version ${current.version}: nothing to import\n`);
      return 0;
    }
    for (const d of diff.slice(0, 50)) io.out(`  changed ${d.path}\n`);
    if (diff.length > 50) io.out(`  … and ${diff.length - 50} more\n`);
    if (flags['dry-run']) {
      io.out(
        `valid: importing ${dir} would change ${diff.length} place(s) of version ${current.version} (dry run: nothing imported)\n`,
      );
      return 0;
    }
    const author = flags.author ?? `cli:${safeUser()}`;
    const r = await live.publish(document, current.version, author, flags.summary ?? `import from ${dir}`);
    if (!r.ok) {
      if (r.status === 409) {
        io.err(`nothing imported: ${r.message}; run the import again\n`);
        return 3;
      }
      io.err(`nothing imported:\n${r.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}\n`);
      return 2;
    }
    io.out(
      `imported ${dir} as version ${r.version} (${r.diff.length} change(s)); running servers use it within a second\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/config.ts');
if (isMain) {
  runConfigCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`config: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
