/**
 * The basic heuristic agent as a responder (`asterisk respond --agent=basic`):
 * the same answers as `--adapter=basic` in-process, from what a real agent can
 * read — the failure (from the scenario, never its ground truth), the
 * workspace, and the run directory's `run.json` and `state.json` files for the
 * store links of earlier similar cases.
 *
 * @module
 */
import { basename } from "node:path";
import type { SignalAnswerer } from "./responder.ts";
import { basicAnswer } from "../adapter/basic/basic_answer.ts";
import {
  type CaseSnapshot,
  failureOf,
  SignatureIndex,
  similarFinished,
  workspaceOf,
} from "../adapter/basic/basic_request.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";

/** The attempt an artifact path is for: `artifact-loop-2.json` → 2. */
export function attemptOfArtifact(path: string): number {
  const match = /-loop-(\d+)\.json$/.exec(basename(path));
  return match ? Number(match[1]) : 0;
}

/** Creates the answerer of the basic agent for runs of `scenario`. */
export function createBasicAnswerer(scenario: Scenario): SignalAnswerer {
  const failures = scenario.cases.map(failureOf);
  const byId = new Map(failures.map((f) => [f.caseId, f]));
  const index = new SignatureIndex(failures);
  const workspace = workspaceOf(scenario.workspace.repos);
  return async ({ signal, knowledge }) => {
    const failure = byId.get(signal.case_id);
    if (failure === undefined) {
      throw new RangeError(
        `Cannot answer for case '${signal.case_id}': scenario '${scenario.name}' has no such case`,
      );
    }
    const snapshot = async (
      caseId: string,
    ): Promise<CaseSnapshot | undefined> => {
      const found = await knowledge.caseState(caseId);
      // Not written (or unreadable): the case has made no progress.
      if (found?.state === undefined) return undefined;
      const state = found.state;
      return {
        caseId,
        storeCaseId: found.storeCaseId,
        symptomId: Number(state.symptom_id) || 0,
        rcaId: Number(state.rca_id) || 0,
        finished: state.current_step === "DONE" || state.status === "error",
      };
    };
    return basicAnswer({
      step: signal.step,
      failure,
      attempt: attemptOfArtifact(signal.artifact_path),
      rcaId: (await snapshot(signal.case_id))?.rcaId ?? 0,
      similar: await similarFinished(index, signal.case_id, snapshot),
      workspace,
    });
  };
}
