import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http/errors';
import type { AgentRole, AgentsTable } from '../store/tables';
import type { Sessions } from './sessions';

/** Who is calling: the agent row as of this request, and the bearer token they used. */
export interface Caller {
  agent: AgentsTable;
  token: string;
}

export interface RequireAgentOptions {
  /** Roles allowed (default: any logged-in person). Others get 403. */
  roles?: readonly AgentRole[];
  /**
   * Also accept `?token=` in the query. Only for EventSource streams, which cannot send headers;
   * never for requests that change anything (a token in a URL ends up in logs and histories).
   */
  queryToken?: boolean;
}

export const SUPERVISOR_ROLES: readonly AgentRole[] = ['supervisor', 'admin'];

/** `Authorization: Bearer <token>` (case-insensitive scheme), else undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

/**
 * Middleware: 401 without a valid session, 403 for a role not allowed. On success the caller is in
 * `res.locals.caller` (read it with `callerOf(res)`).
 */
export function requireAgent(sessions: Sessions, options: RequireAgentOptions = {}): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const fromQuery = options.queryToken && typeof req.query.token === 'string' ? req.query.token : undefined;
    const token = bearerToken(req) ?? fromQuery;
    if (!token) {
      throw new HttpError(401, 'unauthenticated', 'log in first: send Authorization: Bearer <token>');
    }
    const agent = await sessions.authenticate(token);
    if (!agent)
      throw new HttpError(401, 'unauthenticated', 'the session is unknown or expired; log in again');
    if (options.roles && !options.roles.includes(agent.role)) {
      throw new HttpError(403, 'forbidden', `this needs the role ${options.roles.join(' or ')}`);
    }
    res.locals.caller = { agent, token } satisfies Caller;
    next();
  };
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new HttpError(401, 'unauthenticated', 'log in first');
  return caller;
}

export const isSupervisor = (agent: Pick<AgentsTable, 'role'>): boolean =>
  SUPERVISOR_ROLES.includes(agent.role);
