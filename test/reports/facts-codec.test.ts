import { describe, expect, it } from 'vitest';
import { decodeBlock, encodeBlock } from '../../src/reports/facts-codec';
import { buildReport } from '../../src/reporting/build-report';
import { measureConversations } from '../../src/reporting/conversation-facts';
import { columnsOf, StringIds } from '../../src/reporting/fact-columns';
import { tallyColumns } from '../../src/reporting/tally-columns';
import type { ReportOptionsInput } from '../../src/reporting/report-options';
import { BASE, generate, HOUR, withTestAgentsAndSpam } from './edge-log';

/**
 * Facts measured once, stored and read back give what the engine gives from the events, under
 * options the service never sets (bot replies credited, another zone, other tiers and thresholds).
 */
describe('stored facts', () => {
  const log = generate(300, 3);
  const events = withTestAgentsAndSpam(log.expected);
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
    const settled = facts.conversations.map((f, i) => ({
      facts: f,
      channel: i % 2 ? 'api' : 'web',
      rowTier: i % 3 ? 'urgent' : null,
      group: i % 5 ? null : 'g1',
      mentions: i % 4 ? ['a1', 'a3'] : [],
    }));
    // Two blocks read into one numbering that already holds other strings (another block's).
    const ids = new StringIds();
    ids.id('zzz');
    const half = Math.floor(settled.length / 2);
    // The second block decoded in place (bytes read for it alone, as the settler does), the first copied.
    const blocks = [settled.slice(0, half), settled.slice(half)].map((part, i) =>
      decodeBlock(encodeBlock(part), ids, i === 1),
    );
    // Column for column what the facts give directly.
    const direct = new StringIds();
    for (const name of ids.names) direct.id(name);
    const want0 = columnsOf(settled.slice(0, half), direct);
    expect(blocks[0]!.columns).toEqual(want0);
    expect(blocks[1]!.columns).toEqual(columnsOf(settled.slice(half), direct));
    expect([...blocks[0]!.conversationIds(), ...blocks[1]!.conversationIds()]).toEqual(
      facts.conversations.map((f) => f.id),
    );
    const want = buildReport({ events }, o);
    const parts = blocks.map((b) => ({ columns: b.columns, rows: null }));
    expect(tallyColumns(parts, ids, facts.testAgents, o)).toEqual(want);
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
