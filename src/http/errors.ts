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

export function sendError(res: Response, e: HttpError): void {
  res
    .status(e.status)
    .json({ error: { code: e.code, message: e.message, ...(e.fields.length ? { fields: e.fields } : {}) } });
}

export function errorHandler(log: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) return sendError(res, err);
    // express.json and friends flag their own client errors with a status.
    const status = (err as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      return sendError(res, new HttpError(status, 'bad_request', (err as Error).message));
    }
    log.error('unhandled error', { err: String((err as Error)?.stack ?? err) });
    if (!res.headersSent)
      sendError(res, new HttpError(500, 'internal', 'internal error; nothing you sent was lost'));
  };
}
