import type { Report } from './build-report';
import type { SecondsSummary } from './stats';

const DASH = '–';

/** 18.6 s · 3 min 05 s · 2 h 04 min — the unit a reader expects at that size. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return DASH;
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 3600) {
    const whole = Math.round(seconds);
    const rest = whole % 60;
    return rest === 0
      ? `${whole / 60} min`
      : `${Math.floor(whole / 60)} min ${String(rest).padStart(2, '0')} s`;
  }
  const minutes = Math.round(seconds / 60);
  const rest = minutes % 60;
  return rest === 0
    ? `${minutes / 60} h`
    : `${Math.floor(minutes / 60)} h ${String(rest).padStart(2, '0')} min`;
}

/** `1 reply`, `3 replies`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatPercent(share: number | null): string {
  return share === null ? DASH : `${(share * 100).toFixed(1)} %`;
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const numeric = headers.map(
    (_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || !/[a-z]/i.test(String(r[c]))),
  );
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((cell, c) => (numeric[c] && c > 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function summaryCells(s: SecondsSummary): string[] {
  return [String(s.count), formatDuration(s.median), formatDuration(s.mean), formatDuration(s.p90)];
}

function clock(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The readable default output of `npm run report`. */
export function formatReportTable(report: Report): string {
  const o = report.overall;
  const out: string[] = [];
  const section = (title: string, body: string) =>
    out.push(`${title}\n${'─'.repeat(title.length)}\n${body}\n`);

  const p = report.period;
  const i = report.input;
  out.push(
    `Response-time report — ${p.timeZone}, ${p.from ?? 'start of log'} → ${p.to ?? 'end of log'}\n` +
      `${i.events} events (${i.duplicateEvents} duplicate, ${i.testAgentEvents} from test agents); ` +
      `${count(i.conversations, 'conversation')} measured, excluded: ${i.spamConversations} spam, ${i.testConversations} test, ` +
      `${i.conversationsWithoutCustomerMessage} without a customer message\n`,
  );

  section(
    'Overall',
    table(
      ['figure', 'count', 'median', 'mean', 'p90', 'unanswered'],
      [
        [
          'First response (bot or agent)',
          ...summaryCells(o.firstResponseSeconds),
          String(o.firstResponseSeconds.unanswered),
        ],
        [
          'First human response',
          ...summaryCells(o.firstHumanResponseSeconds),
          String(o.firstHumanResponseSeconds.unanswered),
        ],
        [
          'First human response from hand-off',
          ...summaryCells(o.firstHumanResponseFromHandoffSeconds),
          String(o.firstHumanResponseFromHandoffSeconds.unanswered),
        ],
        [
          'Reaction (assignment → reply)',
          ...summaryCells(o.reactionSeconds),
          String(o.reactionSeconds.unanswered),
        ],
      ],
    ) +
      `\n\nConversations: ${o.conversations} (${o.conversationsAwaitingHuman} awaited a person, ${o.resolvedByBot} resolved by the bot)` +
      `\nAverage response time: ${formatDuration(o.averageResponseSeconds)} over ${count(o.replies, 'reply', 'replies')}` +
      ` (${o.unansweredRounds} waits never answered by an agent)` +
      o.roundReplyRates
        .map(
          (r) =>
            `\nReplied within ${formatDuration(r.thresholdSeconds)}: ${formatPercent(r.rate)} (${r.within} of ${count(r.rounds, 'round')})`,
        )
        .join('') +
      `\nReply rate: ${formatPercent(o.replyRate.rate)} (${o.replyRate.customersAnswered} of ${o.replyRate.customersAsked} customer-days)` +
      `\nEffective reply rate: ${formatPercent(o.effectiveReplyRate.rate)} (${o.effectiveReplyRate.invalid} invalid of ${o.effectiveReplyRate.consumers} consumer-days)` +
      `\nTransfers: ${o.transfers}, overdue escalations: ${o.overdue}`,
  );

  section(
    'Compliance per tier',
    table(
      [
        'tier',
        'chats',
        'first target',
        'first within',
        'first rate',
        'reply target',
        'replies within',
        'reply rate',
        'goal',
        'met',
      ],
      report.tiers.map((t) => [
        t.tier,
        t.conversations,
        formatDuration(t.targets.firstReplySeconds),
        `${t.firstReply.within}/${t.firstReply.total}`,
        formatPercent(t.firstReply.rate),
        formatDuration(t.targets.replySeconds),
        `${t.replies.within}/${t.replies.total}`,
        formatPercent(t.replies.rate),
        formatPercent(t.targets.complianceTarget),
        t.firstReply.meetsTarget === null && t.replies.meetsTarget === null
          ? DASH
          : t.firstReply.meetsTarget !== false && t.replies.meetsTarget !== false
            ? 'yes'
            : 'no',
      ]),
    ),
  );

  const any = report.distribution.firstResponse;
  const human = report.distribution.firstHumanResponse;
  section(
    'First-response distribution',
    table(
      ['bucket', 'any reply', 'share', 'human reply', 'share'],
      any.map((b, k) => [
        b.label,
        b.count,
        formatPercent(b.share),
        human[k]!.count,
        formatPercent(human[k]!.share),
      ]),
    ),
  );

  if (report.days.length > 0) {
    section(
      'Per day',
      table(
        ['date', 'asked', 'answered', 'reply rate', 'consumers', 'invalid', 'effective rate'],
        report.days.map((d) => [
          d.date,
          d.customersAsked,
          d.customersAnswered,
          formatPercent(d.replyRate),
          d.effective.consumers,
          d.effective.invalid,
          formatPercent(d.effective.rate) + (d.effective.belowPlatformThreshold ? ' (below 50 %!)' : ''),
        ]),
      ),
    );
  }

  if (report.agents.length > 0) {
    const withPresence = report.agents.some((a) => a.onlineHours !== undefined);
    section(
      'Per agent',
      table(
        [
          'agent',
          'chats',
          'assisted',
          'replies',
          'avg response',
          'first median',
          'first mean',
          'first p90',
          'reaction median',
          'in',
          'out',
          'overdue',
          ...(withPresence ? ['online h', 'chats/h'] : []),
        ],
        report.agents.map((a) => [
          a.agentId,
          a.chatsServed,
          a.assistedChats,
          a.replies,
          formatDuration(a.averageResponseSeconds),
          formatDuration(a.firstResponseSeconds.median),
          formatDuration(a.firstResponseSeconds.mean),
          formatDuration(a.firstResponseSeconds.p90),
          formatDuration(a.reactionSeconds.median),
          a.transfersIn,
          a.transfersOut,
          a.overdue,
          ...(withPresence
            ? [
                a.onlineHours?.toFixed(1) ?? DASH,
                a.chatsPerOnlineHour == null ? DASH : a.chatsPerOnlineHour.toFixed(1),
              ]
            : []),
        ]),
      ),
    );
  }

  const s = report.staffing;
  section(
    'Load by hour of day',
    table(
      [
        'hour',
        'arrivals',
        'need person',
        'per day',
        'peak day',
        'first median',
        'human median',
        'rule of thumb',
        'Erlang C',
      ],
      report.hours.map((h) => [
        `${clock(h.hour * 3_600_000)}`,
        h.arrivals,
        h.humanArrivals,
        h.humanArrivalsPerDay.toFixed(1),
        h.peakHumanArrivals,
        formatDuration(h.firstResponseMedianSeconds),
        formatDuration(h.firstHumanResponseMedianSeconds),
        `${h.staffing.ruleOfThumb.fewest}–${h.staffing.ruleOfThumb.most}`,
        h.staffing.erlangC === null ? DASH : String(h.staffing.erlangC.agents),
      ]),
    ) +
      `\n\nStaffing for the ${s.basis === 'peak' ? 'busiest day' : `mean of ${count(s.observedDays, 'day')}`}: ` +
      `Erlang C for ${formatPercent(s.serviceLevel)} picked up within ${formatDuration(s.targetWaitSeconds)} (${s.tier} tier), ` +
      `${s.concurrency} chats per agent at once, mean handle time ${formatDuration(s.handleTimeSeconds.mean)} ` +
      `over ${count(s.handleTimeSeconds.count, 'chat')}; rule of thumb 15–20 chats per agent-hour.`,
  );

  const unknown = Object.entries(report.input.unknownTiers);
  if (unknown.length > 0) {
    out.push(
      `Note: unknown tiers counted as the default tier: ${unknown.map(([t, n]) => `${t} (${n})`).join(', ')}\n`,
    );
  }
  return out.join('\n');
}
