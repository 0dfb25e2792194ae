/**
 * Erlang C (M/M/c queue): the chance an arrival has to wait when `servers` serve `traffic`
 * erlangs (arrival rate × mean handle time). Computed through Erlang B's recurrence
 * B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)) — every term stays in [0, 1], so there is no
 * A^N / N! to overflow even at thousands of servers — then C = N·B / (N − A·(1 − B)).
 */
export function erlangB(servers: number, traffic: number): number {
  assertServers(servers);
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (traffic * b) / (k + traffic * b);
  return b;
}

/** Probability of waiting; 1 when servers ≤ traffic (the queue grows without bound). */
export function erlangC(servers: number, traffic: number): number {
  assertServers(servers);
  if (traffic <= 0) return 0;
  if (servers <= traffic) return 1;
  return fromErlangB(servers, traffic, erlangB(servers, traffic));
}

function fromErlangB(servers: number, traffic: number, b: number): number {
  return (servers * b) / (servers - traffic * (1 - b));
}

/** Share of arrivals picked up within `targetWaitSeconds`: 1 − C·e^(−(N − A)·T / AHT). */
export function serviceLevel(
  servers: number,
  traffic: number,
  handleSeconds: number,
  targetWaitSeconds: number,
): number {
  const c = erlangC(servers, traffic);
  if (servers <= traffic) return 0;
  if (handleSeconds <= 0) return 1;
  return 1 - c * Math.exp((-(servers - traffic) * targetWaitSeconds) / handleSeconds);
}

/** Mean wait before pick-up (ASA): C·AHT / (N − A); infinite when servers ≤ traffic. */
export function averageSpeedOfAnswer(servers: number, traffic: number, handleSeconds: number): number {
  if (traffic <= 0) return 0;
  if (servers <= traffic) return Number.POSITIVE_INFINITY;
  return (erlangC(servers, traffic) * handleSeconds) / (servers - traffic);
}

export interface ServerRequirement {
  servers: number;
  probabilityOfWaiting: number;
  serviceLevel: number;
}

/**
 * Fewest servers reaching `targetShare` picked up within `targetWaitSeconds`. Erlang B is carried
 * from N − 1 to N, so the search is linear in the answer rather than quadratic.
 */
export function serversForServiceLevel(
  traffic: number,
  handleSeconds: number,
  targetWaitSeconds: number,
  targetShare: number,
): ServerRequirement {
  if (!(targetShare > 0 && targetShare < 1))
    throw new RangeError('targetShare must be between 0 and 1 (exclusive)');
  if (traffic <= 0) return { servers: 0, probabilityOfWaiting: 0, serviceLevel: 1 };
  let b = 1;
  for (let n = 1; ; n++) {
    b = (traffic * b) / (n + traffic * b);
    if (n <= traffic) continue;
    const c = fromErlangB(n, traffic, b);
    const level =
      handleSeconds <= 0 ? 1 : 1 - c * Math.exp((-(n - traffic) * targetWaitSeconds) / handleSeconds);
    if (level >= targetShare) return { servers: n, probabilityOfWaiting: c, serviceLevel: level };
  }
}

function assertServers(servers: number): void {
  if (!Number.isInteger(servers) || servers < 0)
    throw new RangeError(`servers must be a whole number ≥ 0, got ${servers}`);
}
