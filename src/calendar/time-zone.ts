/** Wall-clock arithmetic in an IANA time zone with nothing but Intl (DST-safe, no dependency). */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
  /** Offset of the zone from UTC at that instant, in ms. */
  offsetMs: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

// Every message asks for the local time (greeting day, business hours): Intl's formatToParts is
// slow enough to matter, and the answer only changes once a minute.
const recent = new Map<string, LocalTime>();

export function localTime(ms: number, tz: string): LocalTime {
  const minuteStart = Math.floor(ms / 60_000) * 60_000;
  const key = `${tz}|${minuteStart}`;
  let base = recent.get(key);
  if (!base) {
    base = computeLocalTime(minuteStart, tz);
    if (recent.size > 1000) recent.clear();
    recent.set(key, base);
  }
  return base;
}

function computeLocalTime(ms: number, tz: string): LocalTime {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(ms)) p[part.type] = part.value;
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: WEEKDAYS[p.weekday!]!,
    minute: +p.hour! * 60 + +p.minute!,
    offsetMs: asUtc - Math.floor(ms / 1000) * 1000,
  };
}

/** The instant at which the zone's clock shows `date` + `minute`. */
export function zonedInstant(date: string, minute: number, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, 0, minute);
  let t = guess - localTime(guess, tz).offsetMs;
  // Near a DST change the offset at the answer can differ from the offset at the guess.
  t = guess - localTime(t, tz).offsetMs;
  return t;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
