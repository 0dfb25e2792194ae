import { randomBytes } from 'node:crypto';

/**
 * Time-ordered unique ids (UUIDv7 layout): new rows land at the end of the id index instead of on
 * a random page, which keeps each commit's dirty pages — and its cost — small.
 */
export function newId(now = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
