import type { ShopSettings } from '../shop/settings';
import { type CandidateSource, compileMatcher, type Matcher } from '../matching/matcher';
import type { ContentPack } from './content-pack';
import type { ReplyTemplate } from './schemas';

/** A pack compiled for use: swapped as a whole, so a message sees one version from start to end. */
export interface CompiledContent {
  version: number;
  pack: ContentPack;
  settings: ShopSettings;
  matcher: Matcher;
  replies: ReadonlyMap<string, ReplyTemplate>;
}

export type ExtraSourceFactory = (pack: ContentPack) => CandidateSource[];

export function compileContent(
  pack: ContentPack,
  settings: ShopSettings,
  version: number,
  extraSources: ExtraSourceFactory = () => [],
): CompiledContent {
  const matcher = compileMatcher(pack.intents, settings.matcher, extraSources(pack));
  return { version, pack, settings, matcher, replies: new Map(pack.replies.map((r) => [r.id, r])) };
}

/** Holder of the live content; readers take `current` once per message. */
export class LiveContent {
  constructor(public current: CompiledContent) {}

  swap(next: CompiledContent): void {
    this.current = next;
  }
}
