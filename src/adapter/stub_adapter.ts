/**
 * The stub adapter: answers every step in-process with the ground truth.
 *
 * @module
 */
import {
  groundTruthAnswer,
  type GroundTruthKnowledge,
} from "./ground_truth.ts";
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
      const data = await groundTruthAnswer(scenario, request, knowledge);
      return {
        data,
        source: { name: `stub answer for ${request.caseId} ${request.step}` },
      };
    },
  };
}
