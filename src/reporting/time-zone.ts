import { ReportError } from './report-errors';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Where an instant falls on the shop's wall clock. */
export interface LocalSlot {
  /** Local calendar day as a day number (days since 1970-01-01 on the local calendar). */
  day: number;
  /** Local hour 0–23. */
  hour: number;
  /** Milliseconds since local midnight. */
  msOfDay: number;
}

export interface ZoneClock {
  readonly timeZone: string;
  local(at: number): LocalSlot;
  /** Local wall clock minus UTC at `at`, in ms (`local` without building its object). */
  offset(at: number): number;
  /** `YYYY-MM-DD` for a local day number. */
  dateLabel(day: number): string;
  /** The instant the local clock shows midnight of `YYYY-MM-DD` (plus `msOfDay`). */
  instantOf(date: string, msOfDay?: number): number;
}

/**
 * Zones Intl has taken, and each one's format for `CachedZoneClock`: building an Intl format costs
 * a good part of a millisecond, and a report by day builds a clock per day (report-by-day.ts).
 * Bounded by the zones there are.
 */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** Throws a `ReportError` naming the zone when Intl does not know it. */
export function assertTimeZone(timeZone: string): void {
  if (zoneFormats.has(timeZone)) return;
  try {
    zoneFormats.set(
      timeZone,
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
    );
  } catch {
    throw new ReportError(
      'CSB_ERR_REPORT_TIME_ZONE_UNKNOWN',
      `unknown time zone "${timeZone}": use an IANA name such as Asia/Shanghai or UTC`,
      'timeZone',
    );
  }
}

/** Zone → UTC hour → offset (see `createZoneClock`); a zone's map starts over beyond this many hours (~11 years). */
const hourOffsets = new Map<string, Map<number, number>>();
const MAX_CACHED_HOURS = 100_000;

/**
 * Local day/hour bucketing with Intl only. Intl formatting costs microseconds, too slow to call
 * for a million events, so the zone offset is cached per UTC hour: an hour whose start and end
 * share an offset is constant throughout (transitions do not come and go within an hour); an
 * hour containing a transition is computed exactly for each instant.
 */
export function createZoneClock(timeZone: string): ZoneClock {
  assertTimeZone(timeZone);
  return new CachedZoneClock(timeZone);
}

/**
 * A class, not closures: every clock shares the same `offset` function, so the tallies' optimised
 * code keeps calling (and inlining) one target from report to report instead of deoptimising on
 * each new clock and falling back to a generic call that boxes every instant it passes.
 */
class CachedZoneClock implements ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  /** UTC hour → offset; NaN marks an hour with a transition inside. Shared by every clock of the zone. */
  private readonly offsetByHour: Map<number, number>;
  // The last hour asked about: instants come in runs (a conversation's messages), so most calls stop here.
  private lastSlot = Number.NaN;
  private lastOffset = Number.NaN;

  constructor(readonly timeZone: string) {
    assertTimeZone(timeZone);
    this.format = zoneFormats.get(timeZone)!;
    // A report's month is ~720 hours, each two Intl calls the first time: kept across reports.
    let cached = hourOffsets.get(timeZone);
    if (cached === undefined || cached.size > MAX_CACHED_HOURS) {
      cached = new Map();
      hourOffsets.set(timeZone, cached);
    }
    this.offsetByHour = cached;
  }

  private exactOffset(at: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(at)) {
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    }
    const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return wall - Math.floor(at / 1000) * 1000;
  }

  offset(at: number): number {
    const slot = Math.floor(at / HOUR_MS);
    if (slot === this.lastSlot) return Number.isNaN(this.lastOffset) ? this.exactOffset(at) : this.lastOffset;
    return this.offsetOfSlot(slot, at);
  }

  private offsetOfSlot(slot: number, at: number): number {
    let offset = this.offsetByHour.get(slot);
    if (offset === undefined) {
      const start = this.exactOffset(slot * HOUR_MS);
      offset = start === this.exactOffset(slot * HOUR_MS + HOUR_MS - 1) ? start : Number.NaN;
      this.offsetByHour.set(slot, offset);
    }
    this.lastSlot = slot;
    this.lastOffset = offset;
    return Number.isNaN(offset) ? this.exactOffset(at) : offset;
  }

  local(at: number): LocalSlot {
    const wall = at + this.offset(at);
    const day = Math.floor(wall / DAY_MS);
    const msOfDay = wall - day * DAY_MS;
    return { day, hour: Math.floor(msOfDay / HOUR_MS), msOfDay };
  }

  dateLabel(day: number): string {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  instantOf(date: string, msOfDay = 0): number {
    const wall = Date.parse(`${date}T00:00:00Z`) + msOfDay;
    // Two rounds settle the offset next to a DST change; a wall time that does not exist
    // (inside a spring-forward gap) lands next to the gap.
    let at = wall - this.offset(wall);
    at = wall - this.offset(at);
    return at;
  }
}
