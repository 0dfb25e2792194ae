import { type DailyWindow, inDailyWindow } from './report-options';
import { rate } from './stats';
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

const ASKED = 1;
const ANSWERED = 2;
const ASKED_IN_WINDOW = 4;
const INVALID = 8;

/** Per-day, per-customer state as bit flags: a million messages cost a number each, not an object. */
export class DailyRateTally {
  private readonly days = new Map<number, Map<string, number>>();

  constructor(
    private readonly window: DailyWindow,
    private readonly limitMs: number,
  ) {}

  /** One customer message, with when (if ever) it got a reply that counts. */
  addMessage(customerId: string, at: number, local: LocalSlot, answeredAt: number | null): void {
    let customers = this.days.get(local.day);
    if (customers === undefined) {
      customers = new Map();
      this.days.set(local.day, customers);
    }
    let state = (customers.get(customerId) ?? 0) | ASKED;
    if (answeredAt !== null) state |= ANSWERED;
    if (inDailyWindow(this.window, local.msOfDay)) {
      state |= ASKED_IN_WINDOW;
      if (answeredAt === null || answeredAt - at > this.limitMs) state |= INVALID;
    }
    customers.set(customerId, state);
  }

  figures(dateLabel: (day: number) => string): DayFigures[] {
    return [...this.days.entries()]
      .sort(([a], [b]) => a - b)
      .map(([day, customers]) => {
        let asked = 0;
        let answered = 0;
        let consumers = 0;
        let invalid = 0;
        for (const state of customers.values()) {
          if (state & ASKED) asked++;
          if (state & ANSWERED) answered++;
          if (state & ASKED_IN_WINDOW) consumers++;
          if (state & INVALID) invalid++;
        }
        const effectiveRate = rate(consumers - invalid, consumers);
        return {
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
        };
      });
  }
}
