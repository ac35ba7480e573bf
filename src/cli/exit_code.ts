/**
 * Process exit statuses.
 *
 * @module
 */

/** Exit statuses of the `asterisk` command. */
export const ExitCode = {
  /** Every metric passed (and no case failed). */
  Pass: 0,
  /** A metric failed or a case's pipeline failed. */
  Fail: 1,
  /** A usage or input error: bad flag, bad scenario, unusable directory. */
  Usage: 2,
  /** Interrupted (Ctrl-C / SIGTERM). */
  Interrupted: 130,
} as const;

/** One of {@linkcode ExitCode}'s values. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];
