import type { MatchResult } from '../matching/matcher';
import type { ShopSettings } from '../shop/settings';
import type { ConversationStatus } from '../store/tables';
import type { ReplyKind } from './message';

/** What the bot will say and do for one message; computed without I/O so every rule is testable. */
export interface ReplyPlan {
  replies: { kind: ReplyKind; template: string }[];
  /** The conversation now waits for a human. */
  handoff: boolean;
  greeted: boolean;
  awaySent: boolean;
  /** Why, in a few words, for the log and the try-it box. */
  reason: string;
}

export interface DecideInput {
  match: MatchResult;
  now: number;
  /** Shop-local date of `now`. */
  today: string;
  open: boolean;
  customer: { greetedDay: string | null; awayDay: string | null };
  conversation: {
    status: ConversationStatus;
    /** Time of the previous message in this conversation (any side), if any. */
    lastMessageAt: number | null;
    lastAgentAt: number | null;
    handoffNoticeAt: number | null;
  };
  settings: Pick<ShopSettings, 'greeting' | 'away' | 'handoffNoticeMinutes'>;
}

const MINUTE = 60_000;

export function decideReply(input: DecideInput): ReplyPlan {
  const { match, now, conversation: conv, settings } = input;
  const plan: ReplyPlan = {
    replies: [],
    handoff: false,
    greeted: false,
    awaySent: false,
    reason: match.reason,
  };

  // A person owns the chat: the bot keeps out of it.
  if (conv.status === 'assigned') {
    plan.reason = 'agent-assigned';
    return plan;
  }

  const running =
    conv.lastMessageAt !== null &&
    now - conv.lastMessageAt < settings.greeting.quietAfterActivityMinutes * MINUTE;
  if (settings.greeting.enabled && input.customer.greetedDay !== input.today && !running) {
    plan.replies.push({ kind: 'greeting', template: 'greeting' });
    plan.greeted = true;
  }

  const intent = match.intent;
  // While the customer waits for a person, "在吗？" deserves the hand-off notice, not a cheerful "在的".
  const smalltalkWhileWaiting = intent?.smalltalk === true && conv.status === 'waiting';
  if (intent && intent.action === 'reply' && !smalltalkWhileWaiting) {
    // A bare "hello" on the first message of the day is answered by the greeting alone.
    if (!(intent.smalltalk && plan.greeted)) {
      plan.replies.push({ kind: 'template', template: intent.reply ?? intent.id });
    }
    return plan;
  }

  plan.handoff = true;
  plan.reason = smalltalkWhileWaiting ? 'waiting' : intent ? 'handoff-keyword' : match.reason;
  if (!input.open) {
    const agentAround =
      conv.lastAgentAt !== null && now - conv.lastAgentAt < settings.away.quietAfterAgentMinutes * MINUTE;
    if (input.customer.awayDay !== input.today && !agentAround) {
      plan.replies.push({ kind: 'away', template: 'away' });
      plan.awaySent = true;
    }
    return plan;
  }
  const noticed =
    conv.status === 'waiting' &&
    conv.handoffNoticeAt !== null &&
    now - conv.handoffNoticeAt < settings.handoffNoticeMinutes * MINUTE;
  if (!noticed) plan.replies.push({ kind: 'handoff', template: 'handoff' });
  return plan;
}
