/**
 * One pipeline step: validate the answer, route it, apply its store effects
 * and advance the case state. No file I/O; the runner persists the result.
 *
 * @module
 */
import { parseArtifact, type StepArtifact } from "./artifact_schemas.ts";
import {
  advanceCaseState,
  type CaseState,
  loopCountsOf,
} from "./case_state.ts";
import { countLoops, evaluateRules, type RouteDecision } from "./heuristics.ts";
import { isPipelineStep } from "./step.ts";
import { trustedArtifactOf } from "./trusted_artifact.ts";
import { applyStoreEffects } from "./store_effects.ts";
import type { Thresholds } from "./thresholds.ts";
import type { StepAnswer } from "../adapter/model_adapter.ts";
import type { Store } from "../store/store.ts";
import { type Clock, formatTimestamp } from "../util/clock.ts";

/** What executing a step produced. */
export interface StepOutcome {
  /** The validated artifact. */
  readonly artifact: StepArtifact;
  /** The routing decision. */
  readonly decision: RouteDecision;
  /** The case state after the step. */
  readonly state: CaseState;
  /** Remarks from the store effects (ignored or deferred references). */
  readonly notes: readonly string[];
  /** Store ids of the cases whose links the step's effects wrote. */
  readonly touched: readonly number[];
}

/** Dependencies of {@linkcode executeStep}. */
export interface StepEnvironment {
  readonly store: Store;
  readonly thresholds: Thresholds;
  readonly clock: Clock;
}

/**
 * Executes the current step of `state` with `answer`.
 *
 * @throws {ArtifactError} when the answer does not match the step's schema.
 * @throws {RangeError} when the state is not at a pipeline step.
 */
export async function executeStep(
  env: StepEnvironment,
  state: CaseState,
  answer: StepAnswer,
): Promise<StepOutcome> {
  const step = state.current_step;
  if (!isPipelineStep(step)) {
    throw new RangeError(
      `Cannot execute step '${step}' of case ${state.case_id}: expected a pipeline step F0_RECALL…F6_REPORT`,
    );
  }
  const data = trustedArtifactOf(step, answer.data) ??
    parseArtifact(step, answer.data, answer.source);
  const artifact = { step, data } as StepArtifact;
  const loops = loopCountsOf(state);
  const decision = evaluateRules(step, artifact, loops, env.thresholds);
  const { notes, touched } = await applyStoreEffects(env.store, {
    caseId: state.case_id,
    artifact,
    decision,
  });
  const annotated = notes.length === 0 ? decision : {
    ...decision,
    context: { ...decision.context, notes: [...notes] },
  };
  const next = advanceCaseState(state, {
    decision: annotated,
    loops: countLoops(step, decision.next, loops),
    timestamp: formatTimestamp(env.clock.now()),
  });
  return { artifact, decision, state: next, notes, touched };
}
