import { randomUUID } from 'node:crypto';
import { describeOpening, isOpen, localDate, nextOpening } from '../calendar/business-hours';
import type { LiveContent } from '../content/live-content';
import { renderReply } from '../content/render-reply';
import type { LiveHub } from '../live/hub';
import { hasHan } from '../matching/normalize';
import type { ConversationRow, ConversationStore, CustomerRow, NewEvent } from '../store/conversation-store';
import { decideReply } from './decide-reply';
import type { Handoff } from './handoff';
import { KeyedLock } from './keyed-lock';
import type { HandledMessage, HandleMessage, InboundMessage, OutboundReply } from './message';
import { Throttle } from './throttle';

export interface MessageHandlerDeps {
  store: ConversationStore;
  content: LiveContent;
  hub: LiveHub;
  handoff: Handoff;
  clock?: () => number;
}

const TIER_RANK: Record<string, number> = { complex: 1, general: 2, urgent: 3 };

/**
 * The message path, top to bottom: normalise and match → decide (greeting / template / hand-off /
 * away) → render → log durably → publish. Messages of one customer are handled strictly in order.
 */
export function createMessageHandler(deps: MessageHandlerDeps): HandleMessage {
  const clock = deps.clock ?? Date.now;
  const lock = new KeyedLock();
  const throttle = new Throttle(() => deps.content.current.settings.throttle);

  return async function handleMessage(message: InboundMessage): Promise<HandledMessage> {
    const receivedAt = clock();
    const key = `${message.channel}:${message.customerId}`;
    const allowed = throttle.take(key, receivedAt);
    return lock.run(key, () => handle(message, key, receivedAt, allowed));
  };

  async function handle(message: InboundMessage, key: string, receivedAt: number, allowed: boolean): Promise<HandledMessage> {
    const content = deps.content.current;
    const { settings } = content;
    const tz = settings.calendar.timezone;
    const { customer: storedCustomer, conversation: stored } = await deps.store.load(key);

    const customer: CustomerRow = storedCustomer
      ? { ...storedCustomer }
      : {
          key,
          channel: message.channel,
          external_id: message.customerId,
          name: null,
          locale: null,
          vip: 0,
          greeted_day: null,
          away_day: null,
          conversation_id: null,
          created_at: receivedAt,
        };
    if (message.name) customer.name = message.name;
    const locale = message.locale ?? detectLocale(message.text) ?? customer.locale ?? settings.defaultLocale;
    customer.locale = locale;

    const idle = settings.conversationIdleMinutes * 60_000;
    const fresh = !stored || stored.status === 'closed' || receivedAt - stored.last_message_at > idle;
    const conversation: ConversationRow = fresh
      ? {
          id: randomUUID(),
          customer_key: key,
          channel: message.channel,
          status: 'bot',
          tier: null,
          intent: null,
          started_at: receivedAt,
          last_message_at: receivedAt,
          last_customer_at: null,
          last_agent_at: null,
          handoff_at: null,
          handoff_notice_at: null,
          closed_at: null,
          reply_turn: 0,
        }
      : { ...stored };
    customer.conversation_id = conversation.id;
    const previousMessageAt = fresh ? null : conversation.last_message_at;

    const match = content.matcher.match(message.text);
    const explanation = {
      score: match.score,
      reason: match.reason,
      candidates: match.candidates.slice(0, 3),
      ...(match.corrections.length ? { corrections: match.corrections } : {}),
      ...(allowed ? {} : { throttled: true }),
    };
    const events: NewEvent[] = [
      event(conversation, 'message.received', 'customer', receivedAt, {
        text: message.text,
        intent: match.intent?.id ?? null,
        platform_at: message.platformAt ?? null,
        data: JSON.stringify({ ...explanation, ...(message.platformMessageId ? { platformMessageId: message.platformMessageId } : {}) }),
      }),
    ];
    conversation.last_message_at = receivedAt;
    conversation.last_customer_at = receivedAt;
    if (match.intent) conversation.intent = match.intent.id;

    const replies: OutboundReply[] = [];
    let handoff = conversation.status === 'waiting';
    if (allowed) {
      const today = localDate(receivedAt, tz);
      const open = isOpen(settings.calendar, receivedAt);
      const plan = decideReply({
        match,
        now: receivedAt,
        today,
        open,
        customer: { greetedDay: customer.greeted_day, awayDay: customer.away_day },
        conversation: {
          status: conversation.status,
          lastMessageAt: previousMessageAt,
          lastAgentAt: conversation.last_agent_at,
          handoffNoticeAt: conversation.handoff_notice_at,
        },
        settings,
      });
      if (plan.greeted) customer.greeted_day = today;
      if (plan.awaySent) customer.away_day = today;

      if (plan.handoff) {
        const hint = match.intent?.tier ?? 'general';
        if (!conversation.tier || (TIER_RANK[hint] ?? 0) > (TIER_RANK[conversation.tier] ?? 0)) conversation.tier = hint;
        if (conversation.status === 'bot') {
          conversation.status = 'waiting';
          conversation.handoff_at = receivedAt;
          events.push(
            event(conversation, 'conversation.handoff', 'system', receivedAt, {
              intent: match.intent?.id ?? null,
              data: JSON.stringify({ reason: plan.reason, tier: conversation.tier }),
            }),
          );
        }
        handoff = true;
      }

      const estimate = plan.handoff ? deps.handoff.estimate(conversation) : {};
      const opening = plan.awaySent ? nextOpening(settings.calendar, receivedAt) : undefined;
      const values = {
        shop: settings.name,
        customer: customer.name ?? '',
        queuePosition: estimate.queuePosition ?? '',
        waitMinutes: estimate.waitMinutes ?? '',
        backAt: opening === undefined ? '' : describeOpening(opening, receivedAt, tz, locale),
      };
      for (const step of plan.replies) {
        const template = content.replies.get(step.template);
        if (!template) continue; // validated at load; a draft without it simply says nothing
        const at = clock();
        const reply = renderReply(template, step.kind, locale, settings.defaultLocale, values, conversation.reply_turn++);
        replies.push(reply);
        events.push(
          event(conversation, 'bot.replied', 'bot', at, {
            text: reply.text,
            intent: match.intent?.id ?? null,
            data: JSON.stringify({ kind: reply.kind, template: reply.templateId }),
          }),
        );
        if (step.kind === 'handoff') conversation.handoff_notice_at = at;
        conversation.last_message_at = at;
      }
    }

    await deps.store.commit({ customer, conversation, events });

    for (const e of events) {
      if (e.type === 'conversation.handoff') continue;
      const kind = e.actor === 'bot' ? (JSON.parse(e.data!) as { kind: string }).kind : undefined;
      deps.hub.publish({
        id: e.id,
        conversationId: e.conversation_id,
        customerKey: key,
        type: e.type,
        actor: e.actor,
        text: e.text,
        at: e.at,
        ...(kind ? { kind } : {}),
      });
    }
    if (events.some((e) => e.type === 'conversation.handoff')) deps.handoff.handedOff(conversation);

    return {
      conversationId: conversation.id,
      intent: match.intent?.id ?? null,
      score: match.score,
      replies,
      handoff,
      throttled: !allowed,
    };
  }
}

function event(
  conversation: ConversationRow,
  type: string,
  actor: NewEvent['actor'],
  at: number,
  rest: Partial<NewEvent>,
): NewEvent {
  return {
    id: randomUUID(),
    conversation_id: conversation.id,
    customer_key: conversation.customer_key,
    channel: conversation.channel,
    type,
    actor,
    agent_id: null,
    at,
    platform_at: null,
    intent: null,
    text: null,
    data: null,
    ...rest,
  };
}

function detectLocale(text: string): string | undefined {
  if (hasHan(text)) return 'zh';
  if (/[a-z]/i.test(text)) return 'en';
  return undefined;
}
