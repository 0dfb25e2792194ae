import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { calendarSchema } from '../calendar/business-hours';
import { ContentError } from '../content/content-error';
import { localeSchema } from '../content/schemas';
import { normalize } from '../matching/normalize';

/**
 * Why a spam pattern is refused, or undefined when it is acceptable: it must compile (JavaScript
 * syntax, flags `iu`) and must not be able to backtrack catastrophically. The check is static and
 * conservative: nested unbounded quantifiers — `(a+)+`, `(\w*\s?)*`, `(.*x){2,}` — quantified
 * alternatives that can match the same text — `(a|ab)+` — and back-references are refused.
 */
export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'iu');
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  if (/\\[1-9]|\\k</.test(pattern))
    return 'back-references are not allowed (they can backtrack without limit)';
  interface Group {
    /** Holds an unbounded quantifier somewhere inside. */
    unbounded: boolean;
    /** Top-level alternatives of the group, as written. */
    branches: string[];
    start: number;
    branchStart: number;
  }
  const stack: Group[] = [{ unbounded: false, branches: [], start: 0, branchStart: 0 }];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    const top = stack.at(-1)!;
    if (c === '(') {
      // Skip the group's prefix: (?: (?= (?! (?<= (?<! (?<name>
      let j = i + 1;
      if (pattern[j] === '?') {
        j++;
        if (pattern[j] !== '<') j++;
        else if (pattern[j + 1] === '=' || pattern[j + 1] === '!') j += 2;
        else j = pattern.indexOf('>', j) + 1;
      }
      stack.push({ unbounded: false, branches: [], start: i, branchStart: j });
      i = j - 1;
      continue;
    }
    if (c === '|') {
      top.branches.push(pattern.slice(top.branchStart, i));
      top.branchStart = i + 1;
      continue;
    }
    if (c === ')') {
      const group = stack.pop();
      if (!group || !stack.length) continue; // unbalanced: already refused by the RegExp constructor
      group.branches.push(pattern.slice(group.branchStart, i));
      const after = quantifierAt(pattern, i + 1);
      if (after?.repeats && group.unbounded) {
        return `nested quantifier in "${pattern.slice(group.start, i + 1 + after.length)}" can backtrack catastrophically; quantify the inner part only`;
      }
      if (after?.repeats && group.branches.length > 1 && overlapping(group.branches)) {
        return `repeated alternatives in "${pattern.slice(group.start, i + 1 + after.length)}" can match the same text and backtrack catastrophically`;
      }
      stack.at(-1)!.unbounded ||= group.unbounded || after?.unbounded === true;
      continue;
    }
    if (quantifierAt(pattern, i)?.unbounded) top.unbounded = true;
  }
  return undefined;
}

/** The quantifier starting at `i`, if any: unbounded (`*`, `+`, `{n,}`), or repeating more than once. */
function quantifierAt(
  pattern: string,
  i: number,
): { length: number; unbounded: boolean; repeats: boolean } | undefined {
  const m = /^(?:[*+]|\{(\d+)(,(\d*))?\})/.exec(pattern.slice(i, i + 24));
  if (!m) return undefined;
  const [text, min, comma, max] = m;
  const unbounded = text === '*' || text === '+' || (comma !== undefined && max === '');
  return { length: text.length, unbounded, repeats: unbounded || Number(max ?? min) > 1 };
}

/** Two alternatives where one is a prefix of the other (or equal) can both match at one place. */
function overlapping(branches: string[]): boolean {
  for (let a = 0; a < branches.length; a++) {
    for (let b = 0; b < branches.length; b++) {
      if (a !== b && (branches[b]!.startsWith(branches[a]!) || branches[a] === '')) return true;
    }
  }
  return false;
}

const spamPatternSchema = z
  .string()
  .min(1, 'a pattern must not be empty')
  .max(200, 'at most 200 characters')
  .superRefine((p, ctx) => {
    const problem = regexProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Rules that flag a message as spam (the flag is for reports and agents; the bot still logs it). */
export const spamRulesSchema = z.strictObject({
  /** Words or phrases, folded like intent keywords (case, width, traditional/simplified). */
  keywords: z.array(z.string().trim().min(1, 'a keyword must not be empty').max(100)).max(500).default([]),
  /** Regular expressions (JavaScript syntax, case-insensitive); unsafe ones are refused. */
  patterns: z.array(spamPatternSchema).max(100).default([]),
  /** More links than this in one message flags it (0 = no limit). */
  maxLinks: z.number().int().min(0).max(50).default(0),
});
export type SpamRules = z.infer<typeof spamRulesSchema>;

/** Thresholds that raise an alert for supervisors (0 = that alert is off). */
export const alertThresholdsSchema = z.strictObject({
  /** Rolling median first-response time (chats still waiting count with their wait so far), in seconds, above which supervisors are alerted. */
  firstResponseSeconds: z.number().int().min(0).max(86_400).default(60),
  /** Window of that rolling median, in minutes. */
  windowMinutes: z.number().int().min(1).max(1440).default(15),
  /** Chats waiting in the queue at once. */
  queueLength: z.number().int().min(0).max(100_000).default(20),
  /** Overdue chats at once. */
  overdueChats: z.number().int().min(0).max(100_000).default(5),
});
export type AlertThresholds = z.infer<typeof alertThresholdsSchema>;

const compiledPatterns = new WeakMap<SpamRules, RegExp[]>();

/** Which spam rules a message trips (empty: not spam). Pure; rules are validated when saved. */
export function spamCheck(text: string, rules: SpamRules): string[] {
  const hits: string[] = [];
  const compact = normalize(text).compact;
  for (const k of rules.keywords) {
    const folded = normalize(k).compact;
    if (folded && compact.includes(folded)) hits.push(`keyword:${k}`);
  }
  let compiled = compiledPatterns.get(rules);
  if (!compiled) {
    compiled = rules.patterns.map((p) => new RegExp(p, 'iu'));
    compiledPatterns.set(rules, compiled);
  }
  compiled.forEach((re, i) => {
    if (re.test(text)) hits.push(`pattern:${rules.patterns[i]}`);
  });
  if (rules.maxLinks > 0) {
    const links = text.match(/https?:\/\/|www\./gi)?.length ?? 0;
    if (links > rules.maxLinks) hits.push(`links:${links}`);
  }
  return hits;
}

/** Everything about the shop the bot needs besides intents and replies. Defaults make a working demo. */
export const shopSettingsSchema = z.strictObject({
  name: z.string().min(1).max(100).default('FirstReply Demo Shop'),
  defaultLocale: localeSchema.default('zh'),
  calendar: calendarSchema.default(calendarSchema.parse({})),
  /** Calendars of agent groups that keep other hours than the shop. */
  groupCalendars: z.record(z.string(), calendarSchema).default({}),
  greeting: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** No greeting while the conversation had any message this recently: it would interrupt. */
      quietAfterActivityMinutes: z.number().min(0).default(30),
    })
    .default({ enabled: true, quietAfterActivityMinutes: 30 }),
  away: z
    .strictObject({
      /** No away message when an agent answered this recently (they are still around). */
      quietAfterAgentMinutes: z.number().min(0).default(10),
    })
    .default({ quietAfterAgentMinutes: 10 }),
  /** A customer's next message after this much silence starts a new conversation. */
  conversationIdleMinutes: z.number().min(1).default(240),
  /** The hand-off message is not repeated within this time while the customer waits. */
  handoffNoticeMinutes: z.number().min(0).default(5),
  matcher: z
    .strictObject({
      threshold: z.number().min(0).max(1).default(0.7),
      ambiguityMargin: z.number().min(0).max(1).default(0.15),
      /**
       * Also score messages against the intents' examples (a model trained at publish). Off by
       * default: on the shipped pack's labelled table it answers 2 more lines but 5 more wrongly.
       */
      useExamples: z.boolean().default(false),
    })
    .default({ threshold: 0.7, ambiguityMargin: 0.15, useExamples: false }),
  /** More messages than this from one customer within a second are logged but not answered. */
  throttle: z
    .strictObject({ messagesPerSecond: z.number().min(1).default(5), burst: z.number().min(1).default(10) })
    .default({ messagesPerSecond: 5, burst: 10 }),
  spam: spamRulesSchema.default({ keywords: [], patterns: [], maxLinks: 0 }),
  alerts: alertThresholdsSchema.default({
    firstResponseSeconds: 60,
    windowMinutes: 15,
    queueLength: 20,
    overdueChats: 5,
  }),
});
export type ShopSettings = z.infer<typeof shopSettingsSchema>;

export const defaultShopSettings = (): ShopSettings => shopSettingsSchema.parse({});

/** Reads a settings file (YAML or JSON); a bad file fails start-up naming the field. */
export function loadShopSettings(file: string | undefined): ShopSettings {
  if (!file) return defaultShopSettings();
  const result = shopSettingsSchema.safeParse(parse(readFileSync(file, 'utf8')) ?? {});
  if (result.success) return result.data;
  throw new ContentError(
    result.error.issues.map((i) => ({ file, path: i.path.join('.'), message: i.message })),
  );
}
