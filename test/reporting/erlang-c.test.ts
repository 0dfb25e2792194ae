import { describe, expect, it } from 'vitest';
import {
  averageSpeedOfAnswer,
  erlangB,
  erlangC,
  serversForServiceLevel,
  serviceLevel,
} from '../../src/reporting/erlang-c';
import { suggestStaffing } from '../../src/reporting/staffing';

/** The textbook formula evaluated in log space: an independent check that cannot overflow either. */
function erlangCByLogs(n: number, a: number): number {
  const logFactorial = (k: number) => {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  };
  const logTerms = Array.from({ length: n }, (_, k) => k * Math.log(a) - logFactorial(k));
  const logTop = n * Math.log(a) - logFactorial(n) + Math.log(n / (n - a));
  const max = Math.max(logTop, ...logTerms);
  const sum = logTerms.reduce((s, t) => s + Math.exp(t - max), 0);
  const top = Math.exp(logTop - max);
  return top / (sum + top);
}

describe('erlangC', () => {
  it('when 2 erlangs meet 3 servers, then P(wait) is the hand-computed 4/9', () => {
    // A³/3! · 3/(3−2) = 4; Σ_{k<3} A^k/k! = 1 + 2 + 2 = 5; C = 4 / (5 + 4)
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
  });

  it('when 360 calls per half hour of 4 minutes meet 55 agents, then the textbook values follow (48 erlangs)', () => {
    // The classic worked example: P(wait) ≈ 0.2387, ASA ≈ 8.2 s, 84.6 % answered within 15 s.
    const traffic = (360 / 1800) * 240;
    expect(traffic).toBe(48);
    expect(erlangC(55, traffic)).toBeCloseTo(0.2387, 4);
    expect(averageSpeedOfAnswer(55, traffic, 240)).toBeCloseTo(8.18, 2);
    expect(serviceLevel(55, traffic, 240, 15)).toBeCloseTo(0.8459, 4);
  });

  it('when 10 erlangs meet 14 agents, then P(wait) is the often-quoted 17.4 % (68.2 % with 11)', () => {
    expect(erlangC(14, 10)).toBeCloseTo(0.1741, 4);
    expect(erlangC(11, 10)).toBeCloseTo(0.6821, 4);
  });

  it('when thousands of servers are involved, then the result stays finite and matches the log-space formula', () => {
    for (const [n, a] of [
      [200, 180],
      [1000, 950],
      [5000, 4900],
    ] as const) {
      const c = erlangC(n, a);
      expect(Number.isFinite(c)).toBe(true);
      expect(c).toBeCloseTo(erlangCByLogs(n, a), 9);
    }
  });

  it('when servers do not exceed the traffic, then everyone waits', () => {
    expect(erlangC(5, 5)).toBe(1);
    expect(serviceLevel(4, 5, 60, 20)).toBe(0);
    expect(averageSpeedOfAnswer(4, 5, 60)).toBe(Number.POSITIVE_INFINITY);
  });

  it('when there is no traffic, then nobody waits', () => {
    expect(erlangC(1, 0)).toBe(0);
  });

  it('when Erlang B is asked for 1 server, then it is A / (1 + A)', () => {
    expect(erlangB(1, 3)).toBeCloseTo(0.75, 12);
  });

  it('when servers are not a whole number, then it refuses', () => {
    expect(() => erlangC(2.5, 1)).toThrow(RangeError);
  });
});

describe('serversForServiceLevel', () => {
  it('when 80 % must be answered within 20 s at 10 erlangs, then it returns the fewest servers that reach it', () => {
    const need = serversForServiceLevel(10, 180, 20, 0.8);

    expect(serviceLevel(need.servers, 10, 180, 20)).toBeGreaterThanOrEqual(0.8);
    expect(serviceLevel(need.servers - 1, 10, 180, 20)).toBeLessThan(0.8);
    expect(need.probabilityOfWaiting).toBeCloseTo(erlangC(need.servers, 10), 12);
    // The well-known answer to this example: 14 agents (13 reach only 79.6 %, 14 reach 88.8 %).
    expect(need.servers).toBe(14);
  });
});

describe('suggestStaffing', () => {
  const options = {
    chatsPerAgentHour: { low: 15, high: 20 },
    concurrency: 3,
    serviceLevel: 0.8,
    targetWaitSeconds: 30,
  };

  it('when 31 chats arrive per hour, then the rule of thumb says ⌈31/20⌉ to ⌈31/15⌉ agents', () => {
    expect(suggestStaffing(31, null, options)).toEqual({
      arrivalsPerHour: 31,
      ruleOfThumb: { fewest: 2, most: 3 },
      erlangC: null,
    });
  });

  it('when agents hold 3 chats at once, then Erlang C sizes chat slots and agents are slots ÷ 3 rounded up', () => {
    const s = suggestStaffing(60, 600, options);

    // 60 chats/h × 600 s = 10 erlangs of chat traffic.
    expect(s.erlangC!.trafficErlangs).toBe(10);
    const slots = serversForServiceLevel(10, 600, 30, 0.8).servers;
    expect(s.erlangC!.slots).toBe(slots);
    expect(s.erlangC!.agents).toBe(Math.ceil(slots / 3));
    expect(s.erlangC!.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(s.erlangC!.occupancy).toBeCloseTo(10 / slots, 12);
  });

  it('when nothing arrives, then no agents are suggested', () => {
    expect(suggestStaffing(0, 600, options).erlangC!.agents).toBe(0);
  });
});
