import { readFileSync } from 'node:fs';

/**
 * Labelled message files: CSV (RFC 4180) with a header naming the columns `text` and `intent`.
 * Quoted fields may hold commas, doubled quotes ("") and line breaks. An empty intent means the line
 * is out of scope: the bot must not auto-answer it.
 */

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

export interface CsvIssue {
  line: number;
  message: string;
}

export interface LabelledLine {
  /** 1-based line in the file where the row starts. */
  line: number;
  text: string;
  /** The expected intent id, or null: out of scope, the bot must not auto-answer. */
  intent: string | null;
}

/** Splits CSV text into records. Malformed quoting is reported, never guessed around silently. */
export function parseCsvRecords(source: string): { records: CsvRecord[]; issues: CsvIssue[] } {
  const records: CsvRecord[] = [];
  const issues: CsvIssue[] = [];
  const s = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let line = 1;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let bad: string | undefined;
    // One record: fields until an unquoted line break or the end.
    for (;;) {
      let field = '';
      // Spaces before an opening quote (`a, "b, c"`) are layout, not part of the field.
      let q = i;
      while (s[q] === ' ' || s[q] === '\t') q++;
      if (s[q] === '"') i = q;
      if (s[i] === '"') {
        const quoteLine = line;
        i++;
        let closed = false;
        while (i < n) {
          const c = s[i]!;
          if (c === '"') {
            if (s[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            while (s[i] === ' ' || s[i] === '\t') i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) {
          bad ??= `unterminated quoted field (the quote opens on line ${quoteLine})`;
        } else if (i < n && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          bad ??= 'text after a closing quote (a quote inside a quoted field must be doubled: "")';
          while (i < n && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') field += s[i++];
        }
      } else {
        while (i < n && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          if (s[i] === '"')
            bad ??= 'quote inside an unquoted field (quote the whole field and double the quote)';
          field += s[i++];
        }
      }
      fields.push(field);
      if (i < n && s[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    // End of record: \n, \r\n, \r or end of input.
    if (s[i] === '\r') i++;
    if (s[i] === '\n') i++;
    line++;
    if (bad) issues.push({ line: startLine, message: bad });
    else if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: startLine, fields });
  }
  return { records, issues };
}

/** Parses a labelled file: header with `text` and `intent` columns (any order; other columns ignored). */
export function parseLabelledCsv(source: string): { lines: LabelledLine[]; issues: CsvIssue[] } {
  const { records, issues } = parseCsvRecords(source);
  const lines: LabelledLine[] = [];
  const header = records[0];
  if (!header) {
    issues.push({ line: 1, message: 'empty file: expected a header line "text,intent"' });
    return { lines, issues };
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const textCol = names.indexOf('text');
  const intentCol = names.indexOf('intent');
  if (textCol < 0 || intentCol < 0) {
    issues.push({
      line: header.line,
      message: `the header must name the columns "text" and "intent" (found: ${header.fields.join(',')})`,
    });
    return { lines, issues: sortIssues(issues) };
  }
  for (const r of records.slice(1)) {
    if (r.fields.length !== names.length) {
      issues.push({
        line: r.line,
        message: `expected ${names.length} fields like the header, found ${r.fields.length} (quote fields that contain commas)`,
      });
      continue;
    }
    const text = r.fields[textCol]!.trim();
    const intent = r.fields[intentCol]!.trim();
    if (!text) {
      issues.push({ line: r.line, message: 'empty text' });
      continue;
    }
    lines.push({ line: r.line, text, intent: intent === '' ? null : intent });
  }
  return { lines, issues: sortIssues(issues) };
}

export function readLabelledCsv(path: string): { lines: LabelledLine[]; issues: CsvIssue[] } {
  return parseLabelledCsv(readFileSync(path, 'utf8'));
}

function sortIssues(issues: CsvIssue[]): CsvIssue[] {
  return issues.sort((a, b) => a.line - b.line);
}
