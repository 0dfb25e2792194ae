import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Env, readEnv } from '../../src/config/env';
import { loadContentDirs } from '../../src/content/load-content';
import type { ContentPack } from '../../src/content/content-pack';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchPack {
  pack: ContentPack;
  /** `default` = intents/ + replies/ of the repository; `fixture` = test/fixtures/pack. */
  source: 'default' | 'fixture';
  intentsDir: string;
  repliesDir: string;
  /** Why the default pack was not used, when it was not. */
  fallbackReason?: string;
}

/** The default content pack when it loads, else the small test fixture pack (and why). */
export function loadBenchPack(): BenchPack {
  try {
    const pack = loadContentDirs(`${ROOT}intents`, `${ROOT}replies`);
    if (pack.intents.length)
      return { pack, source: 'default', intentsDir: `${ROOT}intents`, repliesDir: `${ROOT}replies` };
    throw new Error('intents/ is empty');
  } catch (e) {
    const intentsDir = `${ROOT}test/fixtures/pack/intents`;
    const repliesDir = `${ROOT}test/fixtures/pack/replies`;
    const reason = ((e as Error).message ?? String(e)).split('\n').slice(0, 2).join(' ').slice(0, 160);
    return {
      pack: loadContentDirs(intentsDir, repliesDir),
      source: 'fixture',
      intentsDir,
      repliesDir,
      fallbackReason: reason,
    };
  }
}

export function describePack(p: BenchPack): string {
  const rules = p.pack.intents.reduce((n, i) => n + i.rules.length, 0);
  const where =
    p.source === 'default' ? 'default pack (intents/, replies/)' : 'FIXTURE pack (test/fixtures/pack)';
  const why = p.fallbackReason ? ` — default pack not usable: ${p.fallbackReason}` : '';
  return `${where}: ${p.pack.intents.length} intents, ${rules} rules, ${p.pack.replies.length} replies${why}`;
}

/**
 * Shop settings for the benchmarks, so results do not depend on the time of day the run happens:
 * `open` (default) = open around the clock, every message takes the opening-hours path (answers,
 * hand-offs to the queue with a position estimate); `closed` = never open (away messages);
 * `default` = the built-in 09:00–23:00 Asia/Shanghai calendar. Env BENCH_SHOP selects it.
 * Returns the path of the written file, or undefined for `default`.
 */
export function benchShopConfig(
  dir: string,
  mode = process.env.BENCH_SHOP ?? 'open',
): { file?: string; mode: string } {
  if (mode === 'default')
    return { mode: 'default calendar (09:00–23:00 Asia/Shanghai): result depends on the time of day' };
  const ranges = mode === 'closed' ? '[]' : "['00:00-24:00']";
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => `    ${d}: ${ranges}`).join('\n');
  const file = join(dir, 'bench-shop.yaml');
  writeFileSync(file, `name: Bench Shop\ncalendar:\n  timezone: Asia/Shanghai\n  weekly:\n${days}\n`);
  return {
    file,
    mode:
      mode === 'closed'
        ? 'shop closed around the clock (away path)'
        : 'shop open around the clock (opening-hours path)',
  };
}

/** The app's env for an in-process benchmark: the bench pack and shop in a fresh data dir. */
export function benchEnv(
  dataDir: string,
  bench: BenchPack = loadBenchPack(),
  extra: Record<string, string> = {},
): { env: Env; shopMode: string } {
  const shop = benchShopConfig(dataDir);
  const env = readEnv({
    ...(shop.file ? { SHOP_CONFIG: shop.file } : {}),
    DATA_DIR: dataDir,
    INTENTS_DIR: bench.intentsDir,
    REPLIES_DIR: bench.repliesDir,
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'bench-secret-key-0123456789',
    ...extra,
  });
  return { env, shopMode: shop.mode };
}

/** The environment of the app's server child process (bench/lib/serve-app.ts) over a fresh data dir. */
export function serverEnv(
  dataDir: string,
  bench: BenchPack = loadBenchPack(),
): { env: NodeJS.ProcessEnv; shopMode: string } {
  const shop = benchShopConfig(dataDir);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    INTENTS_DIR: bench.intentsDir,
    REPLIES_DIR: bench.repliesDir,
    LOG_LEVEL: 'silent',
    SECRET_KEY: 'bench-secret-key-0123456789',
    DATABASE_URL: '',
    ...(shop.file ? { SHOP_CONFIG: shop.file } : {}),
  };
  return { env, shopMode: shop.mode };
}
