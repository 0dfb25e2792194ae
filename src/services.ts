import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VisitorTokens } from './channels/web/visitor-token';
import type { Env } from './config/env';
import { compileContent, LiveContent } from './content/live-content';
import { loadContentDirs } from './content/load-content';
import { createMessageHandler } from './inbound/handle-message';
import { type Handoff, waitingOnly } from './inbound/handoff';
import type { HandleMessage } from './inbound/message';
import { LiveHub } from './live/hub';
import type { Logger } from './shared/log';
import { loadShopSettings } from './shop/settings';
import { ConversationStore } from './store/conversation-store';
import { type Database, openDatabase } from './store/database';

/** Everything the app is made of, built once: the composition root shared by main and the tests. */
export interface Services {
  env: Env;
  /** Raw environment for the platform channels (their variables are validated by the channel adapter). */
  channelEnv: NodeJS.ProcessEnv;
  log: Logger;
  database: Database;
  store: ConversationStore;
  content: LiveContent;
  hub: LiveHub;
  handoff: Handoff;
  handleMessage: HandleMessage;
  tokens: VisitorTokens;
  close(): Promise<void>;
}

export interface ServiceOptions {
  env: Env;
  log: Logger;
  /** PostgreSQL schema (tests); default public. */
  pgSchema?: string;
  clock?: () => number;
  channelEnv?: NodeJS.ProcessEnv;
}

export async function buildServices({ env, log, pgSchema, clock, channelEnv = process.env }: ServiceOptions): Promise<Services> {
  // Content first: a bad intent or reply file must stop start-up before anything listens.
  const pack = loadContentDirs(env.INTENTS_DIR, env.REPLIES_DIR);
  const settings = loadShopSettings(env.SHOP_CONFIG);
  const content = new LiveContent(compileContent(pack, settings, 1));

  const database = await openDatabase({
    ...(env.DATABASE_URL ? { url: env.DATABASE_URL } : {}),
    dataDir: env.DATA_DIR,
    sqliteSynchronous: env.SQLITE_SYNCHRONOUS,
    ...(pgSchema ? { schema: pgSchema } : {}),
  });
  const store = new ConversationStore(database);
  const hub = new LiveHub();
  const handoff = waitingOnly;
  const handleMessage = createMessageHandler({ store, content, hub, handoff, ...(clock ? { clock } : {}) });
  const tokens = new VisitorTokens(env.SECRET_KEY ?? secretFromDataDir(env.DATA_DIR));

  return {
    env,
    channelEnv,
    log,
    database,
    store,
    content,
    hub,
    handoff,
    handleMessage,
    tokens,
    async close() {
      await store.flushed();
      await database.close();
    },
  };
}

function secretFromDataDir(dir: string): string {
  const file = join(dir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
