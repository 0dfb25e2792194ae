import { type DailyWindow, inDailyWindow } from './report-options';
import type { Round } from './rounds';
import { rate } from './stats';

export interface RoundReplyRate {
  thresholdSeconds: number;
  /** Rounds whose first message fell in the daily window. */
  rounds: number;
  /** Rounds answered within the threshold; a round never answered is not within. */
  within: number;
  rate: number | null;
}

/**
 * Taobao-style reply rates over rounds (30 s, 3 min…): only rounds whose first message falls in
 * the daily window count, and whether bot replies answer depends on how the rounds were cut.
 */
export class RoundReplyRateTally {
  private rounds = 0;
  private readonly within: number[];
  private readonly thresholdsMs: number[];

  constructor(
    private readonly thresholdsSeconds: readonly number[],
    private readonly window: DailyWindow,
  ) {
    this.thresholdsMs = thresholdsSeconds.map((s) => s * 1000);
    this.within = thresholdsSeconds.map(() => 0);
  }

  /** `msOfDay`: local time of day of the round's first message. */
  add(round: Pick<Round, 'startAt' | 'answeredAt'>, msOfDay: number): void {
    this.addRound(round.startAt, round.answeredAt, msOfDay);
  }

  addRound(startAt: number, answeredAt: number | null, msOfDay: number): void {
    this.addRoundAt(startAt, answeredAt ?? Number.NaN, msOfDay);
  }

  /** `addRound` with NaN for "never answered". */
  addRoundAt(startAt: number, answeredAt: number, msOfDay: number): void {
    if (!inDailyWindow(this.window, msOfDay)) return;
    this.rounds++;
    if (Number.isNaN(answeredAt)) return;
    const wait = answeredAt - startAt;
    for (let i = 0; i < this.thresholdsMs.length; i++) if (wait <= this.thresholdsMs[i]!) this.within[i]!++;
  }

  /** Adds another tally's rounds (report-by-day.ts; the same thresholds). */
  absorb(other: RoundReplyRateTally): void {
    this.rounds += other.rounds;
    for (let i = 0; i < this.within.length; i++) this.within[i]! += other.within[i]!;
  }

  figures(): RoundReplyRate[] {
    return this.thresholdsSeconds.map((thresholdSeconds, i) => ({
      thresholdSeconds,
      rounds: this.rounds,
      within: this.within[i]!,
      rate: rate(this.within[i]!, this.rounds),
    }));
  }
}
