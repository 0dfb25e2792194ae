import { describe, expect, it } from 'vitest';
import { buildReport, tallyFacts } from '../../src/reporting/build-report';
import { measureConversations } from '../../src/reporting/conversation-facts';
import { columnsOf, StringIds } from '../../src/reporting/fact-columns';
import type { ReportOptionsInput } from '../../src/reporting/report-options';
import {
  percentileOf,
  percentileOfSorted,
  percentileSteps,
  sortedCopy,
  summarizeMs,
  summarizeMsSteps,
} from '../../src/reporting/stats';
import { tallyColumns } from '../../src/reporting/tally-columns';
import { BASE, generate, HOUR, settledItems, withTestAgentsAndSpam } from '../reports/edge-log';

/**
 * The columnar tally gives exactly what the object tally gives over the same facts, whatever the
 * options, and however the conversations are split into parts and rows.
 */
describe('tallyColumns', () => {
  const log = generate(500, 7);
  const events = withTestAgentsAndSpam(log.expected);
  const options: ReportOptionsInput[] = [
    {},
    { timeZone: 'Asia/Shanghai', from: BASE + 24 * HOUR, to: BASE + 72 * HOUR },
    { timeZone: 'Asia/Shanghai', from: BASE + 30 * HOUR },
    { timeZone: 'Europe/Berlin', creditBotReplies: true, roundThresholdsSeconds: [10, 600] },
    // A zone with a half-hour offset, and a period cut inside a day.
    { timeZone: 'Asia/Kolkata', from: BASE + 5 * HOUR, to: BASE + 53 * HOUR, creditBotReplies: true },
    {
      timeZone: 'UTC',
      from: BASE,
      to: BASE + 48 * HOUR,
      tiers: { fast: { firstReplySeconds: 20, replySeconds: 40, complianceTarget: 0.5 } },
      defaultTier: 'fast',
      testAgentIds: ['a2'],
      creditBotReplies: true,
      staffing: { basis: 'peak', handleTimeCapSeconds: 600 },
      effectiveReply: { window: { start: '22:00', end: '06:00' }, limitSeconds: 120 },
      roundWindow: { start: '00:00', end: '24:00' },
    },
  ];

  it.each(options)('equals tallyFacts (%j)', (o) => {
    const facts = measureConversations(events, { testAgentIds: o.testAgentIds ?? [] });
    const items = settledItems(facts);
    const want = tallyFacts(facts, o);
    expect(want).toEqual(buildReport({ events }, o));
    expect(want.overall.conversations).toBeGreaterThan(0);
    const ids = new StringIds();
    // Whole, and split into two parts where the second is read through a row list.
    const whole = columnsOf(items, ids);
    expect(tallyColumns([{ columns: whole, rows: null }], ids, facts.testAgents, o)).toEqual(want);
    const half = Math.floor(items.length / 2);
    const a = columnsOf(items.slice(0, half), ids);
    const b = columnsOf(items, ids);
    const rows = Int32Array.from({ length: items.length - half }, (_, k) => half + k);
    expect(
      tallyColumns(
        [
          { columns: a, rows: null },
          { columns: b, rows },
        ],
        ids,
        facts.testAgents,
        o,
      ),
    ).toEqual(want);
  });
});

describe('percentiles by selection', () => {
  it('equal the sorted ones, duplicates and all', () => {
    let s = 17;
    const random = () => {
      s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
      return s / 2_147_483_648;
    };
    for (const n of [1, 2, 3, 10, 11, 100, 1001, 20_000]) {
      for (const spread of [3, 1000, 1e9]) {
        const values = Array.from({ length: n }, () => Math.floor(random() * spread));
        const sorted = sortedCopy(values);
        for (const p of [0, 0.1, 0.5, 0.9, 0.99, 1])
          expect(percentileOf(Float64Array.from(values), p)).toBe(percentileOfSorted(sorted, p));
      }
    }
    // Sorted and reverse-sorted input (the degenerate cases of a naive quickselect).
    const up = Array.from({ length: 50_001 }, (_, i) => i * 7);
    const bySorting = (xs: number[]) => {
      const sorted = sortedCopy(xs);
      const at = (p: number) => Math.round(percentileOfSorted(sorted, p)!) / 1000;
      let sum = 0;
      for (const x of sorted) sum += x;
      return { count: xs.length, median: at(0.5), mean: Math.round(sum / xs.length) / 1000, p90: at(0.9) };
    };
    expect(summarizeMs(up)).toEqual(bySorting(up));
    expect(summarizeMs([...up].reverse())).toEqual(bySorting(up));
    // Fractions are summed ascending, as before.
    const fractions = [0.3, 0.1, 0.2, 1e-7, 5.5];
    expect(summarizeMs(fractions)).toEqual(bySorting(fractions));
  });

  it('in steps: a million values take many short steps and give the same figures', () => {
    let s = 5;
    const random = () => {
      s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
      return s / 2_147_483_648;
    };
    for (const spread of [50, 1e9]) {
      const values = Array.from({ length: 1_000_003 }, () => Math.floor(random() * spread));
      const sorted = sortedCopy(values);
      // One selection alone is cut into steps (a partition paused in its middle included).
      const one = percentileSteps(Float64Array.from(values), 0.5);
      let stops = 0;
      let r = one.next();
      for (; !r.done; r = one.next()) stops++;
      expect(r.value).toBe(percentileOfSorted(sorted, 0.5));
      expect(stops).toBeGreaterThan(4);
      // The p90 selected above the median's rank, as the summary does, is the sorted one too.
      const steps = summarizeMsSteps(values);
      let x = steps.next();
      while (!x.done) x = steps.next();
      const at = (p: number) => Math.round(percentileOfSorted(sorted, p)!) / 1000;
      expect(x.value).toMatchObject({ count: values.length, median: at(0.5), p90: at(0.9) });
    }
  });
});
