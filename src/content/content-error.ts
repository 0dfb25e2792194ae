/** One problem in a content file, precise enough for an admin to fix it without reading code. */
export interface ContentIssue {
  file: string;
  /** Field path inside the file, e.g. rules.0.any.2 */
  path: string;
  /** 1-based line in the file, where known. */
  line?: number;
  message: string;
}

export class ContentError extends Error {
  constructor(readonly issues: ContentIssue[]) {
    super(
      `invalid content:\n${issues
        .map((i) => `  ${i.file}${i.line ? `:${i.line}` : ''} ${i.path ? `${i.path}: ` : ''}${i.message}`)
        .join('\n')}`,
    );
    this.name = 'ContentError';
  }
}
