/**
 * `npm run report -- --events FILE.jsonl [--json|--csv] [--tz ZONE] [--from T] [--to T] [--on-bad-line skip|reject]`
 *
 * The only I/O around the pure reporting engine: reads a JSONL event log line by line
 * (streaming, so a million-line file is never held as one string), validates every line,
 * and prints the report. Exit codes: 0 done, 2 bad argument or rejected input, 1 unexpected failure.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildReport } from '../reporting/build-report';
import { describeIssues } from '../reporting/describe-issues';
import { type LineResult, parseEventLine, parsePresenceLine } from '../reporting/event-line';
import { formatReportCsv } from '../reporting/format-csv';
import { formatReportTable } from '../reporting/format-table';
import type { AgentOnlineInterval, ReportEvent } from '../reporting/report-event';
import { ReportError } from '../reporting/report-errors';
import { type ReportOptionsInput, resolveReportOptions } from '../reporting/report-options';
import { createZoneClock, type ZoneClock } from '../reporting/time-zone';

const USAGE = `usage: npm run report -- --events FILE.jsonl [--json | --csv] [--tz Asia/Shanghai]
         [--from ISO|YYYY-MM-DD] [--to ISO|YYYY-MM-DD] [--on-bad-line skip|reject]
         [--presence FILE.jsonl] [--options FILE.json] [--credit-bot-replies]
Event lines: {"conversationId","customerId","from":"customer"|"agent"|"bot","agentId"?,"at":"2024-06-01T10:00:00+08:00",...}
Dates without a time are shop-local midnight in --tz. See docs/metrics.md.`;

/** How many bad lines are spelled out one by one; the rest are counted. */
const MAX_BAD_LINES_SHOWN = 100;

class UsageError extends Error {}

const timeArg = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success,
    'must be an ISO-8601 date-time with an offset (2024-06-01T00:00:00+08:00) or a date (2024-06-01 = shop midnight)',
  )
  .optional();

const ArgsSchema = z
  .strictObject({
    events: z.string({ error: 'is required: the JSONL event log to read' }).min(1, 'must name a file'),
    json: z.boolean().optional(),
    csv: z.boolean().optional(),
    tz: z.string().min(1, 'must name a time zone').optional(),
    from: timeArg,
    to: timeArg,
    'on-bad-line': z.enum(['skip', 'reject'], { error: 'must be skip or reject' }).default('skip'),
    presence: z.string().min(1, 'must name a file').optional(),
    options: z.string().min(1, 'must name a file').optional(),
    'credit-bot-replies': z.boolean().optional(),
    help: z.boolean().optional(),
  })
  .refine((a) => !(a.json && a.csv), { path: ['csv'], message: 'cannot be combined with --json' });
type Args = z.infer<typeof ArgsSchema>;

function parseCliArgs(argv: string[]): Args {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        events: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        tz: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'on-bad-line': { type: 'string' },
        presence: { type: 'string' },
        options: { type: 'string' },
        'credit-bot-replies': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { events: '', 'on-bad-line': 'skip', help: true };
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) {
    // Name the flag: `--on-bad-line: must be skip or reject`.
    throw new UsageError(describeIssues(parsed.error).replace(/(^|; )([a-z-]+): /g, '$1--$2: '));
  }
  return parsed.data;
}

function toInstant(value: string, zone: ZoneClock): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? zone.instantOf(value) : Date.parse(value);
}

/** Engine option → the flag a user would change. */
function flagFor(option: string | undefined): string {
  if (option === 'timeZone') return '--tz';
  if (option === 'from' || option === 'to') return '--from/--to';
  return option ? `--options (${option})` : '--options';
}

function readOptionsFile(path: string): ReportOptionsInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--options: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('expected a JSON object');
    return value as ReportOptionsInput;
  } catch (err) {
    throw new UsageError(`--options: ${path} is not a JSON object: ${(err as Error).message}`);
  }
}

interface ReadResult<T> {
  values: T[];
  lines: number;
  bad: number;
}

/** Streams a JSONL file; every bad line goes to stderr with its number and reason. */
async function readJsonLines<T>(
  flag: string,
  path: string,
  parse: (line: string) => LineResult<T>,
  stderr: NodeJS.WritableStream,
): Promise<ReadResult<T>> {
  const result: ReadResult<T> = { values: [], lines: 0, bad: 0 };
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => reject(new UsageError(`${flag}: cannot read ${path}: ${err.message}`));
    stream.on('error', fail);
    lines.on('error', fail);
    lines.on('line', (raw) => {
      result.lines++;
      const line = result.lines === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') return; // blank lines separate nothing and are not events
      const parsed = parse(line);
      if (parsed.ok) {
        result.values.push(parsed.value);
        return;
      }
      result.bad++;
      if (result.bad <= MAX_BAD_LINES_SHOWN)
        stderr.write(`report: ${path}:${result.lines}: ${parsed.reason}\n`);
    });
    lines.on('close', resolve);
  });
  if (result.bad > MAX_BAD_LINES_SHOWN) {
    stderr.write(`report: ${path}: … and ${result.bad - MAX_BAD_LINES_SHOWN} more bad line(s)\n`);
  }
  return result;
}

export async function runReportCli(
  argv: string[],
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.help) {
      stdout.write(`${USAGE}\n`);
      return 0;
    }
    const fileOptions = args.options ? readOptionsFile(args.options) : {};
    const timeZone = args.tz ?? fileOptions.timeZone ?? 'Asia/Shanghai';
    const zone = createZoneClock(timeZone);
    const options: ReportOptionsInput = {
      ...fileOptions,
      timeZone,
      ...(args.from !== undefined && { from: toInstant(args.from, zone) }),
      ...(args.to !== undefined && { to: toInstant(args.to, zone) }),
      ...(args['credit-bot-replies'] !== undefined && { creditBotReplies: args['credit-bot-replies'] }),
    };
    resolveReportOptions(options); // fail on bad options before reading a million lines

    const reject = args['on-bad-line'] === 'reject';
    const events = await readJsonLines<ReportEvent>('--events', args.events, parseEventLine, stderr);
    const presence = args.presence
      ? await readJsonLines<AgentOnlineInterval>('--presence', args.presence, parsePresenceLine, stderr)
      : undefined;
    const bad = events.bad + (presence?.bad ?? 0);
    const lines = events.lines + (presence?.lines ?? 0);
    if (bad > 0 && reject) {
      stderr.write(
        `report: rejected: ${bad} bad line(s) of ${lines}; nothing reported (--on-bad-line reject)\n`,
      );
      return 2;
    }
    if (bad > 0) stderr.write(`report: skipped ${bad} bad line(s) of ${lines}\n`);

    const report = buildReport(
      { events: events.values, ...(presence && { presence: presence.values }) },
      options,
    );
    for (const [tier, count] of Object.entries(report.input.unknownTiers)) {
      stderr.write(
        `report: tier "${tier}" is not configured; ${count} conversation(s) counted as the default tier\n`,
      );
    }
    stdout.write(
      args.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : args.csv
          ? formatReportCsv(report)
          : `${formatReportTable(report)}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      stderr.write(`report: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof ReportError) {
      stderr.write(`report: ${flagFor(err.option)}: ${err.message}\n`);
      return 2;
    }
    stderr.write(`report: unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/report.ts');
if (isMain) {
  runReportCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
