import { z } from 'zod';
import { describeIssues } from './describe-issues';
import { ReportError } from './report-errors';
import { assertTimeZone } from './time-zone';

/** Targets of one urgency tier. */
export const TierTargetsSchema = z.strictObject({
  /** First human reply within this many seconds. */
  firstReplySeconds: z.number().positive(),
  /** Every later reply within this many seconds. */
  replySeconds: z.number().positive(),
  /** Share of replies that must meet the targets (0–1]. */
  complianceTarget: z.number().gt(0).lte(1),
});
export type TierTargets = z.infer<typeof TierTargetsSchema>;

/**
 * Defaults from the platform guides (domain.md): urgent = refunds, complaints, payment failures
 * (Tmall: 30 s, ≥ 90 %); general = product and logistics questions (Tmall: 5 min, ≥ 80 %);
 * complex = after-sales disputes, technical problems (a first reply with a plan within 30 min).
 */
export const DEFAULT_TIERS: Readonly<Record<string, TierTargets>> = {
  urgent: { firstReplySeconds: 30, replySeconds: 60, complianceTarget: 0.9 },
  general: { firstReplySeconds: 300, replySeconds: 300, complianceTarget: 0.8 },
  complex: { firstReplySeconds: 1800, replySeconds: 1800, complianceTarget: 0.8 },
};

/** `HH:MM` on the local clock; `24:00` is the end of the day. */
const clockTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM between 00:00 and 24:00')
  .transform((s) => (Number(s.slice(0, 2)) * 60 + Number(s.slice(3))) * 60_000);

/** A daily local window `[start, end)`; a start after the end wraps past midnight. */
const DailyWindowSchema = z
  .strictObject({ start: clockTime, end: clockTime })
  .refine((w) => w.start !== w.end, 'start and end must differ')
  .transform((w) => ({ startMs: w.start, endMs: w.end }));
export type DailyWindow = z.infer<typeof DailyWindowSchema>;

export const ReportOptionsSchema = z.strictObject({
  /** IANA zone for every day and hour bucket (shop local time). */
  timeZone: z.string().default('Asia/Shanghai'),
  /** Period `[from, to)` in ms since the epoch; each measurement is kept when its anchor falls inside. */
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  tiers: z.record(z.string().min(1), TierTargetsSchema).default({ ...DEFAULT_TIERS }),
  /** Tier of conversations that name none (or name one not in `tiers`). */
  defaultTier: z.string().default('general'),
  /** Agents kept out of every metric, besides events flagged `testAgent`. */
  testAgentIds: z.array(z.string()).default([]),
  /** Platform rates only (rounds, reply rate, effective reply rate): let bot replies count as answers. */
  creditBotReplies: z.boolean().default(false),
  /** Round reply-rate thresholds: Taobao's 30 s and Kuaishou's 3 min by default. */
  roundThresholdsSeconds: z.array(z.number().positive()).min(1).default([30, 180]),
  /** Rounds count only when their first message falls in this window (Taobao: 08:00–24:00). */
  roundWindow: DailyWindowSchema.prefault({ start: '08:00', end: '24:00' }),
  effectiveReply: z
    .strictObject({
      /** Pinduoduo counts consumers asking 08:00–23:00. */
      window: DailyWindowSchema.prefault({ start: '08:00', end: '23:00' }),
      /** A message answered later than this (or never) makes its consumer invalid for the day. */
      limitSeconds: z.number().positive().default(3600),
    })
    .prefault({}),
  staffing: z
    .strictObject({
      /** Rule of thumb: an experienced agent handles 15–20 chats per hour. */
      chatsPerAgentHour: z
        .strictObject({ low: z.number().positive().default(15), high: z.number().positive().default(20) })
        .prefault({})
        .refine((c) => c.low <= c.high, 'low must not exceed high'),
      /** Chats one agent holds at once; Erlang C treats agents × concurrency as servers. */
      concurrency: z.number().int().positive().default(3),
      /** Erlang C target: this share of chats picked up within the tier's first-reply target. */
      serviceLevel: z.number().gt(0).lt(1).default(0.8),
      /** Tier whose first-reply target is the Erlang C wait target (default: `defaultTier`). */
      tier: z.string().optional(),
      /** Handle times above this are capped (a chat idle for hours does not occupy an agent). */
      handleTimeCapSeconds: z.number().positive().default(3600),
      /** Arrival rate per hour slot: mean over observed days, or the busiest day. */
      basis: z.enum(['mean', 'peak']).default('mean'),
    })
    .prefault({}),
});

export type ReportOptionsInput = z.input<typeof ReportOptionsSchema>;
export type ReportOptions = z.output<typeof ReportOptionsSchema>;

/** Parses options and checks what spans fields; every problem is a `ReportError` naming its option. */
export function resolveReportOptions(input: ReportOptionsInput = {}): ReportOptions {
  const parsed = ReportOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0]?.path.map(String).join('.');
    throw new ReportError(
      'CSB_ERR_REPORT_OPTIONS_INVALID',
      `invalid report options: ${describeIssues(parsed.error)}`,
      first,
    );
  }
  const options = parsed.data;
  assertTimeZone(options.timeZone);
  if (options.from !== undefined && options.to !== undefined && options.from >= options.to) {
    throw new ReportError(
      'CSB_ERR_REPORT_OPTIONS_INVALID',
      `reversed or empty period: from (${new Date(options.from).toISOString()}) must be before to (${new Date(options.to).toISOString()})`,
      'from',
    );
  }
  if (!(options.defaultTier in options.tiers)) {
    throw new ReportError(
      'CSB_ERR_REPORT_OPTIONS_INVALID',
      `defaultTier "${options.defaultTier}" is not one of the tiers (${Object.keys(options.tiers).join(', ')})`,
      'defaultTier',
    );
  }
  const staffingTier = options.staffing.tier ?? options.defaultTier;
  if (!(staffingTier in options.tiers)) {
    throw new ReportError(
      'CSB_ERR_REPORT_OPTIONS_INVALID',
      `staffing.tier "${staffingTier}" is not one of the tiers (${Object.keys(options.tiers).join(', ')})`,
      'staffing.tier',
    );
  }
  return options;
}

/** Whether a local time of day lies in a daily window (wrapping past midnight when start > end). */
export function inDailyWindow(window: DailyWindow, msOfDay: number): boolean {
  return window.startMs < window.endMs
    ? msOfDay >= window.startMs && msOfDay < window.endMs
    : msOfDay >= window.startMs || msOfDay < window.endMs;
}
