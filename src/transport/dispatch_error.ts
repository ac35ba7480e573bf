/**
 * The error a dispatch fails with.
 *
 * @module
 */

/** Why a dispatch failed. */
export type DispatchFailure =
  | "timeout"
  | "aborted"
  | "responder"
  | "stale"
  | "invalid-json"
  | "invalid-artifact"
  | "no-terminal"
  | "input-closed"
  | "io";

/**
 * A dispatch failed. `reason` says why; the message names the artifact or
 * signal path and what was expected; `cause` carries the underlying error.
 */
export class DispatchError extends Error {
  /** Why the dispatch failed. */
  readonly reason: DispatchFailure;

  /** Creates a dispatch error. */
  constructor(
    reason: DispatchFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DispatchError";
    this.reason = reason;
  }
}
