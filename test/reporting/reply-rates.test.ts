import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reporting/build-report';
import type { ReportEvent } from '../../src/reporting/report-event';
import type { ReportOptionsInput } from '../../src/reporting/report-options';

/** Shop-local wall time on 2024-06-03 (Asia/Shanghai, UTC+8, no DST). */
const local = (hhmmss: string, day = '2024-06-03') => Date.parse(`${day}T${hhmmss}+08:00`);

function chat(conversationId: string, customerId = `buyer-${conversationId}`) {
  const events: ReportEvent[] = [];
  const base = { conversationId, customerId };
  const push = (e: ReportEvent) => {
    events.push(e);
    return api;
  };
  const api = {
    events,
    customer: (at: number) => push({ ...base, from: 'customer', at }),
    agent: (at: number, agentId = 'a') => push({ ...base, from: 'agent', agentId, at }),
    bot: (at: number) => push({ ...base, from: 'bot', at }),
  };
  return api;
}

const report = (chats: { events: ReportEvent[] }[], options: ReportOptionsInput = {}) =>
  buildReport({ events: chats.flatMap((c) => c.events) }, options);

const rateFor = (r: ReturnType<typeof report>, threshold: number) =>
  r.overall.roundReplyRates.find((x) => x.thresholdSeconds === threshold)!;

describe('30-second and 3-minute reply rates over rounds', () => {
  const s = (sec: number) => local('10:00:00') + sec * 1000;
  // Round 1: two messages, answered 25 s after the first. Round 2: 40 s. Round 3: the bot at
  // 5 s, a person at 200 s. Round 4: never answered.
  const rounds = () =>
    chat('r')
      .customer(s(0))
      .customer(s(20))
      .agent(s(25))
      .customer(s(100))
      .agent(s(140))
      .customer(s(300))
      .bot(s(305))
      .agent(s(500))
      .customer(s(600));

  it('when human replies only, then each round is timed from its first message and the unanswered one is not within', () => {
    const r = report([rounds()]);

    expect(rateFor(r, 30)).toMatchObject({ rounds: 4, within: 1, rate: 0.25 });
    expect(rateFor(r, 180)).toMatchObject({ rounds: 4, within: 2, rate: 0.5 });
  });

  it('when bot replies are credited, then the bot reply closes round 3 at 5 s', () => {
    const r = report([rounds()], { creditBotReplies: true });

    expect(rateFor(r, 30)).toMatchObject({ rounds: 4, within: 2, rate: 0.5 });
    expect(rateFor(r, 180)).toMatchObject({ rounds: 4, within: 3, rate: 0.75 });
    // Human figures never credit the bot.
    expect(r.overall.averageResponseSeconds).toBeCloseTo((25 + 40 + 200) / 3, 3);
  });

  it('when a round starts before 08:00 local, then it is outside the default window; at 08:00 it counts', () => {
    const early = chat('early').customer(local('07:59:59')).agent(local('08:00:05'));
    const onTime = chat('on-time').customer(local('08:00:00')).agent(local('08:01:00'));

    const r = report([early, onTime]);

    expect(rateFor(r, 30)).toMatchObject({ rounds: 1, within: 0 });
    expect(rateFor(r, 180)).toMatchObject({ rounds: 1, within: 1 });
  });

  it('when the window and thresholds are configured, then they are used', () => {
    const early = chat('early').customer(local('07:00:00')).agent(local('07:00:50'));

    const r = report([early], {
      roundWindow: { start: '00:00', end: '24:00' },
      roundThresholdsSeconds: [60],
    });

    expect(r.overall.roundReplyRates).toEqual([{ thresholdSeconds: 60, rounds: 1, within: 1, rate: 1 }]);
  });

  it('when a reply comes exactly at the threshold, then it is within', () => {
    const r = report([chat('edge').customer(local('12:00:00')).agent(local('12:00:30'))]);

    expect(rateFor(r, 30).within).toBe(1);
  });
});

describe('reply rate and effective reply rate per day', () => {
  // Five consumers on 2024-06-03:
  //   A asks 09:00 (answered 09:30) and, in a second chat, 15:00 (answered exactly 1 h later) → valid, counted once
  //   B asks 10:00, answered 11:00:01 → invalid (over one hour)
  //   C asks 22:59, never answered → invalid
  //   D asks 23:30 (outside 08:00–23:00), never answered → not an effective-rate consumer
  //   E asks 07:00 (outside) answered 2 h later, and 12:00 answered a minute later → valid
  const consumers = () => [
    chat('a1', 'A').customer(local('09:00:00')).agent(local('09:30:00')),
    chat('a2', 'A').customer(local('15:00:00')).agent(local('16:00:00')),
    chat('b', 'B').customer(local('10:00:00')).agent(local('11:00:01')),
    chat('c', 'C').customer(local('22:59:00')),
    chat('d', 'D').customer(local('23:30:00')),
    chat('e', 'E')
      .customer(local('07:00:00'))
      .agent(local('09:00:00'))
      .customer(local('12:00:00'))
      .agent(local('12:01:00')),
  ];

  it('when consumers ask in and out of 08:00–23:00, then each counts once and late or missing replies make them invalid', () => {
    const r = report(consumers());

    expect(r.days).toHaveLength(1);
    const day = r.days[0]!;
    expect(day.date).toBe('2024-06-03');
    expect([day.customersAsked, day.customersAnswered, day.replyRate]).toEqual([5, 3, 0.6]);
    expect(day.effective).toMatchObject({
      consumers: 4,
      invalid: 2,
      rate: 0.5,
      belowPlatformThreshold: false,
    });
  });

  it('when the limit is two hours, then B becomes valid', () => {
    const r = report(consumers(), { effectiveReply: { limitSeconds: 7200 } });

    expect(r.days[0]!.effective).toMatchObject({ consumers: 4, invalid: 1, rate: 0.75 });
  });

  it('when the window runs to midnight, then D is counted and invalid', () => {
    const r = report(consumers(), { effectiveReply: { window: { start: '08:00', end: '24:00' } } });

    expect(r.days[0]!.effective).toMatchObject({ consumers: 5, invalid: 3, rate: 0.4 });
  });

  it('when the bot answers and bot replies are not credited, then the customer is not answered', () => {
    const r = report([chat('bot', 'F').customer(local('10:00:00')).bot(local('10:00:01'))]);

    expect(r.days[0]!.customersAnswered).toBe(0);
    expect(r.days[0]!.effective.invalid).toBe(1);
    const credited = report([chat('bot', 'F').customer(local('10:00:00')).bot(local('10:00:01'))], {
      creditBotReplies: true,
    });
    expect(credited.days[0]!.customersAnswered).toBe(1);
    expect(credited.days[0]!.effective.invalid).toBe(0);
  });

  it('when at least 100 consumers asked and under half were validly answered, then the day is flagged', () => {
    const chats = Array.from({ length: 100 }, (_, i) => {
      const c = chat(`p${i}`, `P${i}`).customer(local('10:00:00'));
      return i < 49 ? c.agent(local('10:01:00')) : c;
    });

    const r = report(chats);

    expect(r.days[0]!.effective).toMatchObject({
      consumers: 100,
      invalid: 51,
      rate: 0.49,
      belowPlatformThreshold: true,
    });
  });
});
