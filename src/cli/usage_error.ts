/**
 * The error for a bad command line (exit status 2).
 *
 * @module
 */

/** A flag or argument is unknown, malformed, or not supported. */
export class UsageError extends Error {
  /** Creates a usage error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}
