/**
 * The error raised when a step artifact cannot be accepted.
 *
 * @module
 */

/**
 * A step artifact (from the stub, a file or a person) is malformed or does not
 * match the step's schema. The message names the artifact and the field.
 *
 * @example
 * ```ts
 * import { ArtifactError } from "./artifact_error.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new ArtifactError(
 *   "Cannot accept artifact 'x.json': field 'data.defect_type' must be a string",
 * );
 * assert.equal(error.name, "ArtifactError");
 * ```
 */
export class ArtifactError extends Error {
  /** Creates an artifact error with an optional underlying cause. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ArtifactError";
  }
}
