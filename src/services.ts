import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sessions } from './auth/sessions';
import { createPlatformOutbox } from './channels/bottender';
import { Delivery } from './channels/delivery';
import { VisitorTokens } from './channels/web/visitor-token';
import type { Env } from './config/env';
import type { LiveContent } from './content/live-content';
import { loadContentDirs } from './content/load-content';
import { createMessageHandler } from './inbound/handle-message';
import type { HandleMessage } from './inbound/message';
import { LiveHub, toLiveMessage } from './live/hub';
import { startReports, stopReports } from './reports/reports';
import { PgBridge } from './live/pg-bridge';
import type { Logger } from './shared/log';
import { loadShopSettings } from './shop/settings';
import { renderReply } from './content/render-reply';
import { AgentDirectory } from './routing/agent-directory';
import { DeadlineWatcher } from './routing/deadline-watcher';
import { routingHandoff } from './routing/handoff-adapter';
import { Router } from './routing/router';
import { RoutingStore } from './routing/routing-store';
import { ConfigVersions } from './bot-config/config-versions';
import { LiveConfig } from './bot-config/live-config';
import type { RoutingConfig } from './routing/routing-config';
import { defaultRoutingConfig } from './routing/routing-config';
import { ConversationStore } from './store/conversation-store';
import { WorkspaceService } from './workspace/workspace-service';
import { type Database, openDatabase } from './store/database';

/** Everything the app is made of, built once: the composition root shared by main and the tests. */
export interface Services {
  env: Env;
  clock: () => number;
  /** Raw environment for the platform channels (their variables are validated by the channel adapter). */
  channelEnv: NodeJS.ProcessEnv;
  log: Logger;
  database: Database;
  store: ConversationStore;
  content: LiveContent;
  hub: LiveHub;
  handleMessage: HandleMessage;
  tokens: VisitorTokens;
  routingStore: RoutingStore;
  /** The live configuration: versions, publish, restore. */
  config: LiveConfig;
  routingConfig: { get(): RoutingConfig };
  router: Router;
  watcher: DeadlineWatcher;
  agents: AgentDirectory;
  sessions: Sessions;
  workspace: WorkspaceService;
  delivery: Delivery;
  /** Start timers (deadline watch, config refresh). Tests that drive time by hand may skip it. */
  start(): void;
  close(): Promise<void>;
}

export interface ServiceOptions {
  env: Env;
  log: Logger;
  /** PostgreSQL schema (tests); default public. */
  pgSchema?: string;
  clock?: () => number;
  channelEnv?: NodeJS.ProcessEnv;
  /** Where the first start's one-time admin password goes (default: the log). */
  announceAdmin?: (login: string, password: string) => void;
}

export async function buildServices({
  env,
  log,
  pgSchema,
  clock: givenClock,
  channelEnv = process.env,
  announceAdmin,
}: ServiceOptions): Promise<Services> {
  // Files first: a bad intent, reply or settings file stops start-up before anything listens. They
  // seed the database on the first start; after that the database holds the live configuration.
  const pack = loadContentDirs(env.INTENTS_DIR, env.REPLIES_DIR);
  const settings = loadShopSettings(env.SHOP_CONFIG);

  const database = await openDatabase({
    ...(env.DATABASE_URL ? { url: env.DATABASE_URL } : {}),
    dataDir: env.DATA_DIR,
    sqliteSynchronous: env.SQLITE_SYNCHRONOUS,
    sqliteWriter: env.SQLITE_WRITER,
    ...(pgSchema ? { schema: pgSchema } : {}),
  });
  const clock = givenClock ?? Date.now;
  const store = new ConversationStore(database);
  const hub = new LiveHub();
  const bridge = database.pg
    ? new PgBridge(database.pg.pool, database.pg.url, database.pg.schema, log)
    : undefined;
  await bridge?.start(hub);
  const tokens = new VisitorTokens(env.SECRET_KEY ?? secretFromDataDir(env.DATA_DIR));

  const live = await LiveConfig.open(
    new ConfigVersions(database),
    () => ({ shop: settings, intents: pack.intents, replies: pack.replies, routing: defaultRoutingConfig() }),
    undefined, // example matching as the shop's settings say
    clock,
    log,
  );
  const content: LiveContent = live.content;
  const config = () => live.current.routing;
  const routingStore = new RoutingStore(database);
  routingStore.onCommitted = (events) => {
    for (const e of events) hub.publish(toLiveMessage(e));
  };
  const delivery = new Delivery(database, hub, platformOutbox(channelEnv, log), log);
  const router = new Router({
    store: routingStore,
    hub,
    config,
    clock,
    log,
    // Queue and assignment notices use the pack's templates when it has them (`assigned`, `queue`).
    async notifyCustomer(chat, templateId, values) {
      const current = content.current;
      const template = current.replies.get(templateId);
      if (!template) return;
      const customer = await store.load(chat.customer_key);
      const locale = customer.customer?.locale ?? current.settings.defaultLocale;
      const reply = renderReply(
        template,
        'queue',
        locale,
        current.settings.defaultLocale,
        { shop: current.settings.name, ...values },
        0,
      );
      await delivery.deliver(chat, reply, { type: 'customer.notified', agentId: null, at: clock() });
    },
  });
  const watcher = new DeadlineWatcher({
    store: routingStore,
    router,
    hub,
    clock,
    log,
    alertWebhook: env.ALERT_WEBHOOK_URL,
  });
  const handoff = routingHandoff(router, watcher, routingStore, clock);
  const handleMessage = createMessageHandler({ store, content, hub, handoff, clock });
  const agents = new AgentDirectory(database, config, clock);
  await agents.ensureAdmin(
    env.ADMIN_PASSWORD,
    announceAdmin ??
      ((login, password) =>
        log.warn('first start: admin account created; change this one-time password', { login, password })),
  );
  const sessions = new Sessions(database, clock);
  const workspace = new WorkspaceService({
    store: routingStore,
    router,
    watcher,
    delivery,
    directory: agents,
    config,
    clock,
  });
  let refresh: NodeJS.Timeout | undefined;

  return {
    env,
    clock,
    channelEnv,
    log,
    database,
    store,
    content,
    hub,
    handleMessage,
    tokens,
    routingStore,
    config: live,
    routingConfig: { get: config },
    router,
    watcher,
    agents,
    sessions,
    workspace,
    delivery,
    start() {
      watcher.start();
      startReports({ database, config: live, hub, log, clock, alertWebhook: env.ALERT_WEBHOOK_URL });
      refresh = setInterval(
        () => void live.refresh().catch((e) => log.warn('config refresh failed', { err: String(e) })),
        1000,
      );
      refresh.unref();
    },
    async close() {
      watcher.stop();
      stopReports(database);
      clearInterval(refresh);
      await router.kick();
      await store.flushed();
      await bridge?.stop();
      await database.close();
    },
  };
}

function platformOutbox(env: NodeJS.ProcessEnv, log: Logger) {
  try {
    return createPlatformOutbox({ env, log: (e) => log.info('outbox', e) });
  } catch {
    return undefined; // no platform channel enabled: web and API chats only
  }
}

function secretFromDataDir(dir: string): string {
  const file = join(dir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
