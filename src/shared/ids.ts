import { randomUUID } from 'node:crypto';

/**
 * Time-ordered unique ids (UUIDv7 layout): new rows land at the end of the id index instead of on
 * a random page, which keeps each commit's dirty pages — and its cost — small. The random part
 * comes from randomUUID, which Node serves from a pre-filled entropy pool.
 */
export function newId(now = Date.now()): string {
  const t = now.toString(16).padStart(12, '0');
  const r = randomUUID();
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(15, 18)}-${r.slice(19)}`;
}
