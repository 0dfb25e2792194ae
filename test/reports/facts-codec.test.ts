import { describe, expect, it } from 'vitest';
import { decodeSettled, encodeSettled } from '../../src/reports/facts-codec';
import { buildReport, tallyFacts } from '../../src/reporting/build-report';
import { measureConversations } from '../../src/reporting/conversation-facts';
import type { ReportOptionsInput } from '../../src/reporting/report-options';
import { BASE, generate, HOUR } from './edge-log';

/**
 * Facts measured once, stored and read back give what the engine gives from the events, under
 * options the service never sets (bot replies credited, another zone, other tiers and thresholds).
 */
describe('stored facts', () => {
  const log = generate(300, 3);
  // Test agents and spam on the events, as an imported log has them.
  const events = log.expected.map((e, i) =>
    e.agentId === 'a4' && i % 2 === 0 ? { ...e, testAgent: true } : i === 40 ? { ...e, spam: true } : e,
  );
  const options: ReportOptionsInput[] = [
    { timeZone: 'Asia/Shanghai', from: BASE + 24 * HOUR, to: BASE + 72 * HOUR },
    { timeZone: 'Europe/Berlin', creditBotReplies: true, roundThresholdsSeconds: [10, 600] },
    {
      timeZone: 'UTC',
      from: BASE,
      to: BASE + 48 * HOUR,
      tiers: { fast: { firstReplySeconds: 20, replySeconds: 40, complianceTarget: 0.5 } },
      defaultTier: 'fast',
      testAgentIds: ['a2'],
      creditBotReplies: true,
      staffing: { basis: 'peak', handleTimeCapSeconds: 600 },
    },
  ];

  it.each(options)('equal the engine run on the events (%j)', (o) => {
    const facts = measureConversations(events, { testAgentIds: o.testAgentIds ?? [] });
    const stored = encodeSettled(
      facts.conversations.map((f) => ({
        facts: f,
        channel: 'api',
        rowTier: null,
        group: null,
        mentions: [],
      })),
    );
    const back = decodeSettled(stored).map((s) => s.facts);
    expect(back).toEqual(facts.conversations);
    const want = buildReport({ events }, o);
    expect(tallyFacts({ conversations: back, testAgents: facts.testAgents }, o)).toEqual(want);
    expect(want.overall.conversations).toBeGreaterThan(0);
    expect(want.input.spamConversations + want.input.testAgentEvents).toBeGreaterThan(0);
  });

  it('keep bot-credited rounds only where they differ', () => {
    const e = (conversationId: string, at: number, from: 'customer' | 'agent' | 'bot') => ({
      conversationId,
      customerId: 'c',
      at,
      from,
      ...(from === 'agent' ? { agentId: 'a1' } : {}),
    });
    const [withBot, agentsOnly] = measureConversations([
      e('k1', 0, 'customer'),
      e('k1', 5, 'bot'),
      e('k1', 60_000, 'agent'),
      e('k2', 0, 'customer'),
      e('k2', 9_000, 'agent'),
    ]).conversations;
    expect(withBot!.measured!.platformRounds).toEqual([
      { startAt: 0, messageAts: [0], answeredAt: 5, agentId: null },
    ]);
    expect(withBot!.measured!.rounds[0]!.answeredAt).toBe(60_000);
    expect(agentsOnly!.measured!.platformRounds).toBeNull();
  });
});
