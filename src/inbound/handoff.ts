import type { ConversationRow } from '../store/conversation-store';

/** What the customer can be told right after a hand-off. */
export interface HandoffInfo {
  queuePosition?: number;
  waitMinutes?: number;
}

/**
 * The seam between the bot and the human side: called after a conversation starts waiting for an
 * agent (and committed). The routing component implements it; without routing, chats simply wait.
 */
export interface Handoff {
  /** Estimate for the hand-off message, before it is sent. */
  estimate(conversation: ConversationRow): HandoffInfo;
  /** The conversation is waiting and durably stored. */
  handedOff(conversation: ConversationRow): void;
}

export const waitingOnly: Handoff = {
  estimate: () => ({}),
  handedOff: () => {},
};
