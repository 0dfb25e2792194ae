import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Why a webhook request is refused (always answered 401 and logged). */
export type Refusal = 'missing_signature' | 'bad_signature' | 'stale_timestamp';

/**
 * Constant-time equality for strings of any length: both sides are hashed first, so a wrong length
 * neither throws (bottender's Slack check does) nor returns early.
 */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function compare(provided: string | undefined, expected: string): Refusal | null {
  if (!provided) return 'missing_signature';
  return safeEqual(provided, expected) ? null : 'bad_signature';
}

const hmac = (algorithm: 'sha1' | 'sha256', key: string, data: Buffer | string) =>
  createHmac(algorithm, key).update(data);

/** Telegram echoes the `secret_token` given to setWebhook; bottender never checks it. */
export function checkTelegram(provided: string | undefined, secretToken: string): Refusal | null {
  return compare(provided, secretToken);
}

/** LINE: base64 HMAC-SHA256 of the raw body with the channel secret. */
export function checkLine(
  rawBody: Buffer,
  provided: string | undefined,
  channelSecret: string,
): Refusal | null {
  return compare(provided, hmac('sha256', channelSecret, rawBody).digest('base64'));
}

/** Meta: `sha256=<hex>` HMAC of the raw body with the app secret (bottender only knows the SHA-1 header). */
export function checkMessenger(
  rawBody: Buffer,
  provided: string | undefined,
  appSecret: string,
): Refusal | null {
  return compare(provided?.toLowerCase(), `sha256=${hmac('sha256', appSecret, rawBody).digest('hex')}`);
}

export const SLACK_MAX_SKEW_MS = 5 * 60 * 1000;

/** Slack v0: HMAC-SHA256 of `v0:<timestamp>:<body>`; old timestamps are replays. */
export function checkSlack(
  rawBody: Buffer,
  provided: string | undefined,
  timestamp: string | undefined,
  signingSecret: string,
  now = Date.now(),
): Refusal | null {
  if (!provided || !timestamp) return 'missing_signature';
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp) * 1000) > SLACK_MAX_SKEW_MS) {
    return 'stale_timestamp';
  }
  const base = Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), rawBody]);
  return compare(provided, `v0=${hmac('sha256', signingSecret, base).digest('hex')}`);
}

/** Viber: hex HMAC-SHA256 of the raw body with the bot's auth token. */
export function checkViber(rawBody: Buffer, provided: string | undefined, authToken: string): Refusal | null {
  return compare(provided?.toLowerCase(), hmac('sha256', authToken, rawBody).digest('hex'));
}

/** Twilio: base64 HMAC-SHA1 of the full URL followed by every POST param as key+value, keys sorted. */
export function checkTwilio(
  url: string,
  params: URLSearchParams,
  provided: string | undefined,
  authToken: string,
): Refusal | null {
  const keys = [...new Set(params.keys())].sort();
  const data = keys.reduce(
    (acc, key) =>
      acc +
      params
        .getAll(key)
        .sort()
        .map((value) => key + value)
        .join(''),
    url,
  );
  return compare(provided, hmac('sha1', authToken, Buffer.from(data, 'utf8')).digest('base64'));
}
