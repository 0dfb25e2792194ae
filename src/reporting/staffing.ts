import { serversForServiceLevel } from './erlang-c';

export interface StaffingOptions {
  chatsPerAgentHour: { low: number; high: number };
  concurrency: number;
  serviceLevel: number;
  targetWaitSeconds: number;
}

export interface StaffingSuggestion {
  /** Chats per hour the suggestion is for. */
  arrivalsPerHour: number;
  /**
   * Rule of thumb: an experienced agent handles 15–20 chats an hour, so
   * ⌈arrivals / 20⌉ (fewest) to ⌈arrivals / 15⌉ (most) agents.
   */
  ruleOfThumb: { fewest: number; most: number };
  /** Erlang C; null when no handle time could be measured. */
  erlangC: {
    agents: number;
    /** Chat slots = agents × concurrency: the servers of the queue. */
    slots: number;
    trafficErlangs: number;
    probabilityOfWaiting: number;
    serviceLevel: number;
    /** Busy share of the slots. */
    occupancy: number;
  } | null;
}

/**
 * Agents for one hour slot. Erlang C sees each agent as `concurrency` servers (slots), each
 * holding one chat for the measured handle time, and finds the fewest slots that pick up
 * `serviceLevel` of chats within the target wait; agents = ⌈slots / concurrency⌉.
 */
export function suggestStaffing(
  arrivalsPerHour: number,
  handleSeconds: number | null,
  options: StaffingOptions,
): StaffingSuggestion {
  const ruleOfThumb = {
    fewest: Math.ceil(arrivalsPerHour / options.chatsPerAgentHour.high),
    most: Math.ceil(arrivalsPerHour / options.chatsPerAgentHour.low),
  };
  if (handleSeconds === null) return { arrivalsPerHour, ruleOfThumb, erlangC: null };
  const traffic = (arrivalsPerHour * handleSeconds) / 3600;
  const need = serversForServiceLevel(
    traffic,
    handleSeconds,
    options.targetWaitSeconds,
    options.serviceLevel,
  );
  // Chats that take no measurable time still need someone there to answer them.
  const slots = arrivalsPerHour > 0 ? Math.max(need.servers, 1) : 0;
  return {
    arrivalsPerHour,
    ruleOfThumb,
    erlangC: {
      agents: Math.ceil(slots / options.concurrency),
      slots,
      trafficErlangs: traffic,
      probabilityOfWaiting: need.probabilityOfWaiting,
      serviceLevel: need.serviceLevel,
      occupancy: slots > 0 ? traffic / slots : 0,
    },
  };
}
