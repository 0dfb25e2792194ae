import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';

export const BODY_LIMIT = 64 * 1024;

/**
 * Reads and parses a JSON body without a body-parser middleware: on the hot routes that is most of
 * Express's per-request cost. Errors are 413 (too large), 415 (not JSON) or 400 (malformed).
 */
export function readJsonBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
      req.resume();
      return reject(new HttpError(415, 'unsupported_media_type', 'send the body as application/json'));
    }
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      return reject(new HttpError(413, 'body_too_large', `body is larger than ${limit} bytes`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, 'body_too_large', `body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (failed) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch (e) {
        reject(new HttpError(400, 'malformed_json', `body is not valid JSON: ${(e as Error).message}`));
      }
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}
