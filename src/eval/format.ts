import type { EvalReport } from './evaluate';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`;
const num = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined ? '—' : x.toFixed(digits);

/** Columns padded to their widest cell; the first left-aligned, the others right unless `align` says 'l'. */
export function table(rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...c].length);
    });
  }
  return rows
    .map((r) =>
      r
        .map((c, i) =>
          (align[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? c.padEnd(widths[i]!) : c.padStart(widths[i]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The human-readable report of `npm run eval`. */
export function formatReport(r: EvalReport, files: { data: string; train?: string }): string {
  const out: string[] = [];
  const mode =
    r.mode === 'train'
      ? `example-based pack trained on ${files.train} (${r.pack.intents} intents, ${r.pack.examples} examples)`
      : `live pack (${r.pack.intents} intents, ${r.pack.examples} examples)`;
  out.push(
    `Evaluated ${files.data}: ${r.lines} lines (${r.inScope} with an intent, ${r.outOfScope} out of scope)`,
  );
  out.push(`Matcher: ${mode}`);
  if (r.calibration) {
    const c = r.calibration;
    out.push(
      r.threshold === null
        ? `Threshold: none reaches ${pct(r.targetPrecision)} precision in ${c.folds}-fold cross-validation: nothing would be answered`
        : `Threshold: ${num(r.threshold)} — lowest reaching ${pct(r.targetPrecision)} precision in ${c.folds}-fold cross-validation ` +
            `on the training file (held out: precision ${pct(c.precision)}, coverage ${pct(c.coverage)}, ` +
            `false answers ${pct(c.falseAnswerRate)})`,
    );
  } else {
    out.push(`Threshold: ${num(r.threshold)} (the matcher's)`);
  }
  out.push('');
  const meets =
    r.precision === null ? '' : r.precision >= r.targetPrecision ? ' (target met)' : ' (BELOW TARGET)';
  out.push(
    table(
      [
        ['precision', pct(r.precision), `${r.correct} correct of ${r.answered} auto-answers${meets}`],
        ['coverage', pct(r.coverage), `${r.correct} of ${r.inScope} lines with an intent answered correctly`],
        ['false-answer rate', pct(r.falseAnswerRate), `out-of-scope lines answered`],
        ['wrong auto-answers', String(r.wrongAnswers), `of them hand-off intents: ${r.wrongHandoffs}`],
        ['answered by', String(r.answeredBy.keyword), `keyword rules; ${r.answeredBy.example} by examples`],
        ['µs per query', num(r.usPerQuery.p50, 1), `p50; p99 ${num(r.usPerQuery.p99, 1)} (matcher.match)`],
      ],
      ['l', 'r', 'l'],
    ),
  );
  if (r.unknownLabels.length) {
    out.push('');
    out.push(`Labels the pack has no intent for (never answerable): ${r.unknownLabels.join(', ')}`);
  }
  const intents = Object.entries(r.perIntent);
  if (intents.length) {
    out.push('');
    const shown = intents.sort((a, b) => b[1].support - a[1].support || a[0].localeCompare(b[0]));
    const limit = 40;
    out.push(
      table([
        ['intent', 'support', 'answered', 'correct', 'precision', 'coverage'],
        ...shown
          .slice(0, limit)
          .map(([id, m]) => [
            id,
            String(m.support),
            String(m.answered),
            String(m.correct),
            pct(m.precision),
            pct(m.coverage),
          ]),
      ]),
    );
    if (shown.length > limit) out.push(`… ${shown.length - limit} more intents (--json lists all)`);
  }
  if (r.topErrors.length) {
    out.push('');
    out.push('Most frequent wrong auto-answers:');
    out.push(
      table([
        ['expected', 'answered as', 'lines'],
        ...r.topErrors.map((e) => [e.expected ?? '(out of scope)', e.predicted, String(e.count)]),
      ]),
    );
  }
  return out.join('\n');
}
