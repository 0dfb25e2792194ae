import type { FirstResponseFacts } from './first-response';
import type { TierTargets } from './report-options';
import { rate, type SecondsSummary, summarizeMsSteps } from './stats';
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

/** Per-tier compliance, fed conversation by conversation and reply by reply. */
export class ComplianceTally {
  private readonly first = new Map<string, Counter>();
  private readonly replies = new Map<string, Counter>();
  private readonly firstMs = new Map<string, number[]>();

  constructor(private readonly tiers: Readonly<Record<string, TierTargets>>) {
    for (const tier of Object.keys(tiers)) {
      this.first.set(tier, { total: 0, within: 0 });
      this.replies.set(tier, { total: 0, within: 0 });
      this.firstMs.set(tier, []);
    }
  }

  addConversation(tier: string, f: FirstResponseFacts): void {
    this.addFirst(tier, f.awaitsHuman, f.firstHumanAt === null ? null : f.firstHumanAt - f.startAt);
  }

  /** A conversation's first human response (null: none) if it awaited a person. */
  addFirst(tier: string, awaitsHuman: boolean, ms: number | null): void {
    const targets = this.tiers[tier];
    const counter = this.first.get(tier);
    if (!targets || !counter || !awaitsHuman) return;
    counter.total++;
    if (ms === null) return;
    this.firstMs.get(tier)!.push(ms);
    if (ms <= targets.firstReplySeconds * 1000) counter.within++;
  }

  addReply(tier: string, gapMs: number): void {
    const targets = this.tiers[tier];
    const counter = this.replies.get(tier);
    if (!targets || !counter) return;
    counter.total++;
    if (gapMs <= targets.replySeconds * 1000) counter.within++;
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
      const first = this.first.get(tier)!;
      out.push({
        tier,
        targets,
        conversations: first.total,
        firstHumanResponseSeconds: yield* summarizeMsSteps(this.firstMs.get(tier)!),
        firstReply: count(first),
        replies: count(this.replies.get(tier)!),
      });
    }
    return out;
  }
}
