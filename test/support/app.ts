import type { AddressInfo } from 'node:net';
import { createServer } from '../../src/app';
import { type Env, readEnv } from '../../src/config/env';
import { buildServices, type Services } from '../../src/services';
import { createLogger } from '../../src/shared/log';
import { freshStorage, type StorageKind } from './storage';

export const FIXTURE_PACK = {
  INTENTS_DIR: 'test/fixtures/pack/intents',
  REPLIES_DIR: 'test/fixtures/pack/replies',
};

export interface TestApp {
  url: string;
  services: Services;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The real app on a real port on 127.0.0.1, over a fresh SQLite file or PostgreSQL schema. */
export async function startTestApp(
  kind: StorageKind,
  env: Partial<Record<keyof Env, string>> = {},
  options: { clock?: () => number; channelEnv?: NodeJS.ProcessEnv } = {},
): Promise<TestApp> {
  const storage = freshStorage(kind);
  const fullEnv = readEnv({
    ...FIXTURE_PACK,
    DATA_DIR: storage.dataDir,
    ...(storage.url ? { DATABASE_URL: storage.url } : {}),
    SECRET_KEY: 'test-secret-key-0123456789',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const services = await buildServices({
    env: fullEnv,
    log: createLogger('silent'),
    ...(storage.schema ? { pgSchema: storage.schema } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    channelEnv: options.channelEnv ?? {},
  });
  const server = createServer(services).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const json = async (r: Response) => {
    const text = await r.text();
    try {
      return { status: r.status, body: JSON.parse(text) };
    } catch {
      return { status: r.status, body: text };
    }
  };
  return {
    url,
    services,
    post: async (path, body, headers = {}) =>
      json(
        await fetch(url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
    get: async (path) => json(await fetch(url + path)),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await services.close();
      await storage.cleanup();
    },
  };
}
