import { z } from 'zod';
import { describeIssues } from './describe-issues';
import {
  type AgentOnlineInterval,
  AgentOnlineIntervalSchema,
  type ReportEvent,
  ReportEventLineSchema,
} from './report-event';

/** Parsing one JSONL line: the parsed value, or a reason naming the field that is wrong. */
export type LineResult<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseJsonObject(line: string): LineResult<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { ok: false, reason: `invalid JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'expected one JSON object per line' };
  }
  return { ok: true, value };
}

function parseWith<T>(schema: z.ZodType<T>, line: string): LineResult<T> {
  const json = parseJsonObject(line);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: describeIssues(parsed.error) };
}

/** One imported event line (see `ReportEventLineSchema`); unknown extra fields are ignored. */
export function parseEventLine(line: string): LineResult<ReportEvent> {
  return parseWith(ReportEventLineSchema, line);
}

const isoWithOffset = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with an offset' })
  .transform((s) => Date.parse(s));

/** One presence line: `{"agentId","from","to"}` with ISO-8601 times carrying an offset. */
const PresenceLineSchema = z
  .object({ agentId: z.string({ error: 'must be a string' }), from: isoWithOffset, to: isoWithOffset })
  .pipe(AgentOnlineIntervalSchema);

export function parsePresenceLine(line: string): LineResult<AgentOnlineInterval> {
  return parseWith(PresenceLineSchema, line);
}
