import { describe, expect, it } from 'vitest';
import { calendarSchema, describeOpening, isOpen, nextOpening } from '../../src/calendar/business-hours';

const at = (iso: string) => Date.parse(iso);

describe('business hours', () => {
  const cal = calendarSchema.parse({
    timezone: 'Asia/Shanghai',
    weekly: {
      mon: ['09:00-12:00', '13:30-18:00'],
      tue: ['09:00-18:00'],
      wed: ['09:00-18:00'],
      thu: ['09:00-18:00'],
      fri: ['22:00-02:00'],
      sat: [],
      sun: [],
    },
    holidays: ['2026-11-25'],
    exceptions: [{ date: '2026-11-26', ranges: ['10:00-12:00'] }],
  });

  it('knows several ranges a day, with the lunch break closed', () => {
    expect(isOpen(cal, at('2026-11-23T11:59:00+08:00'))).toBe(true);
    expect(isOpen(cal, at('2026-11-23T12:30:00+08:00'))).toBe(false);
    expect(nextOpening(cal, at('2026-11-23T12:30:00+08:00'))).toBe(at('2026-11-23T13:30:00+08:00'));
  });

  it('treats holidays as closed and exceptions as the day’s hours', () => {
    expect(isOpen(cal, at('2026-11-25T10:00:00+08:00'))).toBe(false);
    expect(nextOpening(cal, at('2026-11-24T19:00:00+08:00'))).toBe(at('2026-11-26T10:00:00+08:00'));
    expect(isOpen(cal, at('2026-11-26T13:00:00+08:00'))).toBe(false);
  });

  it('runs an overnight shift into the next day', () => {
    expect(isOpen(cal, at('2026-11-27T23:00:00+08:00'))).toBe(true);
    expect(isOpen(cal, at('2026-11-28T01:30:00+08:00'))).toBe(true); // Saturday, from Friday's shift
    expect(isOpen(cal, at('2026-11-28T02:00:00+08:00'))).toBe(false);
    expect(nextOpening(cal, at('2026-11-28T03:00:00+08:00'))).toBe(at('2026-11-30T09:00:00+08:00'));
  });

  it('computes openings across a DST change in the shop’s zone', () => {
    const ny = calendarSchema.parse({
      timezone: 'America/New_York',
      weekly: { mon: ['09:00-17:00'], tue: [], wed: [], thu: [], fri: [], sat: [], sun: ['09:00-17:00'] },
    });
    // DST ended on Sunday 2026-11-01 at 02:00: Sunday 09:00 is EST (-05:00).
    expect(nextOpening(ny, at('2026-10-31T20:00:00-04:00'))).toBe(at('2026-11-01T09:00:00-05:00'));
  });

  it('describes the opening in the customer’s language', () => {
    const now = at('2026-11-23T19:00:00+08:00');
    expect(describeOpening(at('2026-11-24T09:00:00+08:00'), now, 'Asia/Shanghai', 'zh')).toBe('明天 09:00');
    expect(describeOpening(at('2026-11-24T09:00:00+08:00'), now, 'Asia/Shanghai', 'en')).toBe(
      'tomorrow at 09:00',
    );
    expect(describeOpening(at('2026-11-26T10:00:00+08:00'), now, 'Asia/Shanghai', 'zh')).toBe(
      '11月26日 10:00',
    );
  });

  it('rejects unknown zones and malformed ranges, naming the field', () => {
    const r = calendarSchema.safeParse({ timezone: 'Mars/Olympus', weekly: { mon: ['9-5'] } });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('timezone');
    expect(paths.some((p) => p.startsWith('weekly'))).toBe(true);
  });
});
