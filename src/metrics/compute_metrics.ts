/**
 * Scores one calibration run: the twenty metrics M1–M20 computed from the
 * run's case results and the scenario's ground truth (reference §8.1–§8.3),
 * one per entry of the metric table, in table order.
 *
 * @module
 */
import type { CaseResult } from "../core/case_result.ts";
import type { Metric, MetricId, MetricSet } from "../core/metric.ts";
import type { Scenario } from "../scenario/scenario_schema.ts";
import { passes } from "./metric_pass.ts";
import { METRIC_TABLE } from "./metric_table.ts";
import { scoredCases } from "./scored_case.ts";

/**
 * Computes the metrics M1–M20 of one run.
 *
 * Only results whose `case_id` names a scenario case are scored; others are
 * ignored. A case "has a GT RCA" when its `rca_id` is non-empty and names one
 * of the scenario's RCAs. A ratio over an empty population scores as fully
 * correct: 1.0, except for the M4 false-positive rate, where fully correct
 * is 0.0. M20 is 0 (`single run`); `aggregateRuns` fills it in across
 * runs.
 *
 * The function is pure: neither argument is modified.
 *
 * @param scenario The ground truth.
 * @param results One result per case of the run, in run order (M5 takes the
 * first result of each RCA group as the one the others must link to).
 * @returns The metrics grouped as in the report.
 *
 * @example Usage
 * ```ts
 * import { computeMetrics } from "./compute_metrics.ts";
 * import type { Scenario } from "../scenario/scenario_schema.ts";
 * import assert from "node:assert/strict";
 *
 * const scenario: Scenario = {
 *   name: "tiny",
 *   description: "",
 *   rcas: [],
 *   symptoms: [],
 *   cases: [{
 *     id: "C1",
 *     version: "4.21",
 *     job: "[T-TSC]",
 *     test_name: "OCP-83297",
 *     test_id: "",
 *     error_message: "",
 *     log_snippet: "",
 *     symptom_id: "",
 *     rca_id: "",
 *     expected_path: ["F0", "F1", "F5", "F6"],
 *     expect_recall_hit: false,
 *     expect_skip: true,
 *     expect_cascade: false,
 *     expected_loops: 0,
 *   }],
 *   workspace: { repos: [] },
 * };
 * const metrics = computeMetrics(scenario, [{
 *   case_id: "C1",
 *   test_name: "OCP-83297",
 *   version: "4.21",
 *   job: "[T-TSC]",
 *   store_case_id: 1,
 *   actual_defect_type: "",
 *   actual_category: "infra",
 *   actual_rca_message: "",
 *   actual_component: "",
 *   actual_path: ["F0", "F1", "F5", "F6"],
 *   actual_recall_hit: false,
 *   actual_skip: true,
 *   actual_cascade: false,
 *   actual_loops: 0,
 *   actual_evidence_refs: [],
 *   actual_selected_repos: [],
 *   actual_rca_id: 0,
 *   actual_convergence: 0,
 *   defect_type_correct: false,
 *   path_correct: true,
 *   component_correct: false,
 * }]);
 * const [m16, m17, m18] = metrics.pipeline;
 * assert.deepEqual([m16.name, m16.value, m16.detail], ["pipeline_path_accuracy", 1, "1/1"]);
 * assert.equal(m17.detail, "actual=0 expected=0");
 * assert.equal(m18.detail, "estimated: 4 steps × 1000");
 * ```
 */
export function computeMetrics(
  scenario: Scenario,
  results: readonly CaseResult[],
): MetricSet {
  const cases = scoredCases(scenario, results);
  const set: MetricSet = {
    structured: [],
    workspace: [],
    evidence: [],
    semantic: [],
    pipeline: [],
    aggregate: [],
  };
  const values = new Map<MetricId, number>();
  for (const definition of METRIC_TABLE) {
    const { value, detail } = definition.score({ cases, scenario, values });
    values.set(definition.id, value);
    const metric: Metric = {
      id: definition.id,
      name: definition.name,
      value,
      threshold: definition.threshold,
      pass: passes(definition.id, value, definition.threshold),
      detail,
    };
    set[definition.section].push(metric);
  }
  return set;
}
