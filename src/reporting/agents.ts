import type { AverageResponseTally } from './average-response';
import type { MeasuredFacts } from './conversation-facts';
import type { FirstResponseFacts, ResponseSummary } from './first-response';
import type { Period } from './period';
import type { Assignment } from './reaction-time';
import type { AgentOnlineInterval } from './report-event';
import { Durations, type SecondsSummary } from './stats';
import { finish, type Steps } from './steps';
import { HOUR_MS } from './time-zone';

export interface AgentFigures {
  agentId: string;
  /** Conversations (started in the period) the agent wrote in. */
  chatsServed: number;
  /** …of which another agent served (sent the last agent message): help given, not owned. */
  assistedChats: number;
  /** Every message the agent sent in those conversations. */
  messages: number;
  /** Replies that answered something (the ones averaged below). */
  replies: number;
  averageResponseSeconds: number | null;
  /** First human response of the conversations where this agent replied first. */
  firstResponseSeconds: SecondsSummary;
  /** Assignment → the agent's first message; `unanswered` = assignments never reacted to. */
  reactionSeconds: ResponseSummary;
  transfersIn: number;
  transfersOut: number;
  overdue: number;
  /** Only when presence was given: hours online in the period, and chats served per online hour. */
  onlineHours?: number;
  chatsPerOnlineHour?: number | null;
}

/** One agent's counters (`AgentTally.slot`). */
export interface AgentAccumulator {
  chatsServed: number;
  assistedChats: number;
  messages: number;
  firstResponseMs: Durations;
  reactionMs: Durations;
  unreacted: number;
  transfersIn: number;
  transfersOut: number;
  overdue: number;
}

/** Per-agent counters fed conversation by conversation; reply gaps come from the average tally. */
export class AgentTally {
  private readonly agents = new Map<string, AgentAccumulator>();

  constructor(private readonly excluded: ReadonlySet<string>) {}

  /** The agent's counters, created on first use; undefined for no agent or an excluded one. */
  slot(agentId: string | null): AgentAccumulator | undefined {
    return this.agent(agentId);
  }

  private agent(agentId: string | null): AgentAccumulator | undefined {
    if (agentId === null || this.excluded.has(agentId)) return undefined;
    let a = this.agents.get(agentId);
    if (a === undefined) {
      a = {
        chatsServed: 0,
        assistedChats: 0,
        messages: 0,
        firstResponseMs: new Durations(),
        reactionMs: new Durations(),
        unreacted: 0,
        transfersIn: 0,
        transfersOut: 0,
        overdue: 0,
      };
      this.agents.set(agentId, a);
    }
    return a;
  }

  addConversation(
    activity: Pick<MeasuredFacts, 'agentMessages' | 'servingAgentId' | 'transfers' | 'overdue'>,
    facts: FirstResponseFacts,
    assignments: readonly Assignment[],
  ): void {
    for (const [agentId, messages] of activity.agentMessages)
      addServed(this.agent(agentId), messages, agentId !== activity.servingAgentId);
    if (facts.firstHumanAt !== null)
      this.agent(facts.firstHumanAgentId)?.firstResponseMs.push(facts.firstHumanAt - facts.startAt);
    for (const t of activity.transfers) {
      if (t.from !== t.to) addTransfer(this.agent(t.from), this.agent(t.to));
    }
    for (const agentId of activity.overdue) addOverdue(this.agent(agentId));
    for (const a of assignments)
      addAssignment(this.agent(a.agentId), a.assignedAt, a.reactedAt ?? Number.NaN);
  }

  /** Adds another tally's counters, agent by agent (report-by-day.ts; the same test agents). */
  absorb(other: AgentTally): void {
    for (const [agentId, theirs] of other.agents) {
      const a = this.agent(agentId)!;
      a.chatsServed += theirs.chatsServed;
      a.assistedChats += theirs.assistedChats;
      a.messages += theirs.messages;
      a.firstResponseMs.append(theirs.firstResponseMs.values());
      a.reactionMs.append(theirs.reactionMs.values());
      a.unreacted += theirs.unreacted;
      a.transfersIn += theirs.transfersIn;
      a.transfersOut += theirs.transfersOut;
      a.overdue += theirs.overdue;
    }
  }

  /** Gives the durations' memory back (scratch.ts), once the figures are taken. */
  release(): void {
    for (const a of this.agents.values()) {
      a.firstResponseMs.release();
      a.reactionMs.release();
    }
  }

  figures(
    averages: AverageResponseTally,
    presence: readonly AgentOnlineInterval[] | undefined,
    period: Period,
  ): AgentFigures[] {
    return finish(this.figureSteps(averages, presence, period));
  }

  /** `figures`, a step per agent (two summaries each). */
  *figureSteps(
    averages: AverageResponseTally,
    presence: readonly AgentOnlineInterval[] | undefined,
    period: Period,
  ): Steps<AgentFigures[]> {
    for (const agentId of averages.agentIds()) this.agent(agentId);
    const online = presence ? onlineMsByAgent(presence, period) : undefined;
    if (online) for (const agentId of online.keys()) this.agent(agentId);
    const sorted = [...this.agents.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const out: AgentFigures[] = [];
    for (const [agentId, a] of sorted) {
      const figures: AgentFigures = {
        agentId,
        chatsServed: a.chatsServed,
        assistedChats: a.assistedChats,
        messages: a.messages,
        ...averages.forAgent(agentId),
        firstResponseSeconds: a.firstResponseMs.summary(),
        reactionSeconds: { ...a.reactionMs.summary(), unanswered: a.unreacted },
        transfersIn: a.transfersIn,
        transfersOut: a.transfersOut,
        overdue: a.overdue,
      };
      if (online) {
        const hours = (online.get(agentId) ?? 0) / HOUR_MS;
        figures.onlineHours = Math.round(hours * 1000) / 1000;
        figures.chatsPerOnlineHour = hours > 0 ? a.chatsServed / hours : null;
      }
      out.push(figures);
      yield;
    }
    return out;
  }
}

// The pieces of `addConversation`, on slots (`AgentTally.slot`), for the columnar tally too.

export function addServed(a: AgentAccumulator | undefined, messages: number, assisted: boolean): void {
  if (!a) return;
  a.chatsServed++;
  a.messages += messages;
  if (assisted) a.assistedChats++;
}

/** A transfer between two different agents (a transfer to oneself counts for neither). */
export function addTransfer(from: AgentAccumulator | undefined, to: AgentAccumulator | undefined): void {
  if (to) to.transfersIn++;
  if (from) from.transfersOut++;
}

export function addOverdue(a: AgentAccumulator | undefined): void {
  if (a) a.overdue++;
}

/** An assignment; `reactedAt` NaN when the agent never reacted. */
export function addAssignment(a: AgentAccumulator | undefined, assignedAt: number, reactedAt: number): void {
  if (!a) return;
  if (Number.isNaN(reactedAt)) a.unreacted++;
  else a.reactionMs.push(reactedAt - assignedAt);
}

/** Online time per agent inside the period; overlapping intervals of one agent count once. */
export function onlineMsByAgent(
  presence: readonly AgentOnlineInterval[],
  period: Period,
): Map<string, number> {
  const byAgent = new Map<string, [number, number][]>();
  for (const p of presence) {
    const from = Math.max(p.from, period.from ?? p.from);
    const to = Math.min(p.to, period.to ?? p.to);
    let list = byAgent.get(p.agentId);
    if (list === undefined) {
      list = [];
      byAgent.set(p.agentId, list);
    }
    if (to > from) list.push([from, to]);
  }
  const total = new Map<string, number>();
  for (const [agentId, list] of byAgent) {
    list.sort((x, y) => x[0] - y[0]);
    let sum = 0;
    let curFrom = Number.NEGATIVE_INFINITY;
    let curTo = Number.NEGATIVE_INFINITY;
    for (const [from, to] of list) {
      if (from > curTo) {
        if (curTo > curFrom) sum += curTo - curFrom;
        curFrom = from;
        curTo = to;
      } else if (to > curTo) {
        curTo = to;
      }
    }
    if (curTo > curFrom) sum += curTo - curFrom;
    total.set(agentId, sum);
  }
  return total;
}
