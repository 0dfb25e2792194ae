import type { Logger } from './log';

/** Posts an alert to the shop's webhook, if one is set; a failure is logged, never thrown. */
export async function postAlert(
  url: string | undefined,
  body: Record<string, unknown>,
  log: Logger,
): Promise<void> {
  if (!url) return;
  try {
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
  } catch (e) {
    log.warn('alert webhook failed', { err: String(e) });
  }
}
