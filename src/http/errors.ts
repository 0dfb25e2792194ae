import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '../shared/log';

export interface FieldIssue {
  path: string;
  message: string;
}

/** An error meant for the caller: a status, a stable code, and the fields at fault. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldIssue[] = [],
  ) {
    super(message);
  }
}

export function fromZod(error: z.ZodError, where = 'body'): HttpError {
  const fields = error.issues.map((i) => ({
    path: i.path.length ? i.path.join('.') : where,
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
  return new HttpError(
    400,
    'invalid_request',
    fields.map((f) => `${f.path}: ${f.message}`).join('; '),
    fields,
  );
}

/** Parses with a zod schema or throws a 400 naming every bad field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw fromZod(r.error, where);
  return r.data;
}

/** The body every error answer has: `{ error: { code, message, fields? } }`. */
export function errorBody(e: HttpError) {
  return { error: { code: e.code, message: e.message, ...(e.fields.length ? { fields: e.fields } : {}) } };
}

/** A JSON answer (also for the route served ahead of Express, see app.ts). */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  // No ETag: no client of these routes can use one, and res.json would hash every body for it.
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

/** Answers an error: a caller's mistake as it is, anything else logged and as a 500. */
export function answerError(
  res: ServerResponse,
  err: unknown,
  log: Logger,
  headers: OutgoingHttpHeaders = {},
): void {
  if (err instanceof HttpError) {
    writeJson(res, err.status, errorBody(err), headers);
    return;
  }
  log.error('unhandled error', { err: String((err as Error)?.stack ?? err) });
  if (!res.headersSent) writeJson(res, 500, errorBody(INTERNAL), headers);
}

export function errorHandler(log: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // express.json and friends flag their own client errors with a status.
    const status = (err as { status?: number }).status;
    if (!(err instanceof HttpError) && status && status >= 400 && status < 500)
      return answerError(res, new HttpError(status, 'bad_request', (err as Error).message), log);
    answerError(res, err, log);
  };
}

const INTERNAL = new HttpError(500, 'internal', 'internal error; nothing you sent was lost');
