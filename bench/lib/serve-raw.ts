/**
 * Child process of bench/lib/latency-probe.ts: the floor. Plain `node:http`, no framework, parsing the
 * same JSON and answering the same constant as serve-bare.ts. Prints `{"port":N}`; exits on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REPLY } from './constant-reply';
import { reportLoopDelayOnSignal } from './loop-delay';

reportLoopDelayOnSignal();

const body = JSON.stringify(REPLY);
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown };
    const out = typeof parsed.text === 'string' ? body : '{"error":"text"}';
    res.writeHead(typeof parsed.text === 'string' ? 200 : 400, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(out),
    });
    res.end(out);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`,
  );
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
