/**
 * Child process of bench/http.ts: the real FirstReply app (buildServices + createServer) on 127.0.0.1,
 * configured by the environment the parent passes (DATA_DIR, INTENTS_DIR, REPLIES_DIR, LOG_LEVEL…).
 * Prints one line `{"port":N}` on stdout when listening; on SIGTERM closes the server, flushes the
 * group commit, closes the database and exits 0.
 */
import type { AddressInfo } from 'node:net';
import { createServer } from '../../src/app';
import { readEnv } from '../../src/config/env';
import { buildServices } from '../../src/services';
import { createLogger } from '../../src/shared/log';
import { reportLoopDelayOnSignal } from './loop-delay';
import { traceStalls } from './trace-stalls';
import { applyWhatIfs } from './whatif';

reportLoopDelayOnSignal();
if (process.env.BENCH_TRACE_STALLS) traceStalls(Number(process.env.BENCH_TRACE_STALLS));

const whatIfs = applyWhatIfs();

const env = readEnv({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
const services = await buildServices({ env, log: createLogger(env.LOG_LEVEL) });
if (whatIfs.includes('stub-pipeline')) {
  // Diagnosis only: the HTTP layer of the app (Express, routes, body, validation, response) around a
  // handleMessage that answers a constant without matching or storing anything.
  const reply = {
    kind: 'template' as const,
    text: '您好！现货订单一般在付款后 48 小时内发货。',
    templateId: 'shipping-time',
  };
  services.handleMessage = async () => ({
    conversationId: 'stub',
    intent: 'shipping-time',
    score: 1,
    replies: [reply],
    handoff: false,
    throttled: false,
  });
}
const server = createServer(services).listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`,
  );
});
server.keepAliveTimeout = 30_000;

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeAllConnections();
  services
    .close()
    .then(() => process.exit(0))
    .catch((e: unknown) => {
      process.stderr.write(`serve-app: close failed: ${String(e)}\n`);
      process.exit(1);
    });
});
