/**
 * The error a tool call fails with: bad input the caller can correct. The
 * server returns its message as the tool's error result.
 *
 * @module
 */

/** A tool call was refused; the message says what was expected. */
export class McpToolError extends Error {
  /** Creates a tool error with an optional cause. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "McpToolError";
  }
}
