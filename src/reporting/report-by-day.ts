import type { Report } from './build-report';
import type { ColumnPart, StringIds } from './fact-columns';
import type { AgentOnlineInterval } from './report-event';
import { type ReportOptionsInput, resolveReportOptions } from './report-options';
import { finish, ROWS_PER_STEP, type Steps } from './steps';
import { ColumnTally } from './tally-columns';
import { createZoneClock, DAY_MS, type ZoneClock } from './time-zone';

/** One local day of a period, clipped to it: `[from, to)`. */
export interface PeriodDay {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  from: number;
  to: number;
}

export interface ReportByDay {
  /** The whole period's report: exactly `tallyColumns` over the same parts and options. */
  report: Report;
  /** Each day's report: exactly `tallyColumns` over the conversations with a customer message that day, period the day. */
  days: (PeriodDay & { report: Report })[];
}

/**
 * The local days of `[from, to)` in the zone, each clipped to the period: one day's end is the
 * next one's start, the first starts at `from` and the last ends at `to`, so they tile the period.
 */
export function daysOfPeriod(from: number, to: number, zone: ZoneClock): PeriodDay[] {
  const firstDay = zone.local(from).day;
  const lastDay = zone.local(to - 1).day;
  const days: PeriodDay[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const date = zone.dateLabel(day);
    days.push({
      date,
      from: day === firstDay ? from : Math.max(from, zone.instantOf(date)),
      to: day === lastDay ? to : Math.min(to, zone.instantOf(zone.dateLabel(day + 1))),
    });
  }
  return days;
}

/**
 * The rows of each day: those with a customer message inside that day's bounds (a conversation
 * spanning midnight is in both days), as parts in the order of `parts`. By the bounds, not by the
 * local date of the instant, so every message of the period is in exactly one day.
 */
export function* rowsByDaySteps(
  parts: readonly ColumnPart[],
  days: readonly PeriodDay[],
  zone: ZoneClock,
): Steps<ColumnPart[][]> {
  const out: ColumnPart[][] = days.map(() => []);
  if (days.length === 0) return out;
  const starts = Float64Array.from(days, (d) => d.from);
  const ends = Float64Array.from(days, (d) => d.to);
  const from = starts[0]!;
  const to = ends[days.length - 1]!;
  const firstDay = zone.local(from).day;
  // Each day's rows in one growing array, each part's share a view of it at the end: an array
  // apiece was thousands of small allocations for a month.
  const rows = days.map(() => new Int32Array(1024));
  const counts = new Int32Array(days.length);
  /** Per day: part index, start, end of each part's share. */
  const shares: number[][] = days.map(() => []);
  // The day of the last message placed: rows come roughly in time order, so it mostly fits the next.
  let d = 0;
  for (const [index, part] of parts.entries()) {
    const c = part.columns;
    const partStart = counts.slice();
    const n = part.rows === null ? c.size : part.rows.length;
    for (let k = 0; k < n; k++) {
      const i = part.rows === null ? k : part.rows[k]!;
      let placed = -1;
      for (let m = c.customerAtStart[i]!, end = c.customerAtStart[i + 1]!; m < end; m++) {
        const at = c.customerAt[m]!;
        if (at < from || at >= to) continue;
        if (at < starts[d]! || at >= ends[d]!) {
          // The local date gives the day; the bounds settle the rare instant next to a DST change.
          d = Math.min(days.length - 1, Math.max(0, Math.floor((at + zone.offset(at)) / DAY_MS) - firstDay));
          while (at < starts[d]!) d--;
          while (at >= ends[d]!) d++;
        }
        // Ascending times: a day repeats only right after itself.
        if (d === placed) continue;
        placed = d;
        if (counts[d] === rows[d]!.length) {
          const bigger = new Int32Array(2 * counts[d]!);
          bigger.set(rows[d]!);
          rows[d] = bigger;
        }
        rows[d]![counts[d]!++] = i;
      }
      if (k % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    }
    for (let x = 0; x < days.length; x++)
      if (counts[x]! > partStart[x]!) shares[x]!.push(index, partStart[x]!, counts[x]!);
    yield;
  }
  for (let x = 0; x < days.length; x++) {
    const list = shares[x]!;
    for (let s = 0; s < list.length; s += 3)
      out[x]!.push({
        columns: parts[list[s]!]!.columns,
        rows: rows[x]!.subarray(list[s + 1]!, list[s + 2]!),
      });
  }
  return out;
}

/** `tallyColumnsByDaySteps` straight through. */
export function tallyColumnsByDay(
  parts: readonly ColumnPart[],
  ids: StringIds,
  testAgents: readonly string[],
  optionsInput: ReportOptionsInput,
  presence?: readonly AgentOnlineInterval[],
): ReportByDay {
  return finish(tallyColumnsByDaySteps(parts, ids, testAgents, optionsInput, presence));
}

/**
 * A period's report and one report per local day, tallying each conversation once per day it has
 * a customer message on (only that day's share of it: the day's period clips the rest). Every
 * figure of a report is anchored at a customer message — the first one, a round's first, each
 * message — so the days' shares are the whole period's, each counted once: the period's figures
 * are the days' accumulators merged (`ReportTallies.absorb`), plus its input counts taken row by
 * row. Tallying the period and then each day (what this replaces) did every conversation's work
 * twice. Same figures as `tallyColumns` for the period and for each day
 * (test/reporting/report-by-day.test.ts).
 */
export function* tallyColumnsByDaySteps(
  parts: readonly ColumnPart[],
  ids: StringIds,
  testAgents: readonly string[],
  optionsInput: ReportOptionsInput,
  presence?: readonly AgentOnlineInterval[],
): Steps<ReportByDay> {
  const options = resolveReportOptions(optionsInput);
  if (options.from === undefined || options.to === undefined)
    throw new Error('a report by day needs a period with both ends');
  const zone = createZoneClock(options.timeZone);
  const days = daysOfPeriod(options.from, options.to, zone);
  const rowsOfDay = yield* rowsByDaySteps(parts, days, zone);

  let rows = 0;
  for (const p of parts) rows += p.rows === null ? p.columns.size : p.rows.length;
  const whole = new ColumnTally(ids, testAgents, optionsInput, rows);
  for (const p of parts) {
    const n = p.rows === null ? p.columns.size : p.rows.length;
    for (let k = 0; k < n; k += ROWS_PER_STEP) {
      whole.addInput(p, k, Math.min(n, k + ROWS_PER_STEP));
      yield;
    }
  }
  const out: ReportByDay['days'] = [];
  for (const [d, day] of days.entries()) {
    const dayParts = rowsOfDay[d]!;
    let dayRows = 0;
    for (const p of dayParts) dayRows += p.rows!.length;
    const tally = new ColumnTally(ids, testAgents, { ...optionsInput, from: day.from, to: day.to }, dayRows);
    // A day's rows are a few in each part: a step per `ROWS_PER_STEP` rows, not per part.
    let sinceStep = 0;
    for (const p of dayParts) {
      const n = p.rows!.length;
      for (let k = 0; k < n; k += ROWS_PER_STEP) {
        const end = Math.min(n, k + ROWS_PER_STEP);
        tally.add(p, k, end);
        sinceStep += end - k;
        if (sinceStep >= ROWS_PER_STEP) {
          sinceStep = 0;
          yield;
        }
      }
    }
    // Merged before the day's figures, which reorder its durations and then give their memory back
    // for the next day's: one day's tally is alive at a time besides the period's.
    whole.tallies.absorb(tally.tallies);
    yield;
    out.push({ ...day, report: yield* tally.tallies.reportSteps() });
  }
  const report = yield* whole.tallies.reportSteps(presence);
  return { report, days: out };
}
