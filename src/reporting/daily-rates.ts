import { type DailyWindow, inDailyWindow } from './report-options';
import { giveBuffer, takeBuffer } from './scratch';
import { rate } from './stats';
import { finish, type Steps } from './steps';
import type { LocalSlot } from './time-zone';

/** Pinduoduo penalises a day under 50 % effective reply rate when ≥ 100 consumers asked. */
const PLATFORM_MIN_RATE = 0.5;
const PLATFORM_MIN_CONSUMERS = 100;

export interface DayFigures {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  /** Reply rate: customers who got a reply to something they asked that day / customers who asked. */
  customersAsked: number;
  customersAnswered: number;
  replyRate: number | null;
  /** Effective reply rate (Pinduoduo), each consumer once a day. */
  effective: {
    /** Consumers who asked inside the window. */
    consumers: number;
    /** …of whom some message inside the window got no reply, or a reply later than the limit. */
    invalid: number;
    rate: number | null;
    /** Below 50 % on a day with ≥ 100 consumers: the platform penalises it. */
    belowPlatformThreshold: boolean;
  };
}

/** Memory the dense days may take (one byte per customer number and day). */
const DENSE_BYTES = 256 * 2 ** 20;

const ASKED = 1;
const ANSWERED = 2;
const ASKED_IN_WINDOW = 4;
const INVALID = 8;

/**
 * Per-day, per-customer state as bit flags: a million messages cost a number each, not an object.
 * A customer is a key of any kind (their id, or a number standing for it), the same kind throughout.
 */
export class DailyRateTally {
  private readonly days = new Map<number, Map<string | number, number>>();
  /** Days kept as one byte per customer number (`keySpace`), while they fit in `DENSE_BYTES`. */
  private readonly dense = new Map<number, Uint8Array>();
  /** The dense day merged last (NaN: none). */
  private lastDay = Number.NaN;
  private lastBytes: Uint8Array | undefined;

  /** `keySpace`: customers are numbers below it (a Map per day is the slow part at a million). */
  constructor(
    private readonly window: DailyWindow,
    private readonly limitMs: number,
    private readonly keySpace = 0,
  ) {}

  /** One customer message, with when (if ever) it got a reply that counts. */
  addMessage(customerId: string, at: number, local: LocalSlot, answeredAt: number | null): void {
    this.merge(local.day, customerId, this.flagsOf(at, local.msOfDay, answeredAt));
  }

  /** What one message says about its customer's day (`merge` it; several of one day may be or-ed first). */
  flagsOf(at: number, msOfDay: number, answeredAt: number | null): number {
    return this.flagsAt(at, msOfDay, answeredAt ?? Number.NaN);
  }

  /** `flagsOf` with NaN for "never answered". */
  flagsAt(at: number, msOfDay: number, answeredAt: number): number {
    let state = ASKED;
    const answered = !Number.isNaN(answeredAt);
    if (answered) state |= ANSWERED;
    if (inDailyWindow(this.window, msOfDay)) {
      state |= ASKED_IN_WINDOW;
      if (!answered || answeredAt - at > this.limitMs) state |= INVALID;
    }
    return state;
  }

  merge(day: number, customer: string | number, flags: number): void {
    if (typeof customer === 'number' && customer < this.keySpace) {
      // Consecutive merges mostly share a day: skip the Map then.
      let bytes = day === this.lastDay ? this.lastBytes : this.dense.get(day);
      if (bytes === undefined && (this.dense.size + 1) * this.keySpace <= DENSE_BYTES) {
        // Reused memory (scratch.ts), cleared: a fresh megabyte costs ~4 ms of page faults to fill.
        bytes = new Uint8Array(takeBuffer(this.keySpace), 0, this.keySpace).fill(0);
        this.dense.set(day, bytes);
      }
      if (bytes !== undefined) {
        this.lastDay = day;
        this.lastBytes = bytes;
        bytes[customer]! |= flags;
        return;
      }
    }
    let customers = this.days.get(day);
    if (customers === undefined) {
      customers = new Map();
      this.days.set(day, customers);
    }
    customers.set(customer, (customers.get(customer) ?? 0) | flags);
  }

  /**
   * Adds another tally's customer-days (report-by-day.ts; the same window, limit and customer
   * numbering). A day the other kept as bytes is copied as a whole when this has no such day yet
   * and room for it: the days of a period's day tallies are each one tally's.
   */
  absorb(other: DailyRateTally): void {
    for (const [day, bytes] of other.dense) {
      const fits = bytes.length === this.keySpace && (this.dense.size + 1) * this.keySpace <= DENSE_BYTES;
      if (fits && !this.dense.has(day) && !this.days.has(day)) {
        const copy = new Uint8Array(takeBuffer(this.keySpace), 0, this.keySpace);
        copy.set(bytes);
        this.dense.set(day, copy);
      } else {
        for (let customer = 0; customer < bytes.length; customer++)
          if (bytes[customer] !== 0) this.merge(day, customer, bytes[customer]!);
      }
    }
    for (const [day, customers] of other.days)
      for (const [customer, flags] of customers) this.merge(day, customer, flags);
  }

  /** Gives the days' memory back (scratch.ts), once the figures are taken. */
  release(): void {
    for (const bytes of this.dense.values()) giveBuffer(bytes.buffer as ArrayBuffer);
    this.dense.clear();
    this.lastDay = Number.NaN;
    this.lastBytes = undefined;
  }

  figures(dateLabel: (day: number) => string): DayFigures[] {
    return finish(this.figureSteps(dateLabel));
  }

  /** `figures`, a step per day (a dense day is a pass over a byte per customer number). */
  *figureSteps(dateLabel: (day: number) => string): Steps<DayFigures[]> {
    const days = [...new Set([...this.days.keys(), ...this.dense.keys()])].sort((a, b) => a - b);
    const out: DayFigures[] = [];
    for (const day of days) {
      let asked = 0;
      let answered = 0;
      let consumers = 0;
      let invalid = 0;
      const count = (state: number) => {
        if (state & ASKED) asked++;
        if (state & ANSWERED) answered++;
        if (state & ASKED_IN_WINDOW) consumers++;
        if (state & INVALID) invalid++;
      };
      // A customer is in one of the two: a key always takes the same branch of `merge`.
      for (const state of this.days.get(day)?.values() ?? []) count(state);
      const bytes = this.dense.get(day);
      if (bytes) for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) count(bytes[i]!);
      const effectiveRate = rate(consumers - invalid, consumers);
      out.push({
        date: dateLabel(day),
        customersAsked: asked,
        customersAnswered: answered,
        replyRate: rate(answered, asked),
        effective: {
          consumers,
          invalid,
          rate: effectiveRate,
          belowPlatformThreshold:
            consumers >= PLATFORM_MIN_CONSUMERS &&
            effectiveRate !== null &&
            effectiveRate < PLATFORM_MIN_RATE,
        },
      });
      yield;
    }
    return out;
  }
}
