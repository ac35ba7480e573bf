/**
 * The Dispatcher interface: how a prompt reaches an external agent and how
 * its artifact comes back. Transports (stdin, file, batch-file, MCP) implement
 * it; decorators (token tracking) wrap it.
 *
 * A dispatch carries the step as data, the prompt text and the artifact's
 * JSON Schema, so a transport that hands steps out over a protocol (MCP) never
 * reads the disk; the file transports use the paths.
 *
 * @module
 */
import type { JsonSchema } from "../pipeline/artifact_json_schemas.ts";
import type { AnswerRepair } from "../pipeline/read_answer.ts";
import type { PipelineStep } from "../pipeline/step.ts";

/** One dispatch: a step of a case, as data and as the files the agent uses. */
export interface DispatchContext {
  /** Scenario case id, e.g. `C1`. */
  readonly caseId: string;
  /** Step enum value, e.g. `F0_RECALL`. */
  readonly step: PipelineStep;
  /** The full prompt text (what the prompt file holds). */
  readonly prompt: string;
  /** JSON Schema of the artifact's data (`ARTIFACT_JSON_SCHEMAS[step]`). */
  readonly schema: JsonSchema;
  /** Absolute path of the prompt the agent reads. */
  readonly promptPath: string;
  /** Absolute path where the agent writes the artifact. */
  readonly artifactPath: string;
  /** Aborts the dispatch (Ctrl-C, run failure). */
  readonly signal?: AbortSignal;
  /**
   * Checks the artifact payload before the dispatch accepts it, e.g. with the
   * step's schema. When it throws, the dispatch fails with that error and the
   * transport tells the agent (the signal records the error).
   */
  readonly validate?: (data: unknown) => void;
  /**
   * Receives the repairs applied to the agent's text (see
   * `src/pipeline/read_answer.ts`) when the dispatch accepts an answer.
   */
  readonly onRepairs?: (repairs: readonly AnswerRepair[]) => void;
}

/** Delivers a prompt and returns the artifact payload once it is accepted. */
export interface Dispatcher {
  /**
   * Dispatches `context` and resolves with the artifact payload (for the file
   * protocol, the wrapper's `data`).
   *
   * @throws {DispatchError} on timeout, abort, a responder error, or an
   * artifact that is malformed or fails `context.validate`.
   */
  dispatch(context: DispatchContext): Promise<unknown>;
}
