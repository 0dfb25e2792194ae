import type { FirstResponseFacts } from './first-response';
import type { TierTargets } from './report-options';
import { Durations, rate, type SecondsSummary } from './stats';
import { finish, type Steps } from './steps';

export interface ComplianceCount {
  total: number;
  within: number;
  rate: number | null;
  /** rate ≥ the tier's compliance target; null when nothing was measured. */
  meetsTarget: boolean | null;
}

export interface TierCompliance {
  tier: string;
  targets: TierTargets;
  /** Conversations of this tier that awaited a person, started in the period. */
  conversations: number;
  /** First human response of those conversations (the unanswered are the misses below). */
  firstHumanResponseSeconds: SecondsSummary;
  /**
   * First human reply within `firstReplySeconds`. A conversation that awaited a person and
   * never got one counts as a miss: a customer nobody answered is the worst breach.
   */
  firstReply: ComplianceCount;
  /**
   * Every agent reply (the first one included) within `replySeconds`, measured like the
   * average response time. Only answered rounds count: a trailing "thanks" nobody answers is
   * not a breach.
   */
  replies: ComplianceCount;
}

interface Counter {
  total: number;
  within: number;
}

/** One tier's counters with its limits in ms, for callers that resolve the tier once (`slot`). */
export interface TierSlot {
  first: Counter;
  replies: Counter;
  firstMs: Durations;
  firstReplyMs: number;
  replyMs: number;
}

/** Per-tier compliance, fed conversation by conversation and reply by reply. */
export class ComplianceTally {
  private readonly slots = new Map<string, TierSlot>();

  constructor(private readonly tiers: Readonly<Record<string, TierTargets>>) {
    for (const [tier, targets] of Object.entries(tiers)) {
      this.slots.set(tier, {
        first: { total: 0, within: 0 },
        replies: { total: 0, within: 0 },
        firstMs: new Durations(),
        firstReplyMs: targets.firstReplySeconds * 1000,
        replyMs: targets.replySeconds * 1000,
      });
    }
  }

  /** The tier's counters; undefined for a tier without targets (counted nowhere). */
  slot(tier: string): TierSlot | undefined {
    return this.slots.get(tier);
  }

  addConversation(tier: string, f: FirstResponseFacts): void {
    this.addFirst(tier, f.awaitsHuman, f.firstHumanAt === null ? null : f.firstHumanAt - f.startAt);
  }

  /** A conversation's first human response (null: none) if it awaited a person. */
  addFirst(tier: string, awaitsHuman: boolean, ms: number | null): void {
    const slot = this.slot(tier);
    if (slot && awaitsHuman) addFirstTo(slot, ms === null ? Number.NaN : ms);
  }

  addReply(tier: string, gapMs: number): void {
    const slot = this.slot(tier);
    if (slot) addReplyTo(slot, gapMs);
  }

  /** Adds another tally's counters, tier by tier (report-by-day.ts; the same tiers). */
  absorb(other: ComplianceTally): void {
    for (const [tier, theirs] of other.slots) {
      const slot = this.slots.get(tier)!;
      slot.first.total += theirs.first.total;
      slot.first.within += theirs.first.within;
      slot.replies.total += theirs.replies.total;
      slot.replies.within += theirs.replies.within;
      slot.firstMs.append(theirs.firstMs.values());
    }
  }

  /** Gives the durations' memory back (scratch.ts), once the figures are taken. */
  release(): void {
    for (const slot of this.slots.values()) slot.firstMs.release();
  }

  figures(): TierCompliance[] {
    return finish(this.figureSteps());
  }

  /** `figures` in steps (a tier's first responses are up to a million durations at a month). */
  *figureSteps(): Steps<TierCompliance[]> {
    const out: TierCompliance[] = [];
    for (const [tier, targets] of Object.entries(this.tiers)) {
      const count = (c: Counter): ComplianceCount => {
        const r = rate(c.within, c.total);
        return {
          total: c.total,
          within: c.within,
          rate: r,
          meetsTarget: r === null ? null : r >= targets.complianceTarget,
        };
      };
      const slot = this.slots.get(tier)!;
      out.push({
        tier,
        targets,
        conversations: slot.first.total,
        firstHumanResponseSeconds: yield* slot.firstMs.summarySteps(),
        firstReply: count(slot.first),
        replies: count(slot.replies),
      });
    }
    return out;
  }
}

/** A conversation that awaited a person: its first human response in ms, NaN for none. */
export function addFirstTo(slot: TierSlot, ms: number): void {
  slot.first.total++;
  if (Number.isNaN(ms)) return;
  slot.firstMs.push(ms);
  if (ms <= slot.firstReplyMs) slot.first.within++;
}

/** An answered reply's gap. */
export function addReplyTo(slot: TierSlot, gapMs: number): void {
  slot.replies.total++;
  if (gapMs <= slot.replyMs) slot.replies.within++;
}
