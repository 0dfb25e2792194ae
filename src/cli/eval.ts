/**
 * `npm run eval -- --data FILE.csv [--train TRAIN.csv] [--target-precision 0.95] [--json]`
 *
 * Measures how often the bot would answer, and answer right, on labelled lines (CSV `text,intent`;
 * an empty intent: the bot must not answer). Without --train: the live pack (intents/ + replies/,
 * keyword rules plus the intents' examples). With --train: a pack built from the training file's
 * labels (example-based matching only), its threshold calibrated on that file by cross-validation
 * to reach the target precision. See docs/eval.md.
 *
 * Exit codes: 0 done, 2 bad argument or rejected input file, 1 unreadable pack or unexpected failure.
 */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ContentError } from '../content/content-error';
import { loadContentDirs } from '../content/load-content';
import { type LabelledLine, readLabelledCsv } from '../eval/csv';
import { type EvalReport, evaluatePack, evaluateTrained, trainPack } from '../eval/evaluate';
import { formatReport } from '../eval/format';

const USAGE = `usage: npm run eval -- --data FILE.csv [--train TRAIN.csv] [--target-precision 0.95] [--json]
         [--folds 5] [--group-similarity 0.6] [--seed 1] [--intents DIR] [--replies DIR]
         [--on-bad-line reject|skip]
CSV files have a header "text,intent"; an empty intent means the bot must not answer the line.
Without --train the live pack (--intents/--replies, default intents/ and replies/) is measured.
With --train a pack is built from the training file and its threshold calibrated to --target-precision.`;

/** Bad rows spelled out one by one; the rest are counted. */
const MAX_BAD_ROWS_SHOWN = 50;

class UsageError extends Error {}

const file = z.string().min(1, 'must name a file');
/** A number written out: "" or "high" are errors, not 0 or NaN. */
const numeric = z
  .string()
  .trim()
  .regex(/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, 'must be a number')
  .transform(Number);
const whole = (min: number, max: number) =>
  numeric.pipe(
    z
      .number()
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );
const ArgsSchema = z.strictObject({
  data: file.optional(),
  train: file.optional(),
  'target-precision': numeric
    .pipe(z.number().gt(0, 'must be above 0').lt(1, 'must be below 1 (a precision such as 0.95)'))
    .default(0.95),
  folds: whole(2, 20).default(5),
  'group-similarity': numeric
    .pipe(z.number().gt(0, 'must be above 0').max(1, 'must be at most 1 (a cosine similarity)'))
    .default(0.6),
  seed: whole(0, 2 ** 31).default(1),
  intents: file.default('intents'),
  replies: file.default('replies'),
  'on-bad-line': z.enum(['reject', 'skip'], { error: 'must be reject or skip' }).default('reject'),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});
type Args = z.infer<typeof ArgsSchema>;

function parseCliArgs(argv: string[]): Args {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        train: { type: 'string' },
        'target-precision': { type: 'string' },
        folds: { type: 'string' },
        'group-similarity': { type: 'string' },
        seed: { type: 'string' },
        intents: { type: 'string' },
        replies: { type: 'string' },
        'on-bad-line': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .map((i) => `--${i.path.map(String).join('.') || 'arguments'}: ${i.message}`)
        .join('; '),
    );
  }
  const args = parsed.data;
  if (args.help) return args;
  if (!args.data) throw new UsageError('--data: is required: the labelled CSV file to evaluate');
  for (const flag of ['data', 'train'] as const) {
    const path = args[flag];
    if (path !== undefined && !(existsSync(path) && statSync(path).isFile())) {
      throw new UsageError(`--${flag}: no such file: ${path}`);
    }
  }
  return args;
}

/** Reads a labelled CSV; bad rows go to stderr with their line numbers. */
function readLines(flag: string, path: string, args: Args, stderr: NodeJS.WritableStream): LabelledLine[] {
  const { lines, issues } = readLabelledCsv(path);
  if (!issues.length) {
    if (!lines.length) throw new UsageError(`${flag}: ${path} has no data rows`);
    return lines;
  }
  for (const i of issues.slice(0, MAX_BAD_ROWS_SHOWN))
    stderr.write(`eval: ${path}:${i.line}: ${i.message}\n`);
  if (issues.length > MAX_BAD_ROWS_SHOWN) {
    stderr.write(`eval: ${path}: … and ${issues.length - MAX_BAD_ROWS_SHOWN} more bad row(s)\n`);
  }
  if (args['on-bad-line'] === 'reject' || !lines.length) {
    throw new UsageError(
      `${flag}: ${path}: ${issues.length} bad row(s); nothing evaluated (fix them, or pass --on-bad-line skip)`,
    );
  }
  stderr.write(`eval: ${path}: skipped ${issues.length} bad row(s)\n`);
  return lines;
}

export function runEvalCli(
  argv: string[],
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): number {
  try {
    const args = parseCliArgs(argv);
    if (args.help) {
      stdout.write(`${USAGE}\n`);
      return 0;
    }
    const data = readLines('--data', args.data!, args, stderr);
    const target = args['target-precision'];
    let report: EvalReport;
    if (args.train) {
      const train = readLines('--train', args.train, args, stderr);
      if (!train.some((l) => l.intent !== null)) {
        throw new UsageError(`--train: ${args.train} has no line with an intent to learn from`);
      }
      const trained = trainPack(train, {
        targetPrecision: target,
        folds: args.folds,
        seed: args.seed,
        groupSimilarity: args['group-similarity'],
      });
      report = evaluateTrained(trained, data, target);
    } else {
      report = evaluatePack(loadContentDirs(args.intents, args.replies), data, { targetPrecision: target });
    }
    stdout.write(
      args.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : `${formatReport(report, { data: args.data!, train: args.train })}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      stderr.write(`eval: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof ContentError) {
      stderr.write(`eval: cannot load the pack: ${err.message}\n`);
      return 1;
    }
    stderr.write(`eval: unexpected failure: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/eval.ts');
if (isMain) process.exitCode = runEvalCli(process.argv.slice(2));
