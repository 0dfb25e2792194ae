import type { BotConfig } from '../bot-config/bot-config';
import { packExampleSource } from '../matching/example-matcher';
import { type CandidateSource, compileMatcher, type Matcher } from '../matching/matcher';
import type { RoutingConfig } from '../routing/routing-config';
import type { ShopSettings } from '../shop/settings';
import type { ContentPack } from './content-pack';
import type { ReplyTemplate } from './schemas';

/** One configuration version compiled for use: swapped as a whole, so a message sees one version from start to end. */
export interface CompiledContent {
  version: number;
  document: BotConfig;
  pack: ContentPack;
  settings: ShopSettings;
  routing: RoutingConfig;
  matcher: Matcher;
  replies: ReadonlyMap<string, ReplyTemplate>;
}

export type ExtraSourceFactory = (pack: ContentPack) => CandidateSource[];

/** The intents' examples as a second opinion, when the shop turned it on. */
export const exampleSources =
  (threshold: number, enabled: boolean): ExtraSourceFactory =>
  (pack) =>
    enabled && pack.intents.some((i) => i.examples.length)
      ? [packExampleSource(pack.intents, threshold).source]
      : [];

export function compileContent(
  document: BotConfig,
  version: number,
  extraSources?: ExtraSourceFactory,
): CompiledContent {
  const pack = { intents: document.intents, replies: document.replies };
  const { threshold, useExamples } = document.shop.matcher;
  const sources = (extraSources ?? exampleSources(threshold, useExamples))(pack);
  const matcher = compileMatcher(pack.intents, document.shop.matcher, sources);
  return {
    version,
    document,
    pack,
    settings: document.shop,
    routing: document.routing,
    matcher,
    replies: new Map(pack.replies.map((r) => [r.id, r])),
  };
}

/** Holder of the live content; readers take `current` once per message. */
export class LiveContent {
  constructor(public current: CompiledContent) {}

  swap(next: CompiledContent): void {
    this.current = next;
  }
}
