/**
 * The error of a prompt template that cannot be read, parsed or rendered, in
 * a module of its own: the CLI tells it apart without loading the renderer
 * (and mustache) on the in-process path.
 *
 * @module
 */

/** A template could not be read, parsed or rendered. */
export class PromptTemplateError extends Error {
  /** Creates a template error with an optional underlying cause. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PromptTemplateError";
  }
}
