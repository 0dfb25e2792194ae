/**
 * Child process of bench/http.ts: the baseline. Express (the same version the app uses) parsing the
 * same JSON with `express.json()` and answering a constant reply of about the app's response size.
 * Prints `{"port":N}` when listening; exits on SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { REPLY } from './constant-reply';
import { reportLoopDelayOnSignal } from './loop-delay';

reportLoopDelayOnSignal();

const app = express();
app.disable('x-powered-by');
app.use(express.json());
app.post('/api/messages', (req, res) => {
  if (typeof req.body?.text !== 'string') {
    res.status(400).json({ error: 'text' });
    return;
  }
  res.json(REPLY);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`,
  );
});
server.keepAliveTimeout = 30_000;
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
