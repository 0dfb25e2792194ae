import type { Report } from './build-report';

/**
 * Flat CSV for spreadsheets: one `overall` row, then one row per agent, same columns.
 * On the overall row the first-response columns are the first *human* response, like an
 * agent's, and `chats` is the conversations started in the period.
 */
export const CSV_COLUMNS = [
  'scope',
  'agentId',
  'chats',
  'assistedChats',
  'messages',
  'replies',
  'averageResponseSeconds',
  'firstResponseCount',
  'firstResponseMedianSeconds',
  'firstResponseMeanSeconds',
  'firstResponseP90Seconds',
  'firstResponseUnanswered',
  'reactionCount',
  'reactionMedianSeconds',
  'reactionMeanSeconds',
  'reactionP90Seconds',
  'unreactedAssignments',
  'transfersIn',
  'transfersOut',
  'overdue',
  'onlineHours',
  'chatsPerOnlineHour',
] as const;

type Cell = string | number | null | undefined;

/** RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function formatReportCsv(report: Report): string {
  const o = report.overall;
  const rows: Cell[][] = [
    [
      'overall',
      '',
      o.conversations,
      null,
      null,
      o.replies,
      o.averageResponseSeconds,
      o.firstHumanResponseSeconds.count,
      o.firstHumanResponseSeconds.median,
      o.firstHumanResponseSeconds.mean,
      o.firstHumanResponseSeconds.p90,
      o.firstHumanResponseSeconds.unanswered,
      o.reactionSeconds.count,
      o.reactionSeconds.median,
      o.reactionSeconds.mean,
      o.reactionSeconds.p90,
      o.reactionSeconds.unanswered,
      o.transfers,
      o.transfers,
      o.overdue,
      null,
      null,
    ],
    ...report.agents.map((a): Cell[] => [
      'agent',
      a.agentId,
      a.chatsServed,
      a.assistedChats,
      a.messages,
      a.replies,
      a.averageResponseSeconds,
      a.firstResponseSeconds.count,
      a.firstResponseSeconds.median,
      a.firstResponseSeconds.mean,
      a.firstResponseSeconds.p90,
      null,
      a.reactionSeconds.count,
      a.reactionSeconds.median,
      a.reactionSeconds.mean,
      a.reactionSeconds.p90,
      a.reactionSeconds.unanswered,
      a.transfersIn,
      a.transfersOut,
      a.overdue,
      a.onlineHours,
      a.chatsPerOnlineHour,
    ]),
  ];
  return [CSV_COLUMNS.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}
