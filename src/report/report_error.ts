/**
 * The error raised when a stored report cannot be read.
 *
 * @module
 */

/**
 * A JSON report is missing, is not JSON, or breaks the report schema. The
 * message names the file and, for a schema problem, the field and what was
 * expected.
 */
export class ReportError extends Error {
  /** The report file. */
  readonly source: string;

  /** Creates a report error about `source`. */
  constructor(source: string, problem: string, options?: ErrorOptions) {
    super(`Cannot read report '${source}': ${problem}`, options);
    this.name = "ReportError";
    this.source = source;
  }
}
