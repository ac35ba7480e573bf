/**
 * The error of a run directory that cannot be used.
 *
 * @module
 */

/** The run directory cannot be used (exit status 2). */
export class RunDirectoryError extends Error {
  /** Creates a run-directory error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunDirectoryError";
  }
}
