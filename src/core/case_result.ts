/**
 * The outcome of one case in a calibration run, as scored by the metrics and
 * written to the JSON report (reference §8.6 keys).
 *
 * @module
 */
import type { ShortStepName } from "../scenario/scenario_schema.ts";

/** What the pipeline did with one ground-truth case. */
export interface CaseResult {
  /** Scenario case id, e.g. `C1`. */
  case_id: string;
  test_name: string;
  version: string;
  job: string;
  /** Store case id (1..N in scenario order). */
  store_case_id: number;
  /** Defect type of the case's RCA (empty when it has none). */
  actual_defect_type: string;
  /** F1 symptom category (empty when triage did not run). */
  actual_category: string;
  /** Description of the case's RCA. */
  actual_rca_message: string;
  /** Component of the case's RCA. */
  actual_component: string;
  /** Short names of the steps executed, in order. */
  actual_path: ShortStepName[];
  /** F0 matched with confidence at or above the recall-hit threshold. */
  actual_recall_hit: boolean;
  actual_skip: boolean;
  actual_cascade: boolean;
  /** Investigation loops taken (F3 → F2). */
  actual_loops: number;
  /** Evidence references of the case's last F3 artifact. */
  actual_evidence_refs: string[];
  /** Repositories selected (single F1 candidate, F2 selections), deduplicated. */
  actual_selected_repos: string[];
  /** Store RCA id the case is linked to, 0 when none. */
  actual_rca_id: number;
  /** Convergence score of the case's RCA. */
  actual_convergence: number;
  /** Measured prompt tokens of the case (file transports only). */
  prompt_tokens_total?: number;
  /** Measured artifact tokens of the case (file transports only). */
  artifact_tokens_total?: number;
  /** Number of measured dispatches. */
  step_count?: number;
  /** Summed dispatch wall time in milliseconds. */
  wall_clock_ms?: number;
  defect_type_correct: boolean;
  path_correct: boolean;
  component_correct: boolean;
  /**
   * Repairs, flags and rejections of the case's answers, one line each, e.g.
   * `F3_INVESTIGATE flag unknown-value: field 'defect_type' "zz999" is no
   * known defect type`; absent when every answer was taken as written.
   */
  answer_notes?: string[];
  /** Why the case's pipeline stopped early, when it did. */
  error?: string;
}
