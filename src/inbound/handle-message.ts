import { newId } from '../shared/ids';
import { describeOpening, isOpen, localDate, nextOpening } from '../calendar/business-hours';
import type { LiveContent } from '../content/live-content';
import { renderReply, templateUses } from '../content/render-reply';
import { type LiveHub, toLiveMessage } from '../live/hub';
import { hasHan } from '../matching/normalize';
import type { ConversationRow, ConversationStore, CustomerRow, NewEvent } from '../store/conversation-store';
import { newConversation, newCustomer } from '../store/rows';
import { decideReply } from './decide-reply';
import type { HandoffPort } from './handoff';
import { KeyedLock } from './keyed-lock';
import type { HandledMessage, HandleMessage, InboundMessage, OutboundReply } from './message';
import { Throttle } from './throttle';

export interface MessageHandlerDeps {
  store: ConversationStore;
  content: LiveContent;
  hub: LiveHub;
  handoff: HandoffPort;
  clock?: () => number;
}

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

  async function handle(
    message: InboundMessage,
    key: string,
    receivedAt: number,
    allowed: boolean,
  ): Promise<HandledMessage> {
    // A platform redelivering a message it already gave us (retries, Slack's re-sends) is answered once.
    const inboundId = message.platformMessageId ? `in:${key}:${message.platformMessageId}` : newId();
    if (message.platformMessageId && (await deps.store.eventExists(inboundId))) {
      return {
        conversationId: '',
        intent: null,
        score: 0,
        replies: [],
        handoff: false,
        throttled: false,
        duplicate: true,
      };
    }
    const content = deps.content.current;
    const { settings } = content;
    const tz = settings.calendar.timezone;
    const { customer: storedCustomer, conversation: stored } = await deps.store.load(key);

    const customer: CustomerRow = storedCustomer
      ? { ...storedCustomer }
      : newCustomer(key, message.channel, message.customerId, receivedAt);
    if (message.name) customer.name = message.name;
    const locale = message.locale ?? detectLocale(message.text) ?? customer.locale ?? settings.defaultLocale;
    customer.locale = locale;

    const idle = settings.conversationIdleMinutes * 60_000;
    // A chat a person has taken on (or is about to) stays open however long the customer was away.
    const fresh =
      !stored ||
      stored.status === 'closed' ||
      (stored.status === 'bot' && receivedAt - stored.last_message_at > idle);
    const conversation: ConversationRow = fresh
      ? newConversation(newId(), key, message.channel, receivedAt)
      : { ...stored };
    const wasOnHold = conversation.on_hold === 1;
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
        id: inboundId,
        text: message.text,
        intent: match.intent?.id ?? null,
        platform_at: message.platformAt ?? null,
        data: JSON.stringify({
          ...explanation,
          ...(message.platformMessageId ? { platformMessageId: message.platformMessageId } : {}),
        }),
      }),
    ];
    conversation.last_message_at = receivedAt;
    conversation.last_customer_at = receivedAt;
    if (match.intent) conversation.intent = match.intent.id;

    const replies: OutboundReply[] = [];
    let handoff = conversation.status === 'waiting';
    if (allowed) {
      const today = localDate(receivedAt, tz);
      // A hand-off waits for the agents of its group: their hours decide between hand-off and away.
      const calendar =
        settings.groupCalendars[deps.handoff.groupFor(match.intent?.group)] ?? settings.calendar;
      const open = isOpen(calendar, receivedAt);
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

      if (plan.handoff && conversation.status === 'bot') {
        conversation.status = 'waiting';
        conversation.handoff_at = receivedAt;
        conversation.grp = deps.handoff.groupFor(match.intent?.group);
        conversation.queued_at = receivedAt;
        events.push(
          event(conversation, 'conversation.handoff', 'system', receivedAt, {
            intent: match.intent?.id ?? null,
            data: JSON.stringify({ reason: plan.reason }),
          }),
        );
      }
      handoff = conversation.status !== 'bot';
      if (conversation.status !== 'bot') {
        // A person is expected: file the chat by tier and start the clocks routing watches.
        conversation.tier = deps.handoff.tierFor({
          current: conversation.tier,
          ...(match.intent ? { intentTier: match.intent.tier } : {}),
          compact: match.normalized.compact,
          channel: message.channel,
          vip: customer.vip === 1,
        });
        if (conversation.status === 'waiting' && conversation.handoff_at === receivedAt) {
          conversation.queue_key = deps.handoff.queueKey(conversation.tier, receivedAt);
          events.at(-1)!.data = JSON.stringify({
            reason: plan.reason,
            tier: conversation.tier,
            group: conversation.grp,
          });
        }
        conversation.awaiting_since ??= receivedAt;
        if (conversation.status === 'assigned') {
          const due = deps.handoff.deadlines(conversation.tier, receivedAt);
          conversation.overdue_due_at ??= due.overdueAt;
          conversation.transfer_due_at ??= due.transferAt;
        }
        conversation.hold_due_at = null;
      }
      // The queue count is asked for only when a reply about to be sent shows it.
      const estimate =
        conversation.queue_key !== null &&
        conversation.status === 'waiting' &&
        plan.replies.some((r) => {
          const template = r.kind === 'handoff' && content.replies.get(r.template);
          return template && templateUses(template, 'queuePosition', 'waitMinutes');
        })
          ? await deps.handoff.estimate(conversation.queue_key)
          : {};
      const opening = plan.awaySent ? nextOpening(calendar, receivedAt) : undefined;
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
        const reply = renderReply(
          template,
          step.kind,
          locale,
          settings.defaultLocale,
          values,
          conversation.reply_turn++,
        );
        const replied = event(conversation, 'bot.replied', 'bot', at, {
          text: reply.text,
          intent: match.intent?.id ?? null,
          data: JSON.stringify({
            kind: reply.kind,
            template: reply.templateId,
            ...(reply.quickReplies ? { quickReplies: reply.quickReplies } : {}),
          }),
        });
        events.push(replied);
        replies.push({ ...reply, id: replied.id });
        if (step.kind === 'handoff') conversation.handoff_notice_at = at;
        conversation.last_message_at = at;
      }
    }

    await deps.store.commit({ customer, conversation, events });

    for (const e of events) if (e.type !== 'conversation.handoff') deps.hub.publish(toLiveMessage(e));
    const queued = events.some((e) => e.type === 'conversation.handoff');
    if (queued || conversation.status === 'assigned')
      deps.handoff.changed(conversation, { queued, wasOnHold });

    return {
      conversationId: conversation.id,
      intent: match.intent?.id ?? null,
      score: match.score,
      replies,
      messageId: inboundId,
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
    id: rest.id ?? newId(),
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
