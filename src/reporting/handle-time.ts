import type { FirstResponseFacts } from './first-response';

/**
 * Handle time of a conversation, for staffing: from the moment it wanted a person (the hand-off
 * when the log has one, else the customer's first message) to the last agent message, capped.
 * It includes the wait before the first reply, so it errs towards more staff, never fewer.
 * Conversations no agent wrote in have none.
 */
export function handleTimeMs(
  lastAgentAt: number | null,
  facts: Pick<FirstResponseFacts, 'handoffAt' | 'startAt'>,
  capMs: number,
): number | null {
  return handleTimeOf(lastAgentAt, facts.handoffAt, facts.startAt, capMs);
}

/** `handleTimeMs` from the instants themselves. */
export function handleTimeOf(
  lastAgentAt: number | null,
  handoffAt: number | null,
  startAt: number,
  capMs: number,
): number | null {
  const ms = handleTimeAt(lastAgentAt ?? Number.NaN, handoffAt ?? Number.NaN, startAt, capMs);
  return Number.isNaN(ms) ? null : ms;
}

/** `handleTimeOf` with NaN for "none", in and out. */
export function handleTimeAt(lastAgentAt: number, handoffAt: number, startAt: number, capMs: number): number {
  if (Number.isNaN(lastAgentAt)) return Number.NaN;
  const start = Number.isNaN(handoffAt) ? startAt : handoffAt;
  return Math.min(Math.max(lastAgentAt - start, 0), capMs);
}
