import type { FirstResponseFacts } from './first-response';
import { Durations, percentileOf, toSecondsOrNull } from './stats';
import { finish, type Steps } from './steps';
import type { LocalSlot } from './time-zone';

export interface HourLoad {
  /** Local hour of day 0–23. */
  hour: number;
  /** Conversations started in this hour, over the whole period. */
  arrivals: number;
  /** …of which awaited a person (the ones that need staff). */
  humanArrivals: number;
  /** humanArrivals / observed days. */
  humanArrivalsPerDay: number;
  /** Most human arrivals in this hour on any single day. */
  peakHumanArrivals: number;
  firstResponseMedianSeconds: number | null;
  firstHumanResponseMedianSeconds: number | null;
}

/** Days either side of the first day seen kept in the array of human arrivals per day and hour (a period is ≤ 366 days). */
const NEAR_DAYS = 400;

/** Arrivals and first-response times by local hour of day, summed over the days of the period. */
export class HourLoadTally {
  private readonly arrivals = new Array<number>(24).fill(0);
  private readonly humanArrivals = new Array<number>(24).fill(0);
  /**
   * Human arrivals per (day, hour) (key day × 24 + hour), for the busiest day of each hour: in an
   * array for the days around the first one seen (a Map lookup per conversation was a hot spot),
   * in a Map beyond them. A key is always in the same one of the two.
   */
  private dayHours: Int32Array | null = null;
  private dayHoursBase = 0;
  private readonly farDayHours = new Map<number, number>();
  private readonly anyMs = Array.from({ length: 24 }, () => new Durations());
  private readonly humanMs = Array.from({ length: 24 }, () => new Durations());
  private firstDay = Number.POSITIVE_INFINITY;
  private lastDay = Number.NEGATIVE_INFINITY;

  add(local: LocalSlot, f: FirstResponseFacts): void {
    this.addArrival(local.day, local.hour, f.startAt, f.firstReplyAt, f.firstHumanAt, f.awaitsHuman);
  }

  /** `add` from the local day and hour and the instants themselves. */
  addArrival(
    day: number,
    h: number,
    startAt: number,
    firstReplyAt: number | null,
    firstHumanAt: number | null,
    awaitsHuman: boolean,
  ): void {
    this.addArrivalAt(day, h, startAt, firstReplyAt ?? Number.NaN, firstHumanAt ?? Number.NaN, awaitsHuman);
  }

  /** `addArrival` with NaN for "none". */
  addArrivalAt(
    day: number,
    h: number,
    startAt: number,
    firstReplyAt: number,
    firstHumanAt: number,
    awaitsHuman: boolean,
  ): void {
    this.arrivals[h]!++;
    if (day < this.firstDay) this.firstDay = day;
    if (day > this.lastDay) this.lastDay = day;
    if (!Number.isNaN(firstReplyAt)) this.anyMs[h]!.push(firstReplyAt - startAt);
    if (!awaitsHuman) return;
    this.humanArrivals[h]!++;
    const key = day * 24 + h;
    if (this.dayHours === null) {
      this.dayHours = new Int32Array(2 * NEAR_DAYS * 24);
      this.dayHoursBase = (day - NEAR_DAYS) * 24;
    }
    const x = key - this.dayHoursBase;
    if (x >= 0 && x < this.dayHours.length) this.dayHours[x]!++;
    else this.farDayHours.set(key, (this.farDayHours.get(key) ?? 0) + 1);
    if (!Number.isNaN(firstHumanAt)) this.humanMs[h]!.push(firstHumanAt - startAt);
  }

  /** Adds another tally's arrivals (report-by-day.ts: a period's figures from its days'). */
  absorb(other: HourLoadTally): void {
    for (let h = 0; h < 24; h++) {
      this.arrivals[h]! += other.arrivals[h]!;
      this.humanArrivals[h]! += other.humanArrivals[h]!;
      this.anyMs[h]!.append(other.anyMs[h]!.values());
      this.humanMs[h]!.append(other.humanMs[h]!.values());
    }
    if (other.firstDay < this.firstDay) this.firstDay = other.firstDay;
    if (other.lastDay > this.lastDay) this.lastDay = other.lastDay;
    const near = other.dayHours;
    if (near !== null)
      for (let x = 0; x < near.length; x++)
        if (near[x] !== 0) this.addDayHour(other.dayHoursBase + x, near[x]!);
    for (const [key, count] of other.farDayHours) this.addDayHour(key, count);
  }

  /** Human arrivals of one day × 24 + hour, kept as `addArrivalAt` keeps them. */
  private addDayHour(key: number, count: number): void {
    if (this.dayHours === null) {
      this.dayHours = new Int32Array(2 * NEAR_DAYS * 24);
      this.dayHoursBase = (Math.floor(key / 24) - NEAR_DAYS) * 24;
    }
    const x = key - this.dayHoursBase;
    if (x >= 0 && x < this.dayHours.length) this.dayHours[x]! += count;
    else this.farDayHours.set(key, (this.farDayHours.get(key) ?? 0) + count);
  }

  /** Calendar days from the first to the last conversation start, inclusive (quiet days count). */
  observedDays(): number {
    return this.lastDay >= this.firstDay ? this.lastDay - this.firstDay + 1 : 0;
  }

  /** Gives the durations' memory back (scratch.ts), once the figures are taken. */
  release(): void {
    for (const d of this.anyMs) d.release();
    for (const d of this.humanMs) d.release();
  }

  figures(): HourLoad[] {
    return finish(this.figureSteps());
  }

  /** `figures`, a step per hour (two medians each). */
  *figureSteps(): Steps<HourLoad[]> {
    const days = this.observedDays();
    const peak = new Array<number>(24).fill(0);
    const near = this.dayHours ?? new Int32Array(0);
    // The base is a whole day: index modulo 24 is the hour.
    for (let x = 0; x < near.length; x++) if (near[x]! > peak[x % 24]!) peak[x % 24] = near[x]!;
    for (const [key, count] of this.farDayHours) {
      const h = ((key % 24) + 24) % 24;
      if (count > peak[h]!) peak[h] = count;
    }
    const out: HourLoad[] = [];
    for (let hour = 0; hour < 24; hour++) {
      out.push({
        hour,
        arrivals: this.arrivals[hour]!,
        humanArrivals: this.humanArrivals[hour]!,
        humanArrivalsPerDay: days > 0 ? this.humanArrivals[hour]! / days : 0,
        peakHumanArrivals: peak[hour]!,
        firstResponseMedianSeconds: toSecondsOrNull(percentileOf(this.anyMs[hour]!.values(), 0.5)),
        firstHumanResponseMedianSeconds: toSecondsOrNull(percentileOf(this.humanMs[hour]!.values(), 0.5)),
      });
      yield;
    }
    return out;
  }
}
