import type { ConversationRow } from '../store/conversation-store';

/** What the customer can be told right after a hand-off. */
export interface HandoffInfo {
  /** A string when only a lower bound is known ("500+"). */
  queuePosition?: number | string;
  waitMinutes?: number | string;
}

/**
 * The seam between the bot and the human side (implemented by src/routing). The message path asks
 * it how to file a chat that needs a person, and tells it when such a chat changed.
 */
export interface HandoffPort {
  /** The chat's tier after this message: the most urgent claim, never lower than before. */
  tierFor(input: {
    current: string | null;
    intentTier?: string;
    compact: string;
    channel: string;
    vip: boolean;
  }): string;
  /** The agent group for a chat whose intent names one (or the default group). */
  groupFor(intentGroup: string | undefined): string;
  queueKey(tier: string, at: number): number;
  deadlines(tier: string, since: number): { overdueAt: number | null; transferAt: number | null };
  /** Place in the queue and wait, for the hand-off message. */
  estimate(queueKey: number): Promise<HandoffInfo>;
  /** After commit: a chat was queued, or a customer wrote in a chat an agent holds. */
  changed(chat: ConversationRow, what: { queued: boolean; wasOnHold: boolean }): void;
}
