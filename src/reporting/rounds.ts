import { type ReportEvent, UNKNOWN_AGENT } from './report-event';

/**
 * A round ("first question, first answer"): from the customer's first unanswered message to the
 * next reply. Further customer messages before that reply belong to the same round, so a burst
 * of five short messages is one wait measured from its first message; a second reply with
 * nothing new from the customer opens no round and is not a response.
 */
export interface Round {
  startAt: number;
  /** Every customer message of the round, `startAt` first. */
  messageAts: number[];
  answeredAt: number | null;
  answeredBy: 'agent' | 'bot' | null;
  /** Agent whose reply closed the round. */
  agentId: string | null;
}

/**
 * Splits sorted events into rounds. Human figures pass `creditBotReplies = false`: a bot reply
 * does not clear the customer's wait for a person. Non-message events never open or close a round.
 */
export function segmentRounds(events: readonly ReportEvent[], creditBotReplies: boolean): Round[] {
  const rounds: Round[] = [];
  let open: Round | null = null;
  for (const e of events) {
    if ((e.kind ?? 'message') !== 'message') continue;
    if (e.from === 'customer') {
      if (open === null) {
        open = { startAt: e.at, messageAts: [e.at], answeredAt: null, answeredBy: null, agentId: null };
        rounds.push(open);
      } else {
        open.messageAts.push(e.at);
      }
    } else if (open !== null && (e.from === 'agent' || (e.from === 'bot' && creditBotReplies))) {
      open.answeredAt = e.at;
      open.answeredBy = e.from;
      open.agentId = e.from === 'agent' ? (e.agentId ?? UNKNOWN_AGENT) : null;
      open = null;
    }
  }
  return rounds;
}
