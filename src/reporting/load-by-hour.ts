import type { FirstResponseFacts } from './first-response';
import { median, toSecondsOrNull } from './stats';
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

/** Arrivals and first-response times by local hour of day, summed over the days of the period. */
export class HourLoadTally {
  private readonly arrivals = new Array<number>(24).fill(0);
  private readonly humanArrivals = new Array<number>(24).fill(0);
  /** Human arrivals per (day, hour), for the busiest day of each hour. */
  private readonly perDayHour = new Map<number, number>();
  private readonly anyMs: number[][] = Array.from({ length: 24 }, () => []);
  private readonly humanMs: number[][] = Array.from({ length: 24 }, () => []);
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
    this.arrivals[h]!++;
    if (day < this.firstDay) this.firstDay = day;
    if (day > this.lastDay) this.lastDay = day;
    if (firstReplyAt !== null) this.anyMs[h]!.push(firstReplyAt - startAt);
    if (!awaitsHuman) return;
    this.humanArrivals[h]!++;
    const key = day * 24 + h;
    this.perDayHour.set(key, (this.perDayHour.get(key) ?? 0) + 1);
    if (firstHumanAt !== null) this.humanMs[h]!.push(firstHumanAt - startAt);
  }

  /** Calendar days from the first to the last conversation start, inclusive (quiet days count). */
  observedDays(): number {
    return this.lastDay >= this.firstDay ? this.lastDay - this.firstDay + 1 : 0;
  }

  figures(): HourLoad[] {
    return finish(this.figureSteps());
  }

  /** `figures`, a step per hour (two medians each). */
  *figureSteps(): Steps<HourLoad[]> {
    const days = this.observedDays();
    const peak = new Array<number>(24).fill(0);
    for (const [key, count] of this.perDayHour) {
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
        firstResponseMedianSeconds: toSecondsOrNull(median(this.anyMs[hour]!)),
        firstHumanResponseMedianSeconds: toSecondsOrNull(median(this.humanMs[hour]!)),
      });
      yield;
    }
    return out;
  }
}
