import { describeOpening, isOpen, localDate, nextOpening } from '../calendar/business-hours';
import type { CompiledContent } from '../content/live-content';
import { renderReply } from '../content/render-reply';
import type { LabelledLine } from '../eval/csv';
import { runMatcher } from '../eval/evaluate';
import { computeMetrics, type EvalMetrics } from '../eval/metrics';
import { decideReply } from '../inbound/decide-reply';
import type { ReplyKind } from '../inbound/message';
import { hasHan, tokens } from '../matching/normalize';
import type { AgentView, Considered } from '../routing/pick-agent';
import { pickAgent } from '../routing/pick-agent';
import { tierOf } from '../routing/tier-of';
import { spamCheck } from '../shop/settings';

/**
 * "Try it": one text through the same pure steps the message path takes — normalise, match, decide,
 * render, tier, pick an agent — with every intermediate result shown. Nothing is stored or sent.
 */

export interface TryInput {
  text: string;
  /** Reply language; default: detected from the text (Chinese characters → zh, Latin → en), else the shop's. */
  locale?: string | undefined;
  channel: string;
  vip: boolean;
  /** A customer already greeted today (no greeting in front of the answer). Default: a first message. */
  returning: boolean;
}

export interface TryContext {
  now: number;
  /** Agents as they are now (status, load): where the chat would go if it were handed off. */
  agents: readonly AgentView[];
  /** Queue position and wait, for the hand-off text; absent → left blank. */
  estimate?: (tier: string) => Promise<{ queuePosition: number | string; waitMinutes: number | string }>;
}

export type TryDecision = 'greeting' | 'template' | 'handoff' | 'none';

export interface TriedRule {
  intent: string;
  score: number;
  coverage: number;
  /** Index of the winning rule in the intent's `rules` (-1: example-based). */
  rule: number;
  source: 'keyword' | 'example';
  /** The words of the message that the rule matched. */
  words: string[];
  vetoedBy?: string;
}

export interface TryResult {
  /** Configuration version tried (null: an unpublished draft). */
  version: number | null;
  text: string;
  locale: string;
  normalized: { text: string; compact: string; words: string[]; stems: string[] };
  tokens: string[];
  corrections: { from: string; to: string }[];
  match: { intent: string | null; score: number; reason: string };
  rules: TriedRule[];
  decision: TryDecision;
  reason: string;
  replies: { kind: ReplyKind; template: string; text: string; quickReplies?: string[] }[];
  open: boolean;
  /** When closed: the next opening, described as the away message would ("明天 09:00"). */
  backAt: string | null;
  tier: { id: string; because: string[] };
  group: string;
  routing: {
    /** The decision hands the chat to a person. */
    applies: boolean;
    agentId: string | null;
    agentName: string | null;
    next: string | null;
    strategy: string;
    sticky: boolean;
    considered: Considered[];
  };
  spam: string[];
}

export function detectLocale(text: string): string | undefined {
  if (hasHan(text)) return 'zh';
  if (/[a-z]/i.test(text)) return 'en';
  return undefined;
}

export async function tryText(
  content: CompiledContent,
  version: number | null,
  input: TryInput,
  ctx: TryContext,
): Promise<TryResult> {
  const { settings, routing } = content;
  const tz = settings.calendar.timezone;
  const locale = input.locale ?? detectLocale(input.text) ?? settings.defaultLocale;
  const match = content.matcher.match(input.text);
  const today = localDate(ctx.now, tz);
  const open = isOpen(settings.calendar, ctx.now);
  const plan = decideReply({
    match,
    now: ctx.now,
    today,
    open,
    customer: { greetedDay: input.returning ? today : null, awayDay: null },
    conversation: { status: 'bot', lastMessageAt: null, lastAgentAt: null, handoffNoticeAt: null },
    settings,
  });

  const intent = match.intent;
  const tier = tierOf(
    {
      current: null,
      ...(intent ? { intentTier: intent.tier } : {}),
      compact: match.normalized.compact,
      channel: input.channel,
      vip: input.vip,
    },
    routing,
  );
  const group = intent?.group && routing.groups[intent.group] ? intent.group : routing.defaultGroup;
  const picked = pickAgent({ tier: tier.tier, group, excluded: [], lastAgentId: null }, ctx.agents, routing);

  const opening = open ? undefined : nextOpening(settings.calendar, ctx.now);
  const backAt = opening === undefined ? null : describeOpening(opening, ctx.now, tz, locale);
  const estimate = plan.handoff && ctx.estimate ? await ctx.estimate(tier.tier) : undefined;
  const values = {
    shop: settings.name,
    customer: '',
    queuePosition: estimate?.queuePosition ?? '',
    waitMinutes: estimate?.waitMinutes ?? '',
    backAt: backAt ?? '',
  };
  const replies: TryResult['replies'] = [];
  for (const step of plan.replies) {
    const template = content.replies.get(step.template);
    if (!template) continue;
    const r = renderReply(template, step.kind, locale, settings.defaultLocale, values, 0);
    replies.push({
      kind: r.kind,
      template: step.template,
      text: r.text,
      ...(r.quickReplies ? { quickReplies: r.quickReplies } : {}),
    });
  }

  const hasTemplate = plan.replies.some((r) => r.kind === 'template');
  const decision: TryDecision = hasTemplate
    ? 'template'
    : plan.handoff
      ? 'handoff'
      : plan.greeted
        ? 'greeting'
        : 'none';
  const n = match.normalized;
  return {
    version,
    text: input.text,
    locale,
    normalized: { text: n.text, compact: n.compact, words: n.words, stems: n.stems },
    tokens: tokens(n),
    corrections: match.corrections,
    match: { intent: intent?.id ?? null, score: round(match.score), reason: match.reason },
    rules: match.candidates.map((c) => ({
      intent: c.intent,
      score: round(c.score),
      coverage: round(c.coverage),
      rule: c.rule,
      source: c.source,
      words: c.words,
      ...(c.vetoedBy ? { vetoedBy: c.vetoedBy } : {}),
    })),
    decision,
    reason: plan.reason,
    replies,
    open,
    backAt,
    tier: { id: tier.tier, because: tier.because },
    group,
    routing: {
      applies: plan.handoff,
      agentId: picked.agentId,
      agentName: picked.agentId ? (ctx.agents.find((a) => a.id === picked.agentId)?.name ?? null) : null,
      next: picked.next,
      strategy: picked.strategy,
      sticky: picked.sticky,
      considered: picked.considered,
    },
    spam: spamCheck(input.text, settings.spam),
  };
}

export interface TryChange {
  what: 'intent' | 'decision' | 'replies' | 'tier' | 'agent' | 'score';
  live: unknown;
  draft: unknown;
}

/** What would be different for this text if the draft were published. */
export function compareTries(live: TryResult, draft: TryResult): TryChange[] {
  const changes: TryChange[] = [];
  const add = (what: TryChange['what'], a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ what, live: a, draft: b });
  };
  add('intent', live.match.intent, draft.match.intent);
  add('decision', live.decision, draft.decision);
  add(
    'replies',
    live.replies.map((r) => r.text),
    draft.replies.map((r) => r.text),
  );
  add('tier', live.tier.id, draft.tier.id);
  add('agent', live.routing.agentId, draft.routing.agentId);
  if (Math.abs(live.match.score - draft.match.score) >= 0.01)
    changes.push({ what: 'score', live: live.match.score, draft: draft.match.score });
  return changes;
}

export interface EvalComparison {
  lines: number;
  live: EvalMetrics;
  draft?: EvalMetrics;
  /** Lines whose decision differs between live and draft (at most `limit`), with which one is right. */
  changed: {
    line: number;
    text: string;
    expected: string | null;
    live: string | null;
    draft: string | null;
    better: boolean | null;
  }[];
  /** How many changed lines went from wrong to right, and from right to wrong. */
  fixed: number;
  broken: number;
  /** Labels the evaluated configuration has no intent for (such lines can never be answered right). */
  unknownLabels: string[];
}

/** Runs labelled lines through the live matcher and, when given, the draft's; counts what changes. */
export function evalCompare(
  lines: readonly LabelledLine[],
  live: CompiledContent,
  draft?: CompiledContent,
  limit = 200,
): EvalComparison {
  const side = (c: CompiledContent) => {
    const { outcomes } = runMatcher(c.matcher, lines);
    const handoff = new Set(c.pack.intents.filter((i) => i.action === 'handoff').map((i) => i.id));
    return { outcomes, metrics: computeMetrics(outcomes, handoff) };
  };
  const a = side(live);
  const b = draft ? side(draft) : undefined;
  const changed: EvalComparison['changed'] = [];
  let fixed = 0;
  let broken = 0;
  if (b) {
    lines.forEach((l, i) => {
      const before = a.outcomes[i]!.predicted;
      const after = b.outcomes[i]!.predicted;
      if (before === after) return;
      const rightBefore = before === l.intent;
      const rightAfter = after === l.intent;
      if (!rightBefore && rightAfter) fixed++;
      if (rightBefore && !rightAfter) broken++;
      if (changed.length < limit) {
        changed.push({
          line: l.line,
          text: l.text,
          expected: l.intent,
          live: before,
          draft: after,
          better: rightBefore === rightAfter ? null : rightAfter,
        });
      }
    });
  }
  const known = new Set((draft ?? live).pack.intents.map((i) => i.id));
  const labels = new Set(lines.map((l) => l.intent).filter((x): x is string => x !== null));
  return {
    lines: lines.length,
    live: a.metrics,
    ...(b ? { draft: b.metrics } : {}),
    changed,
    fixed,
    broken,
    unknownLabels: [...labels].filter((l) => !known.has(l)).sort(),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
