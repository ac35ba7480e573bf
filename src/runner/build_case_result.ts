/**
 * Builds a case's {@linkcode CaseResult} from its record and the store.
 *
 * @module
 */
import type { CaseRecord } from "./calibration_run.ts";
import type { CaseResult } from "../core/case_result.ts";
import type {
  ArtifactByStep,
  StepArtifact,
} from "../pipeline/artifact_schemas.ts";
import { loopCountsOf, pathOf } from "../pipeline/case_state.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type { Thresholds } from "../pipeline/thresholds.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import type { Store } from "../store/store.ts";
import { scenarioIndex } from "../scenario/scenario_index.ts";
import { describeAnswerEntry } from "../report/answer_log.ts";

/** Measured token figures of one case. */
export interface CaseTokens {
  readonly promptTokens: number;
  readonly artifactTokens: number;
  readonly steps: number;
  readonly wallClockMs: number;
}

function lastArtifact<S extends PipelineStep>(
  artifacts: readonly StepArtifact[],
  step: S,
): ArtifactByStep[S] | undefined {
  return artifacts.findLast((a) => a.step === step)?.data as
    | ArtifactByStep[S]
    | undefined;
}

function selectedRepos(artifacts: readonly StepArtifact[]): string[] {
  const names = new Set<string>();
  for (const artifact of artifacts) {
    if (artifact.step === "F1_TRIAGE") {
      const triage = artifact.data;
      if (!triage.skip_investigation && triage.candidate_repos.length === 1) {
        names.add(triage.candidate_repos[0]);
      }
    } else if (artifact.step === "F2_RESOLVE") {
      for (const repo of artifact.data.selected_repos) names.add(repo.name);
    }
  }
  return [...names];
}

function answerNotes(record: CaseRecord): { answer_notes?: string[] } {
  const notes = [
    ...record.answers.flatMap(describeAnswerEntry),
    ...(record.notes ?? []),
  ];
  return notes.length === 0 ? {} : { answer_notes: notes };
}

/**
 * Returns the scored outcome of one case. RCA-derived fields (defect type,
 * message, component, convergence) come from the RCA the case is linked to in
 * the store, so cases linked by recall, correlation or a resolved reference
 * carry their RCA's conclusion.
 */
export async function buildCaseResult(
  input: {
    readonly scenario: Scenario;
    readonly store: Store;
    readonly record: CaseRecord;
    readonly thresholds: Thresholds;
    readonly tokens?: CaseTokens;
  },
): Promise<CaseResult> {
  const { scenario, store, record, thresholds, tokens } = input;
  const { gt, artifacts } = record;
  const storeCase = await store.getCase(record.storeCaseId);
  const rca = storeCase && storeCase.rcaId !== 0
    ? await store.getRca(storeCase.rcaId)
    : undefined;
  const recall = lastArtifact(artifacts, "F0_RECALL");
  const triage = lastArtifact(artifacts, "F1_TRIAGE");
  const invest = lastArtifact(artifacts, "F3_INVESTIGATE");
  const path = pathOf(record.state);
  const gtRca = scenarioIndex(scenario).rcas.get(gt.rca_id);
  const defect = rca?.defectType ?? "";
  const component = rca?.component ?? "";
  const message = rca?.description ?? "";
  const componentCorrect = gtRca === undefined ? component === "" : (
    component === gtRca.component ||
    (message !== "" &&
      message.toLowerCase().includes(gtRca.component.toLowerCase()))
  );
  return {
    case_id: gt.id,
    test_name: gt.test_name,
    version: gt.version,
    job: gt.job,
    store_case_id: record.storeCaseId,
    actual_defect_type: defect,
    actual_category: triage?.symptom_category ?? "",
    actual_rca_message: message,
    actual_component: component,
    actual_path: path,
    actual_recall_hit: recall !== undefined && recall.match &&
      recall.confidence >= thresholds.recallHit,
    actual_skip: triage?.skip_investigation ?? false,
    actual_cascade: triage?.cascade_suspected ?? false,
    actual_loops: loopCountsOf(record.state).investigate,
    actual_evidence_refs: [...(invest?.evidence_refs ?? [])],
    actual_selected_repos: selectedRepos(artifacts),
    actual_rca_id: rca?.id ?? 0,
    actual_convergence: rca?.convergenceScore ?? 0,
    ...(tokens && tokens.steps > 0
      ? {
        prompt_tokens_total: tokens.promptTokens,
        artifact_tokens_total: tokens.artifactTokens,
        step_count: tokens.steps,
        wall_clock_ms: tokens.wallClockMs,
      }
      : {}),
    defect_type_correct: gtRca === undefined
      ? defect === ""
      : defect === gtRca.defect_type,
    path_correct: path.length === gt.expected_path.length &&
      path.every((s, i) => s === gt.expected_path[i]),
    component_correct: componentCorrect,
    ...answerNotes(record),
    ...(record.state.error ? { error: record.state.error } : {}),
  };
}
