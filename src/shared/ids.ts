import { randomFillSync } from 'node:crypto';

/**
 * Time-ordered unique ids (UUIDv7 layout: 48 bits of milliseconds, version 7, 74 random bits): new
 * rows land at the end of the id index instead of on a random page, which keeps each commit's
 * dirty pages — and its cost — small.
 *
 * Written as bytes and read as one string: a message makes several ids, and building them from
 * randomUUID's string (itself 20 concatenations) left ~450 bytes of garbage each.
 */
export function newId(now = Date.now()): string {
  if (now !== timeAt) {
    // The time part, shared by the ids of one millisecond.
    let t = Math.floor(now); // a clock may hand out fractions of a millisecond
    for (let i = 12; i >= 0; i--) {
      if (i === 8) continue;
      out[i] = HEX[t % 16]!;
      t = Math.floor(t / 16);
    }
    timeAt = now;
  }
  if (poolAt + RANDOM_AT.length + 1 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  for (const i of RANDOM_AT) out[i] = HEX[pool[poolAt++]! & 15]!;
  out[19] = HEX[8 + (pool[poolAt++]! & 3)]!; // the variant: 10xx
  return out.toString('latin1', 0, 36);
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** tttttttt-tttt-7rrr-vrrr-rrrrrrrrrrrr */
const out = Buffer.from('00000000-0000-7000-8000-000000000000', 'latin1');
const RANDOM_AT = [15, 16, 17, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
let timeAt = Number.NaN;
