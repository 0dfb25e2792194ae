import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServices, type Services } from '../../src/services';
import { createLogger } from '../../src/shared/log';
import { realisticMessage } from './messages';
import { benchEnv } from './pack';
import { Rng } from './rng';

/**
 * The services over SQLite in a temp dir, driven without HTTP: `run(n)` sends n realistic
 * messages from 10 000 customers in turn, `inFlight` at a time, and waits until they are committed.
 */
export async function inProcessPipeline(inFlight: number): Promise<{
  services: Services;
  run: (n: number) => Promise<void>;
  close: () => Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'firstreply-pipeline-'));
  const services = await buildServices({ env: benchEnv(dataDir).env, log: createLogger('silent') });
  const rng = new Rng(5);
  const run = async (n: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < n) {
          const i = next++;
          await services.handleMessage({
            channel: 'api',
            customerId: `p-${i % 10_000}`,
            text: realisticMessage(rng),
          });
        }
      }),
    );
    await services.store.flushed();
  };
  const close = async () => {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { services, run, close };
}
