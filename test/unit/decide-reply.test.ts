import { describe, expect, it } from 'vitest';
import { intentSchema } from '../../src/content/schemas';
import { type DecideInput, decideReply } from '../../src/inbound/decide-reply';
import type { MatchResult } from '../../src/matching/matcher';
import { normalize } from '../../src/matching/normalize';
import { defaultShopSettings } from '../../src/shop/settings';

const NOW = Date.parse('2026-11-23T10:00:00+08:00');
const MIN = 60_000;
const intent = (id: string, extra: Record<string, unknown> = {}) =>
  intentSchema.parse({ id, rules: [{ any: [id] }], ...extra });
const matched = (i: ReturnType<typeof intent> | null): MatchResult => ({
  normalized: normalize('x'),
  intent: i,
  score: i ? 1 : 0,
  reason: i ? 'confident' : 'no-match',
  candidates: [],
  corrections: [],
});

function input(
  over: Partial<DecideInput> = {},
  conv: Partial<DecideInput['conversation']> = {},
): DecideInput {
  return {
    match: matched(null),
    now: NOW,
    today: '2026-11-23',
    open: true,
    customer: { greetedDay: '2026-11-23', awayDay: null },
    conversation: { status: 'bot', lastMessageAt: null, lastAgentAt: null, handoffNoticeAt: null, ...conv },
    settings: defaultShopSettings(),
    ...over,
  };
}
const kinds = (i: DecideInput) => decideReply(i).replies.map((r) => `${r.kind}:${r.template}`);

describe('decideReply', () => {
  it('greets on the first message of the day, then answers the question too', () => {
    expect(
      kinds(
        input({
          customer: { greetedDay: '2026-11-22', awayDay: null },
          match: matched(intent('refund-status')),
        }),
      ),
    ).toEqual(['greeting:greeting', 'template:refund-status']);
  });

  it('does not greet into a running chat', () => {
    const i = input(
      { customer: { greetedDay: '2026-11-22', awayDay: null }, match: matched(intent('size')) },
      { lastMessageAt: NOW - 5 * MIN },
    );
    expect(kinds(i)).toEqual(['template:size']);
  });

  it('answers a bare hello on first contact with the greeting alone', () => {
    const hello = intent('greeting', { smalltalk: true });
    expect(kinds(input({ customer: { greetedDay: null, awayDay: null }, match: matched(hello) }))).toEqual([
      'greeting:greeting',
    ]);
  });

  it('hands off unknown text, and keeps quiet about it while the notice is fresh', () => {
    const first = decideReply(input());
    expect(first).toMatchObject({ handoff: true });
    expect(first.replies.map((r) => r.kind)).toEqual(['handoff']);
    expect(kinds(input({}, { status: 'waiting', handoffNoticeAt: NOW - 2 * MIN }))).toEqual([]);
    expect(kinds(input({}, { status: 'waiting', handoffNoticeAt: NOW - 6 * MIN }))).toEqual([
      'handoff:handoff',
    ]);
  });

  it('answers small talk with the hand-off notice while the customer waits for a person', () => {
    const presence = intent('presence', { smalltalk: true });
    expect(
      kinds(input({ match: matched(presence) }, { status: 'waiting', handoffNoticeAt: NOW - 10 * MIN })),
    ).toEqual(['handoff:handoff']);
  });

  it('sends the away message once a day and not right after an agent spoke', () => {
    expect(kinds(input({ open: false }))).toEqual(['away:away']);
    expect(
      kinds(input({ open: false, customer: { greetedDay: '2026-11-23', awayDay: '2026-11-23' } })),
    ).toEqual([]);
    expect(kinds(input({ open: false }, { lastAgentAt: NOW - 3 * MIN }))).toEqual([]);
  });

  it('stays silent when an agent owns the chat', () => {
    expect(decideReply(input({ match: matched(intent('size')) }, { status: 'assigned' })).replies).toEqual(
      [],
    );
  });

  it('hands off a handoff intent even when it is confident', () => {
    const plan = decideReply(input({ match: matched(intent('human', { action: 'handoff' })) }));
    expect(plan).toMatchObject({ handoff: true, reason: 'handoff-keyword' });
  });
});
