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
});
