import { describe, expect, it } from 'vitest';
import { measureConversations } from '../../src/reporting/conversation-facts';
import {
  type ColumnPart,
  columnsOf,
  rowHasCustomerMessageIn,
  StringIds,
} from '../../src/reporting/fact-columns';
import { tallyColumnsByDay } from '../../src/reporting/report-by-day';
import type { ReportOptionsInput } from '../../src/reporting/report-options';
import { tallyColumns } from '../../src/reporting/tally-columns';
import { BASE, generate, HOUR, settledItems, withTestAgentsAndSpam } from '../reports/edge-log';

/**
 * A report by day tallies each conversation once per day and merges the days into the period's
 * figures: the period's report must be exactly `tallyColumns` over the whole period, and each day's
 * exactly `tallyColumns` over the conversations with a customer message that day, period the day —
 * compared as JSON, so key order counts too.
 */
describe('tallyColumnsByDay', () => {
  const log = generate(600, 13);
  const events = withTestAgentsAndSpam(log.expected);
  const presence = [
    { agentId: 'a1', from: BASE + 2 * HOUR, to: BASE + 30 * HOUR },
    { agentId: 'a2', from: BASE + 20 * HOUR, to: BASE + 90 * HOUR },
    { agentId: 'a3', from: BASE - 10 * HOUR, to: BASE + 5 * HOUR },
  ];
  const options: ReportOptionsInput[] = [
    { timeZone: 'Asia/Shanghai', from: BASE - 24 * HOUR, to: BASE + 6 * 24 * HOUR },
    // Cut inside days, a half-hour offset, bot replies credited.
    { timeZone: 'Asia/Kolkata', from: BASE + 5 * HOUR, to: BASE + 53 * HOUR, creditBotReplies: true },
    { timeZone: 'America/Los_Angeles', from: BASE + 7 * HOUR + 123, to: BASE + 77 * HOUR - 45 },
    // One day only, and less than a day.
    { timeZone: 'Europe/Berlin', from: BASE + 30 * HOUR, to: BASE + 40 * HOUR },
    {
      timeZone: 'UTC',
      from: BASE,
      to: BASE + 72 * HOUR,
      tiers: { fast: { firstReplySeconds: 20, replySeconds: 40, complianceTarget: 0.5 } },
      defaultTier: 'fast',
      testAgentIds: ['a2'],
      staffing: { basis: 'peak', handleTimeCapSeconds: 600 },
      effectiveReply: { window: { start: '22:00', end: '06:00' }, limitSeconds: 120 },
      roundWindow: { start: '00:00', end: '24:00' },
    },
  ];

  it.each(options)('equals the period tallied whole and each day tallied alone (%j)', (o) => {
    const facts = measureConversations(events, { testAgentIds: o.testAgentIds ?? [] });
    const items = settledItems(facts);
    const ids = new StringIds();
    // Two parts, the second read through a row list (as settled blocks with filters are).
    const half = Math.floor(items.length / 2);
    const parts: ColumnPart[] = [
      { columns: columnsOf(items.slice(0, half), ids), rows: null },
      {
        columns: columnsOf(items, ids),
        rows: Int32Array.from({ length: items.length - half }, (_, k) => half + k),
      },
    ];
    const byDay = tallyColumnsByDay(parts, ids, facts.testAgents, o, presence);

    const whole = tallyColumns(parts, ids, facts.testAgents, o, presence);
    expect(whole.overall.conversations).toBeGreaterThan(0);
    expect(JSON.stringify(byDay.report)).toBe(JSON.stringify(whole));

    // The days tile the period.
    expect(byDay.days[0]!.from).toBe(o.from);
    expect(byDay.days.at(-1)!.to).toBe(o.to);
    for (let d = 1; d < byDay.days.length; d++) expect(byDay.days[d]!.from).toBe(byDay.days[d - 1]!.to);
    let conversations = 0;
    for (const day of byDay.days) {
      const dayParts = parts.map((p) => {
        const rows: number[] = [];
        const n = p.rows === null ? p.columns.size : p.rows.length;
        for (let k = 0; k < n; k++) {
          const i = p.rows === null ? k : p.rows[k]!;
          if (rowHasCustomerMessageIn(p.columns, i, day.from, day.to)) rows.push(i);
        }
        return { columns: p.columns, rows: Int32Array.from(rows) };
      });
      const alone = tallyColumns(dayParts, ids, facts.testAgents, { ...o, from: day.from, to: day.to });
      expect(JSON.stringify(day.report), day.date).toBe(JSON.stringify(alone));
      conversations += alone.overall.conversations;
    }
    expect(conversations).toBe(whole.overall.conversations);
  });
});
