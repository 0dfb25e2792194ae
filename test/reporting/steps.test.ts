import { describe, expect, it } from 'vitest';
import { buildReport, tallyFacts, tallyFactsSteps } from '../../src/reporting/build-report';
import { measureConversations } from '../../src/reporting/conversation-facts';
import { prepareConversations, prepareConversationsSteps } from '../../src/reporting/conversations';
import { columnsOf, StringIds } from '../../src/reporting/fact-columns';
import { finish, type Steps, sortSteps } from '../../src/reporting/steps';
import { tallyColumns, tallyColumnsSteps } from '../../src/reporting/tally-columns';
import { BASE, generate, HOUR, rng, settledItems } from '../reports/edge-log';

/**
 * The engine's long work in steps (src/reporting/steps.ts): it stops often, and stopping changes
 * nothing — the result is the one the straight-through functions give.
 */

/** Runs steps to the end, counting the stops. */
function stepThrough<T>(steps: Steps<T>): { value: T; stops: number } {
  let stops = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { value: r.value, stops };
    stops++;
  }
}

describe('engine steps', () => {
  const log = generate(500, 7);
  const options = { timeZone: 'Asia/Shanghai', from: BASE + 24 * HOUR, to: BASE + 72 * HOUR };

  it('tally columns in steps: many stops, the same report', () => {
    const facts = measureConversations(log.expected);
    const items = settledItems(facts);
    const ids = new StringIds();
    const parts = [0, 200, 400].map((at) => ({
      columns: columnsOf(items.slice(at, at + 200), ids),
      rows: null,
    }));
    const want = tallyFacts(facts, options);
    expect(want).toEqual(buildReport({ events: log.expected }, options));
    const stepped = stepThrough(tallyColumnsSteps(parts, ids, facts.testAgents, options));
    expect(stepped.value).toEqual(want);
    expect(tallyColumns(parts, ids, facts.testAgents, options)).toEqual(want);
    // A step per part, then the figures: days, summaries, agents and every hour of the day apart.
    expect(stepped.stops).toBeGreaterThanOrEqual(parts.length + 24);
  });

  it('tally fact objects in steps: the same report', () => {
    const facts = measureConversations(log.expected);
    const stepped = stepThrough(tallyFactsSteps(facts, options));
    expect(stepped.value).toEqual(tallyFacts(facts, options));
    expect(stepped.stops).toBeGreaterThanOrEqual(24);
  });

  it('prepare conversations in steps: the same conversations', () => {
    const prepareOptions = { testAgentIds: ['a4'], tierNames: new Set(['urgent']), defaultTier: 'general' };
    // Fresh copies for each run: nothing shared between the two.
    const copy = () => log.expected.map((e) => ({ ...e }));
    const stepped = stepThrough(prepareConversationsSteps(copy(), prepareOptions));
    expect(stepped.value).toEqual(prepareConversations(copy(), prepareOptions));
    expect(stepped.stops).toBeGreaterThan(0);
  });

  it('sort in steps: exactly what Array.prototype.sort gives, ties in input order', () => {
    const random = rng(3);
    for (const n of [0, 1, 100, 8192, 8193, 30_000, 70_001]) {
      // Few distinct keys: many ties, so stability shows.
      const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(random() * 50), i }));
      const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
      const want = [...items].sort(byKey);
      const stepped = stepThrough(sortSteps([...items], byKey));
      expect(stepped.value).toEqual(want);
      if (n > 8192) expect(stepped.stops).toBeGreaterThan(n / 8192);
      expect(finish(sortSteps([...items], byKey))).toEqual(want);
    }
  });
});
