import type { Round } from './rounds';
import { toSecondsOrNull } from './stats';

/** One agent's replies: summed gaps and how many. */
export interface AgentSums {
  sumMs: number;
  count: number;
}

/**
 * Average response time: the mean, over every agent reply that answers something, of
 * (reply − earliest customer message still unanswered). It is a mean over replies, not over
 * conversations: two chats with replies of 45, 5, 3 s and 25, 15 s average 93 / 5 = 18.6 s.
 * Rounds come from `segmentRounds(events, false)`, so bot replies never clear the wait.
 */
export class AverageResponseTally {
  private sumMs = 0;
  private count = 0;
  private unanswered = 0;
  private readonly byAgent = new Map<string, AgentSums>();

  /**
   * Adds a round if an agent answered it; returns the reply gap in ms, or null. `agentId` is set
   * exactly when an agent's reply closed the round (see `segmentRounds`).
   */
  add(round: Pick<Round, 'startAt' | 'answeredAt' | 'agentId'>): number | null {
    return this.addRound(round.startAt, round.answeredAt, round.agentId);
  }

  /** `add` from the round's instants and agent. */
  addRound(startAt: number, answeredAt: number | null, agentId: string | null): number | null {
    if (answeredAt === null || agentId === null) {
      this.addUnanswered();
      return null;
    }
    return this.addAnswered(startAt, answeredAt, this.sumsOf(agentId));
  }

  /** A round no agent answered. */
  addUnanswered(): void {
    this.unanswered++;
  }

  /** A round an agent answered, into that agent's sums (`sumsOf`, resolved once by the caller). */
  addAnswered(startAt: number, answeredAt: number, agent: AgentSums): number {
    const gap = answeredAt - startAt;
    this.sumMs += gap;
    this.count++;
    agent.sumMs += gap;
    agent.count++;
    return gap;
  }

  /** The agent's sums, created on first use (only when a round of theirs is added: `agentIds`). */
  sumsOf(agentId: string): AgentSums {
    let agent = this.byAgent.get(agentId);
    if (agent === undefined) {
      agent = { sumMs: 0, count: 0 };
      this.byAgent.set(agentId, agent);
    }
    return agent;
  }

  /**
   * Adds another tally's rounds (report-by-day.ts). The sums stay exact for whole milliseconds, as the
   * log's instants are, so the mean does not depend on how the rounds were split.
   */
  absorb(other: AverageResponseTally): void {
    this.sumMs += other.sumMs;
    this.count += other.count;
    this.unanswered += other.unanswered;
    for (const [agentId, sums] of other.byAgent) {
      const mine = this.sumsOf(agentId);
      mine.sumMs += sums.sumMs;
      mine.count += sums.count;
    }
  }

  /** Replies counted, their mean in seconds, and rounds no agent answered (not in the mean). */
  overall(): { replies: number; averageResponseSeconds: number | null; unansweredRounds: number } {
    return {
      replies: this.count,
      averageResponseSeconds: toSecondsOrNull(this.count ? this.sumMs / this.count : null),
      unansweredRounds: this.unanswered,
    };
  }

  forAgent(agentId: string): { replies: number; averageResponseSeconds: number | null } {
    const a = this.byAgent.get(agentId);
    return {
      replies: a?.count ?? 0,
      averageResponseSeconds: toSecondsOrNull(a && a.count > 0 ? a.sumMs / a.count : null),
    };
  }

  agentIds(): IterableIterator<string> {
    return this.byAgent.keys();
  }
}
