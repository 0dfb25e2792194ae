import type { Conversation } from './conversations';
import { UNKNOWN_AGENT } from './report-event';
import { Durations, type SecondsSummary } from './stats';
import { finish, type Steps } from './steps';

/** What the first-response figures need from one conversation (all times ms since the epoch). */
export interface FirstResponseFacts {
  startAt: number;
  /** First bot or agent message after the customer's first message. */
  firstReplyAt: number | null;
  /** First agent message after the customer's first message. */
  firstHumanAt: number | null;
  firstHumanAgentId: string | null;
  /** First hand-off event at or after the customer's first message. */
  handoffAt: number | null;
  /** First agent message at or after that hand-off. */
  firstHumanAfterHandoffAt: number | null;
  /**
   * Whether the conversation waited for a person: it was handed off, assigned or transferred,
   * an agent wrote in it, or no bot answered at all. A chat the bot alone answered, with no
   * hand-off, was resolved by the bot and is neither answered nor unanswered by a human.
   */
  awaitsHuman: boolean;
}

export function firstResponseOf(conversation: Conversation): FirstResponseFacts {
  const facts: FirstResponseFacts = {
    startAt: conversation.startAt,
    firstReplyAt: null,
    firstHumanAt: null,
    firstHumanAgentId: null,
    handoffAt: null,
    firstHumanAfterHandoffAt: null,
    awaitsHuman: false,
  };
  let botWrote = false;
  let routed = false;
  for (const e of conversation.events) {
    const kind = e.kind ?? 'message';
    if (kind === 'handoff' || kind === 'assigned' || kind === 'transfer') routed = true;
    if (kind === 'message' && e.from === 'bot') botWrote = true;
    // Anything before the customer's first message (a greeting, outreach) answers nothing.
    if (e.at < facts.startAt) continue;
    if (kind === 'handoff' && facts.handoffAt === null) facts.handoffAt = e.at;
    if (kind !== 'message' || e.from === 'customer') continue;
    facts.firstReplyAt ??= e.at;
    if (e.from !== 'agent') continue;
    if (facts.firstHumanAt === null) {
      facts.firstHumanAt = e.at;
      facts.firstHumanAgentId = e.agentId ?? UNKNOWN_AGENT;
    }
    if (facts.handoffAt !== null) facts.firstHumanAfterHandoffAt ??= e.at;
  }
  facts.awaitsHuman = routed || facts.firstHumanAt !== null || !botWrote;
  return facts;
}

/** A summary plus how many were never answered: those are counted apart, never as 0 s. */
export interface ResponseSummary extends SecondsSummary {
  unanswered: number;
}

export interface FirstResponseFigures {
  /** Customer's first message → first reply of any kind (bot or agent). */
  firstResponseSeconds: ResponseSummary;
  /** Customer's first message → first agent reply, over conversations that awaited a person. */
  firstHumanResponseSeconds: ResponseSummary;
  /** Hand-off → first agent reply, over conversations with a hand-off event. */
  firstHumanResponseFromHandoffSeconds: ResponseSummary;
  /** Conversations only the bot answered, with no hand-off. */
  resolvedByBot: number;
}

/** Collects first-response durations (ms) conversation by conversation. */
export class FirstResponseTally {
  readonly anyMs: Durations;
  readonly humanMs: Durations;
  readonly fromHandoffMs: Durations;
  private unansweredAny = 0;
  private unansweredHuman = 0;
  private unansweredAfterHandoff = 0;
  private resolvedByBot = 0;

  /** `expected`: conversations to come, when known (room for their durations from the start). */
  constructor(expected = 0) {
    this.anyMs = new Durations(expected);
    this.humanMs = new Durations(expected);
    this.fromHandoffMs = new Durations(expected);
  }

  add(f: FirstResponseFacts): void {
    this.addTimes(
      f.startAt,
      f.firstReplyAt,
      f.firstHumanAt,
      f.handoffAt,
      f.firstHumanAfterHandoffAt,
      f.awaitsHuman,
    );
  }

  /** `add` from the instants themselves (the columnar tally has no objects to hand over). */
  addTimes(
    startAt: number,
    firstReplyAt: number | null,
    firstHumanAt: number | null,
    handoffAt: number | null,
    firstHumanAfterHandoffAt: number | null,
    awaitsHuman: boolean,
  ): void {
    this.addInstants(
      startAt,
      firstReplyAt ?? Number.NaN,
      firstHumanAt ?? Number.NaN,
      handoffAt ?? Number.NaN,
      firstHumanAfterHandoffAt ?? Number.NaN,
      awaitsHuman,
    );
  }

  /** `addTimes` with NaN for "none" (columns hold NaN; a null beside numbers costs a boxed number). */
  addInstants(
    startAt: number,
    firstReplyAt: number,
    firstHumanAt: number,
    handoffAt: number,
    firstHumanAfterHandoffAt: number,
    awaitsHuman: boolean,
  ): void {
    if (Number.isNaN(firstReplyAt)) this.unansweredAny++;
    else this.anyMs.push(firstReplyAt - startAt);
    if (!awaitsHuman) this.resolvedByBot++;
    else if (Number.isNaN(firstHumanAt)) this.unansweredHuman++;
    else this.humanMs.push(firstHumanAt - startAt);
    if (!Number.isNaN(handoffAt)) {
      if (Number.isNaN(firstHumanAfterHandoffAt)) this.unansweredAfterHandoff++;
      else this.fromHandoffMs.push(firstHumanAfterHandoffAt - handoffAt);
    }
  }

  /** Adds another tally's conversations (report-by-day.ts: a period's figures from its days'). */
  absorb(other: FirstResponseTally): void {
    this.anyMs.append(other.anyMs.values());
    this.humanMs.append(other.humanMs.values());
    this.fromHandoffMs.append(other.fromHandoffMs.values());
    this.unansweredAny += other.unansweredAny;
    this.unansweredHuman += other.unansweredHuman;
    this.unansweredAfterHandoff += other.unansweredAfterHandoff;
    this.resolvedByBot += other.resolvedByBot;
  }

  /** Gives the durations' memory back (scratch.ts), once the figures are taken. */
  release(): void {
    this.anyMs.release();
    this.humanMs.release();
    this.fromHandoffMs.release();
  }

  figures(): FirstResponseFigures {
    return finish(this.figureSteps());
  }

  /** `figures` in steps (each summary is over up to a million durations at a month). */
  *figureSteps(): Steps<FirstResponseFigures> {
    const any = yield* this.anyMs.summarySteps();
    const human = yield* this.humanMs.summarySteps();
    const fromHandoff = yield* this.fromHandoffMs.summarySteps();
    return {
      firstResponseSeconds: { ...any, unanswered: this.unansweredAny },
      firstHumanResponseSeconds: { ...human, unanswered: this.unansweredHuman },
      firstHumanResponseFromHandoffSeconds: { ...fromHandoff, unanswered: this.unansweredAfterHandoff },
      resolvedByBot: this.resolvedByBot,
    };
  }
}
