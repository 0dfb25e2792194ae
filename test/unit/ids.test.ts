import { describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids';

describe('newId', () => {
  it('is a version-7 UUID that sorts by time and does not repeat', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    const many = new Set(Array.from({ length: 10_000 }, () => newId(1)));
    expect(many.size).toBe(10_000);
  });

  it('writes the milliseconds in its first 48 bits, also when the time goes back', () => {
    expect(newId(0x0123456789ab).slice(0, 15)).toBe('01234567-89ab-7');
    expect(newId(0).slice(0, 15)).toBe('00000000-0000-7');
    expect(newId(0xffffffffffff).slice(0, 15)).toBe('ffffffff-ffff-7');
    expect(newId(0x0123456789ab + 0.75)).toMatch(
      /^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(newId(1_700_000_000_000).slice(0, 13)).toBe(
      `${(1_700_000_000_000).toString(16).padStart(12, '0').slice(0, 8)}-${(1_700_000_000_000).toString(16).padStart(12, '0').slice(8)}`,
    );
  });

  it('spreads the random part over every hex digit and the four variants', () => {
    const digits = new Set<string>();
    const variants = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = newId(5);
      for (const c of id.slice(15).replaceAll('-', '')) digits.add(c);
      variants.add(id[19]!);
    }
    expect(digits.size).toBe(16);
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
