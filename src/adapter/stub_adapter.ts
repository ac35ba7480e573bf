/**
 * The stub adapter: answers every step in-process with the ground truth.
 *
 * @module
 */
import {
  groundTruthAnswer,
  type GroundTruthKnowledge,
} from "./ground_truth.ts";
import { trustAnswer } from "../pipeline/trusted_artifact.ts";
import type { ModelAdapter, StepAnswer, StepRequest } from "./model_adapter.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";

/**
 * Creates the in-process ground-truth adapter. `knowledge` tells it the run's
 * current store links (see {@linkcode GroundTruthKnowledge}).
 */
export function createStubAdapter(
  scenario: Scenario,
  knowledge: GroundTruthKnowledge,
): ModelAdapter {
  return {
    name: "stub",
    async answer(request: StepRequest): Promise<StepAnswer> {
      request.signal?.throwIfAborted();
      // Registered as trusted: the pipeline skips the schema for this very
      // (frozen) object; an edited or replaced answer is parsed.
      const data = trustAnswer(
        request.step,
        await groundTruthAnswer(scenario, request, knowledge),
      );
      return {
        data,
        source: { name: `stub answer for ${request.caseId} ${request.step}` },
      };
    },
  };
}
