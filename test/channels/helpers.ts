import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { mountWebhooks, type Origins } from '../../src/channels/bottender/index';
import type { HandledMessage, HandleMessage, InboundMessage, OutboundReply } from '../../src/inbound/message';

/** A request the fake platform API received. */
export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

export interface PlatformMock {
  origin: string;
  requests: Recorded[];
  /** Changes the answer for the next requests. */
  answerWith(answer: (req: Recorded) => { status?: number; body: unknown }): void;
  close(): Promise<void>;
}

/** A tiny stand-in for a platform's HTTP API on 127.0.0.1 that records every call. */
export async function startPlatformMock(
  answer: (req: Recorded) => { status?: number; body: unknown },
): Promise<PlatformMock> {
  const requests: Recorded[] = [];
  let current = answer;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const type = req.headers['content-type'] ?? '';
    const body = type.includes('json')
      ? JSON.parse(raw || 'null')
      : type.includes('urlencoded')
        ? Object.fromEntries(new URLSearchParams(raw))
        : raw;
    const recorded: Recorded = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      raw,
      body,
    };
    requests.push(recorded);
    const { status = 200, body: out } = current(recorded);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    answerWith(next) {
      current = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface TestApp {
  url: string;
  enabled: string[];
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** Our express app with only the webhooks mounted, on 127.0.0.1 and a free port. */
export async function startApp(
  env: NodeJS.ProcessEnv,
  handle: HandleMessage,
  options: {
    origins?: Origins;
    before?: (app: express.Express) => void;
  } = {},
): Promise<TestApp> {
  const app = express();
  options.before?.(app);
  const logs: Record<string, unknown>[] = [];
  const { enabled } = mountWebhooks(app, handle, { env, origins: options.origins, log: (e) => logs.push(e) });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    enabled,
    logs,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface EchoHandle {
  handle: HandleMessage;
  received: InboundMessage[];
}

/** Our own seam, not a platform: answers "echo: <text>" with two quick replies. */
export function echoHandle(
  replies: (m: InboundMessage) => OutboundReply[] = (m) => [
    { kind: 'template', text: `echo: ${m.text}`, quickReplies: ['Yes', 'No'] },
  ],
): EchoHandle {
  const received: InboundMessage[] = [];
  const handle: HandleMessage = async (message): Promise<HandledMessage> => {
    received.push(message);
    return {
      conversationId: `c-${message.customerId}`,
      intent: null,
      score: 0,
      replies: replies(message),
      handoff: false,
      throttled: false,
    };
  };
  return { handle, received };
}

export const hmac = (algorithm: 'sha1' | 'sha256', key: string, data: string) =>
  createHmac(algorithm, key).update(data, 'utf8');

export function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers });
}
