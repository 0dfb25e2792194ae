/** The report period `[from, to)`; an open end means "no limit". */
export interface Period {
  from?: number | undefined;
  to?: number | undefined;
}

export function inPeriod(period: Period, at: number): boolean {
  return (period.from === undefined || at >= period.from) && (period.to === undefined || at < period.to);
}
