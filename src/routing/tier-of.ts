import { normalize } from '../matching/normalize';
import { type RoutingConfig, tierById } from './routing-config';

export interface TierInput {
  /** The chat's tier so far: never lowered by a later message. */
  current: string | null;
  intentTier?: string | undefined;
  /** Folded message text (NormalizedText.compact). */
  compact: string;
  channel: string;
  vip: boolean;
}

/** The chat's tier: the most urgent of its intent hint, escalation words, channel, VIP flag and past tier. */
export function tierOf(input: TierInput, config: RoutingConfig): { tier: string; because: string[] } {
  const claims: [string, string][] = [];
  if (input.current) claims.push([input.current, 'current']);
  if (input.intentTier) claims.push([input.intentTier, 'intent']);
  const word = config.escalationKeywords.find((k) => input.compact.includes(normalize(k).compact));
  if (word) claims.push([config.escalationTier, `keyword:${word}`]);
  const channelTier = config.channelTiers[input.channel];
  if (channelTier) claims.push([channelTier, `channel:${input.channel}`]);
  if (input.vip) claims.push([config.vipTier, 'vip']);
  if (!claims.length) claims.push([tierById(config, 'general').id, 'default']);
  let best = claims[0]!;
  for (const c of claims) if (tierById(config, c[0]).rank > tierById(config, best[0]).rank) best = c;
  const tier = tierById(config, best[0]).id;
  return { tier, because: claims.filter((c) => tierById(config, c[0]).id === tier).map((c) => c[1]) };
}
