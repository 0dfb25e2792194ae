import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reporting/build-report';
import type { ReportEvent } from '../../src/reporting/report-event';
import { ReportError } from '../../src/reporting/report-errors';
import { createZoneClock } from '../../src/reporting/time-zone';

const msg = (conversationId: string, from: 'customer' | 'agent', iso: string): ReportEvent => ({
  conversationId,
  customerId: `buyer-${conversationId}`,
  from,
  ...(from === 'agent' && { agentId: 'a' }),
  at: Date.parse(iso),
});

/** Wall clock read straight from Intl, the reference the cached clock must agree with. */
function intlWall(at: number, timeZone: string): { date: string; hour: number; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

describe('time-zone bucketing', () => {
  // 15:59:59Z is 23:59:59 in Shanghai on June 3; 16:00:00Z is midnight June 4 there — both June 3 in UTC.
  const events = [
    msg('late', 'customer', '2024-06-03T15:59:59Z'),
    msg('late', 'agent', '2024-06-03T16:00:20Z'),
    msg('midnight', 'customer', '2024-06-03T16:00:00Z'),
  ];

  it('when the shop is in Asia/Shanghai, then messages either side of local midnight fall on two days and hours 23 and 0', () => {
    const r = buildReport({ events }, { timeZone: 'Asia/Shanghai' });

    expect(r.days.map((d) => [d.date, d.customersAsked, d.customersAnswered])).toEqual([
      ['2024-06-03', 1, 1], // answered after midnight still answers the day it was asked
      ['2024-06-04', 1, 0],
    ]);
    expect(r.hours[23]!.arrivals).toBe(1);
    expect(r.hours[0]!.arrivals).toBe(1);
  });

  it('when the same events are bucketed in UTC, then they share one day and sit at hours 15 and 16', () => {
    const r = buildReport({ events }, { timeZone: 'UTC' });

    expect(r.days.map((d) => [d.date, d.customersAsked])).toEqual([['2024-06-03', 2]]);
    expect(r.hours[15]!.arrivals).toBe(1);
    expect(r.hours[16]!.arrivals).toBe(1);
  });

  it('when the zone is unknown, then the report fails with an error naming the zone', () => {
    expect(() => buildReport({ events }, { timeZone: 'Mars/Olympus_Mons' })).toThrow(ReportError);
    expect(() => buildReport({ events }, { timeZone: 'Mars/Olympus_Mons' })).toThrow(
      /unknown time zone "Mars\/Olympus_Mons"/,
    );
  });

  it('when clocks change (DST, half-hour zones, a 30-minute DST shift), then the cached clock agrees with Intl every 10 minutes', () => {
    const cases: [string, string][] = [
      ['America/New_York', '2024-03-09T00:00:00Z'],
      ['America/New_York', '2024-11-02T00:00:00Z'],
      ['Europe/Berlin', '2024-10-26T12:00:00Z'],
      ['Asia/Kolkata', '2024-06-01T00:00:00Z'],
      ['Australia/Lord_Howe', '2024-04-06T00:00:00Z'],
      ['Australia/Lord_Howe', '2024-10-05T00:00:00Z'],
    ];
    for (const [zone, start] of cases) {
      const clock = createZoneClock(zone);
      for (let at = Date.parse(start); at < Date.parse(start) + 2 * 86_400_000; at += 600_000) {
        const slot = clock.local(at);
        expect({
          zone,
          at: new Date(at).toISOString(),
          date: clock.dateLabel(slot.day),
          hour: slot.hour,
          minute: Math.floor(slot.msOfDay / 60_000) % 60,
        }).toEqual({
          zone,
          at: new Date(at).toISOString(),
          ...intlWall(at, zone),
        });
      }
    }
  });

  it('when New York falls back, then both 01:30s land in hour 1 of the same day', () => {
    const clock = createZoneClock('America/New_York');
    const edt = clock.local(Date.parse('2024-11-03T05:30:00Z'));
    const est = clock.local(Date.parse('2024-11-03T06:30:00Z'));

    expect([edt.hour, est.hour, clock.dateLabel(edt.day), clock.dateLabel(est.day)]).toEqual([
      1,
      1,
      '2024-11-03',
      '2024-11-03',
    ]);
  });

  it('when a local date is turned into an instant, then it is that midnight in the zone', () => {
    expect(createZoneClock('Asia/Shanghai').instantOf('2024-06-04')).toBe(
      Date.parse('2024-06-04T00:00:00+08:00'),
    );
    expect(createZoneClock('America/New_York').instantOf('2024-11-03')).toBe(
      Date.parse('2024-11-03T00:00:00-04:00'),
    );
    expect(createZoneClock('America/New_York').instantOf('2024-11-04')).toBe(
      Date.parse('2024-11-04T00:00:00-05:00'),
    );
  });
});
