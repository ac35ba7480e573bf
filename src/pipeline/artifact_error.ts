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
 * throw new ArtifactError(
 *   "Cannot accept artifact 'x.json': field 'data.defect_type' must be a string",
 * );
 * ```
 */
export class ArtifactError extends Error {
  /** Creates an artifact error with an optional underlying cause. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ArtifactError";
  }
}
