import { z } from 'zod';
import { addDays, isValidTimeZone, localTime, zonedInstant } from './time-zone';

/**
 * The shop's calendar: weekly opening ranges (overnight shifts allowed: 22:00-02:00), holidays and
 * exception dates, in one time zone. The bot, routing and reports read the same calendar.
 */

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;
const toMinute = (s: string) => {
  const [, h, m] = HHMM.exec(s)!;
  return Number(h) * 60 + Number(m);
};

export const rangeSchema = z
  .string()
  .regex(/^\d\d:\d\d-\d\d:\d\d$/, 'a range like 09:00-18:00')
  .refine((r) => r.split('-').every((t) => HHMM.test(t) && toMinute(t) <= 1440), 'times are 00:00 to 24:00')
  .refine((r) => r.split('-')[0] !== r.split('-')[1], 'a range cannot start and end at the same time');

const dateSchema = z.iso.date({ error: 'a date like 2026-10-01' });
const day = z.array(rangeSchema);
const everyDay = ['09:00-23:00'];

export const calendarSchema = z.strictObject({
  timezone: z.string().refine(isValidTimeZone, 'not a known IANA time zone').default('Asia/Shanghai'),
  weekly: z.strictObject({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }).default({
    mon: everyDay,
    tue: everyDay,
    wed: everyDay,
    thu: everyDay,
    fri: everyDay,
    sat: everyDay,
    sun: everyDay,
  }),
  /** Closed all day. */
  holidays: z.array(dateSchema).default([]),
  /** Special hours that replace the weekly ones on a date ([] = closed). */
  exceptions: z.array(z.strictObject({ date: dateSchema, ranges: day })).default([]),
});
export type Calendar = z.infer<typeof calendarSchema>;

const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

interface Interval {
  start: number; // minutes from the day's local midnight
  end: number; // may exceed 1440 for overnight ranges
}

function intervalsOn(cal: Calendar, date: string, weekday: number): Interval[] {
  if (cal.holidays.includes(date)) return [];
  const exception = cal.exceptions.find((e) => e.date === date);
  const ranges = exception ? exception.ranges : cal.weekly[DAY_KEYS[weekday]!];
  return ranges.map((r) => {
    const [a, b] = r.split('-').map(toMinute) as [number, number];
    return { start: a, end: b > a ? b : b + 1440 };
  });
}

const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

export function isOpen(cal: Calendar, ms: number): boolean {
  const now = localTime(ms, cal.timezone);
  if (intervalsOn(cal, now.date, now.weekday).some((i) => i.start <= now.minute && now.minute < i.end))
    return true;
  // Yesterday's overnight shift may still be running.
  const yesterday = addDays(now.date, -1);
  return intervalsOn(cal, yesterday, weekdayOf(yesterday)).some(
    (i) => i.end > 1440 && now.minute < i.end - 1440,
  );
}

/** When agents are next on duty: `ms` itself if open now, else the next opening within two weeks. */
export function nextOpening(cal: Calendar, ms: number): number | undefined {
  if (isOpen(cal, ms)) return ms;
  const today = localTime(ms, cal.timezone).date;
  for (let d = 0; d <= 14; d++) {
    const date = addDays(today, d);
    const starts = intervalsOn(cal, date, weekdayOf(date))
      .map((i) => zonedInstant(date, i.start, cal.timezone))
      .filter((t) => t > ms)
      .sort((a, b) => a - b);
    if (starts.length) return starts[0];
  }
  return undefined;
}

/** "今天 18:00" / "明天 09:00" / "11月25日 09:00", or the English equivalents. */
export function describeOpening(at: number, now: number, tz: string, locale: string): string {
  const a = localTime(at, tz);
  const hhmm = `${String(Math.floor(a.minute / 60)).padStart(2, '0')}:${String(a.minute % 60).padStart(2, '0')}`;
  const today = localTime(now, tz).date;
  const zh = locale.startsWith('zh');
  if (a.date === today) return zh ? `今天 ${hhmm}` : `today at ${hhmm}`;
  if (a.date === addDays(today, 1)) return zh ? `明天 ${hhmm}` : `tomorrow at ${hhmm}`;
  const [, m, d] = a.date.split('-').map(Number);
  if (zh) return `${m}月${d}日 ${hhmm}`;
  const month = new Date(Date.UTC(2000, m! - 1, 1)).toLocaleString('en', { month: 'short', timeZone: 'UTC' });
  return `${month} ${d} at ${hhmm}`;
}

/** The shop-local calendar date of an instant: the unit of "once a day". */
export function localDate(ms: number, tz: string): string {
  return localTime(ms, tz).date;
}
