import type { NextFunction, Request, Response } from 'express';

/**
 * The widget runs on the shop's own pages, another origin than ours. Its endpoints authenticate
 * with a visitor token in the body or query, never with cookies, so any origin may call them.
 */
export function widgetCors(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('access-control-allow-origin', '*');
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', 'content-type');
    res.setHeader('access-control-max-age', '86400');
    res.status(204).end();
    return;
  }
  next();
}
