import type { Server } from 'node:http';
import { createServer } from './app';
import { readEnv } from './config/env';
import { createLogger } from './shared/log';
import { buildServices } from './services';

/** Start-up: validate env and content, open the database, serve. The only file that calls listen(). */
async function main(): Promise<void> {
  const env = readEnv();
  const log = createLogger(env.LOG_LEVEL);
  const services = await buildServices({ env, log });
  services.start();
  const server: Server = createServer(services).listen(env.PORT, env.HOST, () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : env.PORT;
    log.info('FirstReply is serving', {
      url: `http://localhost:${port}/`,
      database: `${services.database.dialect} ${services.database.where}`,
      intents: services.content.current.pack.intents.length,
    });
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    server.close();
    server.closeAllConnections();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`FirstReply could not start:\n${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
