import { agentActivityOf } from '../reporting/agent-activity';
import type { Conversation } from '../reporting/conversations';
import { firstResponseOf } from '../reporting/first-response';
import { csvCell } from '../reporting/format-csv';
import { inPeriod, type Period } from '../reporting/period';
import { assignmentsOf } from '../reporting/reaction-time';
import { segmentRounds } from '../reporting/rounds';
import { toSeconds, toSecondsOrNull } from '../reporting/stats';
import { finish, type Steps, sortSteps } from '../reporting/steps';
import { createZoneClock } from '../reporting/time-zone';

/** One conversation as a spreadsheet row: the figures the summary aggregates, for one chat. */
export interface ConversationRowFigures {
  conversationId: string;
  customer: string;
  channel: string;
  tier: string;
  startedAt: number;
  /** Agents who wrote in it, in the order they first wrote. */
  agents: string[];
  /** The agent who sent the last agent message. */
  servedBy: string | null;
  firstResponseSeconds: number | null;
  firstHumanResponseSeconds: number | null;
  firstHumanResponseFromHandoffSeconds: number | null;
  averageResponseSeconds: number | null;
  replies: number;
  unansweredRounds: number;
  /** First assignment → the assigned agent's first message. */
  reactionSeconds: number | null;
  transfers: number;
  overdue: number;
  closedAt: number | null;
}

/**
 * Per-conversation figures, by the engine's own functions (first response, rounds, assignments,
 * activity), so a column's median over the rows is the summary's median. Rows are the conversations
 * started in the period (conversation-level anchoring); replies count rounds started in the period.
 */
export function conversationRows(
  conversations: readonly Conversation[],
  period: Period,
  info: (id: string) => { channel: string; closedAt: number | null } | undefined,
): ConversationRowFigures[] {
  return finish(conversationRowsSteps(conversations, period, info));
}

/** `conversationRows` in steps of 512 conversations, then sorted in steps (`sortSteps`). */
export function* conversationRowsSteps(
  conversations: readonly Conversation[],
  period: Period,
  info: (id: string) => { channel: string; closedAt: number | null } | undefined,
): Steps<ConversationRowFigures[]> {
  const rows: ConversationRowFigures[] = [];
  let n = 0;
  for (const c of conversations) {
    if (++n % 512 === 0) yield;
    if (!inPeriod(period, c.startAt)) continue;
    const facts = firstResponseOf(c);
    const activity = agentActivityOf(c.events);
    const assignments = assignmentsOf(c.events);
    let sum = 0;
    let replies = 0;
    let unanswered = 0;
    for (const round of segmentRounds(c.events, false)) {
      if (!inPeriod(period, round.startAt)) continue;
      if (round.answeredBy === 'agent' && round.answeredAt !== null) {
        sum += round.answeredAt - round.startAt;
        replies++;
      } else {
        unanswered++;
      }
    }
    const first = assignments[0];
    const meta = info(c.id);
    rows.push({
      conversationId: c.id,
      customer: c.customerId,
      channel: meta?.channel ?? '',
      tier: c.tier,
      startedAt: c.startAt,
      agents: [...activity.messagesByAgent.keys()],
      servedBy: activity.servingAgentId,
      firstResponseSeconds:
        facts.firstReplyAt === null ? null : toSeconds(facts.firstReplyAt - facts.startAt),
      firstHumanResponseSeconds:
        facts.awaitsHuman && facts.firstHumanAt !== null
          ? toSeconds(facts.firstHumanAt - facts.startAt)
          : null,
      firstHumanResponseFromHandoffSeconds:
        facts.handoffAt !== null && facts.firstHumanAfterHandoffAt !== null
          ? toSeconds(facts.firstHumanAfterHandoffAt - facts.handoffAt)
          : null,
      averageResponseSeconds: toSecondsOrNull(replies > 0 ? sum / replies : null),
      replies,
      unansweredRounds: unanswered,
      reactionSeconds: first?.reactedAt != null ? toSeconds(first.reactedAt - first.assignedAt) : null,
      transfers: activity.transfers.filter((t) => t.from !== t.to).length,
      overdue: activity.overdue.length,
      closedAt: meta?.closedAt ?? null,
    });
  }
  return yield* sortSteps(
    rows,
    (a, b) => a.startedAt - b.startedAt || (a.conversationId < b.conversationId ? -1 : 1),
  );
}

export const CONVERSATION_CSV_COLUMNS = [
  'conversationId',
  'customer',
  'channel',
  'tier',
  'startedAt',
  'agents',
  'servedBy',
  'firstResponseSeconds',
  'firstHumanResponseSeconds',
  'firstHumanResponseFromHandoffSeconds',
  'averageResponseSeconds',
  'replies',
  'unansweredRounds',
  'reactionSeconds',
  'transfers',
  'overdue',
  'closedAt',
] as const;

/** Local wall time with its offset, e.g. `2026-11-23T10:00:00+08:00`: what a shop's spreadsheet expects. */
export function localIso(clock: ReturnType<typeof createZoneClock>, at: number): string {
  const slot = clock.local(at);
  const wall = slot.day * 86_400_000 + slot.msOfDay;
  const offsetMin = Math.round((wall - at) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(wall).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

/** CSV lines (header first); agent ids are shown by name when `name` knows them. */
export function* conversationCsvLines(
  rows: Iterable<ConversationRowFigures>,
  timeZone: string,
  name: (agentId: string) => string,
): Generator<string> {
  const clock = createZoneClock(timeZone);
  yield `${CONVERSATION_CSV_COLUMNS.join(',')}\n`;
  for (const r of rows) {
    yield `${[
      r.conversationId,
      r.customer,
      r.channel,
      r.tier,
      localIso(clock, r.startedAt),
      r.agents.map(name).join('; '),
      r.servedBy === null ? null : name(r.servedBy),
      r.firstResponseSeconds,
      r.firstHumanResponseSeconds,
      r.firstHumanResponseFromHandoffSeconds,
      r.averageResponseSeconds,
      r.replies,
      r.unansweredRounds,
      r.reactionSeconds,
      r.transfers,
      r.overdue,
      r.closedAt === null ? null : localIso(clock, r.closedAt),
    ]
      .map(csvCell)
      .join(',')}\n`;
  }
}
