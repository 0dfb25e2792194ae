import { z } from 'zod';
import { addDays, isValidTimeZone, localTime, zonedInstant } from '../calendar/time-zone';
import { type FieldIssue, HttpError } from '../http/errors';

/** `GET /api/reports/summary` (and the CSV exports): every parameter is optional. */
export const reportQuerySchema = z.strictObject({
  /** `YYYY-MM-DD` (shop-local midnight in `tz`) or ISO-8601 with an offset. Default: 6 days before today. */
  from: z.string().min(1).optional(),
  /** Exclusive end, same forms. Default: the next local midnight (today included). */
  to: z.string().min(1).optional(),
  /** IANA zone for days and hours. Default: the shop calendar's zone. */
  tz: z.string().min(1).optional(),
  groupBy: z.enum(['agent', 'tier', 'channel', 'day']).optional(),
  /** Only conversations this agent (id or login) wrote in, was assigned, transferred or charged. */
  agent: z.string().min(1).max(200).optional(),
  /** Only conversations of this tier. */
  tier: z.string().min(1).max(100).optional(),
  /** Only conversations on this channel. */
  channel: z.string().min(1).max(100).optional(),
  /** `business`: only conversations whose first message came in the shop's opening hours. */
  hours: z.enum(['all', 'business']).optional(),
  /** Orders paid up to this many hours after a conversation started count as its conversion. */
  conversionHours: z.coerce.number().int().min(1).max(720).optional(),
});
export type ReportQueryInput = z.infer<typeof reportQuerySchema>;

export interface ReportQuery {
  from: number;
  to: number;
  timeZone: string;
  groupBy: 'agent' | 'tier' | 'channel' | 'day' | undefined;
  agent: string | undefined;
  tier: string | undefined;
  channel: string | undefined;
  businessHours: boolean;
  conversionHours: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** ISO-8601 with seconds optional, and an explicit offset: a bare local time would be a guess. */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const DAY_MS = 86_400_000;
/** The longest period one request may cover: a year (leap years and DST included). */
export const MAX_PERIOD_DAYS = 366;

const bad = (path: string, message: string) =>
  new HttpError(400, 'invalid_request', `${path}: ${message}`, [{ path, message } satisfies FieldIssue]);

function parseInstant(value: string, field: 'from' | 'to', tz: string): number {
  if (DATE.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== value)
      throw bad(field, `"${value}" is not a real date`);
    return zonedInstant(value, 0, tz);
  }
  if (ISO.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isFinite(ms)) throw bad(field, `"${value}" is not a real date-time`);
    return ms;
  }
  throw bad(
    field,
    'must be a date (YYYY-MM-DD, shop-local midnight) or ISO-8601 with an offset (2026-11-23T10:00:00+08:00)',
  );
}

/**
 * Validates the period and zone. Reversed, empty or absurd periods (before 2000, longer than a
 * year, starting more than a day in the future) and unknown zones are 400s naming the field.
 * Agent and tier names are checked by the service (it knows the agents and tiers).
 */
export function resolveReportQuery(
  input: ReportQueryInput,
  defaults: { timeZone: string; now: number },
): ReportQuery {
  const timeZone = input.tz ?? defaults.timeZone;
  if (!isValidTimeZone(timeZone))
    throw bad('tz', `unknown time zone "${timeZone}": use an IANA name such as Asia/Shanghai or UTC`);
  const today = localTime(defaults.now, timeZone).date;
  const to =
    input.to === undefined
      ? zonedInstant(addDays(today, 1), 0, timeZone)
      : parseInstant(input.to, 'to', timeZone);
  const from =
    input.from === undefined
      ? input.to === undefined
        ? zonedInstant(addDays(today, -6), 0, timeZone)
        : to - 7 * DAY_MS
      : parseInstant(input.from, 'from', timeZone);
  if (from < EARLIEST) throw bad('from', 'must not be before 2000-01-01');
  if (from > defaults.now + DAY_MS)
    throw bad('from', 'starts more than a day in the future: nothing can have happened yet');
  if (from >= to)
    throw bad(
      'from',
      `must be before to (from ${new Date(from).toISOString()}, to ${new Date(to).toISOString()})`,
    );
  if (to - from > MAX_PERIOD_DAYS * DAY_MS + 2 * 3_600_000)
    throw bad('to', `the period may span at most ${MAX_PERIOD_DAYS} days; ask for several periods`);
  return {
    from,
    to,
    timeZone,
    groupBy: input.groupBy,
    agent: input.agent,
    tier: input.tier,
    channel: input.channel,
    businessHours: input.hours === 'business',
    conversionHours: input.conversionHours ?? 24,
  };
}
