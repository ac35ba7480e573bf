/**
 * The basic adapter (`--adapter=basic`): the heuristic baseline agent
 * answering in-process. It sees each failure (never its ground truth), the
 * workspace, and the store links of earlier cases with the same error
 * signature; see `src/adapter/basic/basic_answer.ts`.
 *
 * @module
 */
import { basicAnswer } from "./basic/basic_answer.ts";
import {
  type CaseSnapshot,
  type FailureInput,
  SignatureIndex,
  similarFinished,
  type WorkspaceRepo,
} from "./basic/basic_request.ts";
import type { ModelAdapter, StepAnswer, StepRequest } from "./model_adapter.ts";
import type { PipelineStep } from "../pipeline/step.ts";

/** Options of {@linkcode createBasicAdapter}. */
export interface BasicAdapterOptions {
  /** The failures of the run, in scenario order. */
  readonly failures: readonly FailureInput[];
  readonly workspace: readonly WorkspaceRepo[];
  /** The current links and progress of a case, by scenario id. */
  readonly snapshot: (caseId: string) => CaseSnapshot | undefined;
  /** How many times `step` already ran for the case. */
  readonly attempts: (caseId: string, step: PipelineStep) => number;
}

/** Creates the in-process basic adapter. */
export function createBasicAdapter(options: BasicAdapterOptions): ModelAdapter {
  const index = new SignatureIndex(options.failures);
  const failures = new Map(options.failures.map((f) => [f.caseId, f]));
  return {
    name: "basic",
    async answer(request: StepRequest): Promise<StepAnswer> {
      request.signal?.throwIfAborted();
      const failure = failures.get(request.caseId);
      if (failure === undefined) {
        throw new RangeError(
          `Cannot answer for case '${request.caseId}': the run has no such case`,
        );
      }
      const data = basicAnswer({
        step: request.step,
        failure,
        attempt: options.attempts(request.caseId, request.step),
        rcaId: options.snapshot(request.caseId)?.rcaId ?? 0,
        similar: await similarFinished(
          index,
          request.caseId,
          (id) => Promise.resolve(options.snapshot(id)),
        ),
        workspace: options.workspace,
      });
      return {
        data,
        source: { name: `basic answer for ${request.caseId} ${request.step}` },
      };
    },
  };
}
