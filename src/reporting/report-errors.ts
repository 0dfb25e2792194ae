/**
 * Errors the reporting engine raises on bad options. Coded like the rest of the project
 * (`CSB_ERR_*`) so the CLI and, later, an HTTP route can map them without parsing messages.
 */
export type ReportErrorCode = 'CSB_ERR_REPORT_OPTIONS_INVALID' | 'CSB_ERR_REPORT_TIME_ZONE_UNKNOWN';

export class ReportError extends Error {
  override readonly name = 'ReportError';
  constructor(
    readonly code: ReportErrorCode,
    message: string,
    /** The option the error is about, e.g. `timeZone` or `staffing.tier`. */
    readonly option?: string,
  ) {
    super(message);
  }
}
