/**
 * Scores one calibration run: the twenty metrics M1–M20 computed from the
 * run's case results and the scenario's ground truth (reference §8.1–§8.3).
 *
 * @module
 */
import type { CaseResult } from "../core/case_result.ts";
import type {
  GroundTruthCase,
  GroundTruthRca,
  Scenario,
} from "../scenario/scenario_schema.ts";
import { evidenceOverlap } from "./evidence_overlap.ts";
import {
  allMetrics,
  type Metric,
  type MetricId,
  type MetricSet,
} from "../core/metric.ts";
import { passes } from "./metric_pass.ts";

/** A case result together with the ground truth it is scored against. */
interface ScoredCase {
  readonly result: CaseResult;
  readonly gt: GroundTruthCase;
  /** The case's GT RCA: its `rca_id` is non-empty and names a scenario RCA. */
  readonly rca: GroundTruthRca | undefined;
}

/** Weights of the M19 overall accuracy. */
const OVERALL_ACCURACY_WEIGHTS: ReadonlyArray<
  readonly [MetricId, number]
> = [
  ["M1", 0.20],
  ["M2", 0.15],
  ["M5", 0.20],
  ["M10", 0.15],
  ["M12", 0.15],
  ["M14", 0.15],
];

/** Token estimate per executed step when no tokens were measured (M18). */
const ESTIMATED_TOKENS_PER_STEP = 1000;

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
 * assert.equal(m18.detail, "~4000 tokens (4 steps, estimated)");
 * ```
 */
export function computeMetrics(
  scenario: Scenario,
  results: readonly CaseResult[],
): MetricSet {
  const cases = scoredCases(scenario, results);
  const set: MetricSet = {
    structured: [
      defectTypeAccuracy(cases),
      symptomCategoryAccuracy(cases),
      recallHitRate(cases),
      recallFalsePositiveRate(cases),
      serialKillerDetection(cases),
      skipAccuracy(cases),
      cascadeDetection(cases),
      convergenceCalibration(cases),
    ],
    workspace: [
      repoSelectionPrecision(cases),
      repoSelectionRecall(cases),
      redHerringRejection(cases, scenario),
    ],
    evidence: [evidenceRecall(cases), evidencePrecision(cases)],
    semantic: [rcaMessageRelevance(cases), componentIdentification(cases)],
    pipeline: [
      pipelinePathAccuracy(cases),
      loopEfficiency(cases),
      totalPromptTokens(cases),
    ],
    aggregate: [],
  };
  set.aggregate = [
    overallAccuracy(set),
    metric("M20", "run_variance", 0.15, 0, "single run"),
  ];
  return set;
}

function scoredCases(
  scenario: Scenario,
  results: readonly CaseResult[],
): ScoredCase[] {
  const cases = new Map(scenario.cases.map((gt) => [gt.id, gt]));
  const rcas = new Map(scenario.rcas.map((rca) => [rca.id, rca]));
  const scored: ScoredCase[] = [];
  for (const result of results) {
    const gt = cases.get(result.case_id);
    if (gt === undefined) continue;
    const rca = gt.rca_id === "" ? undefined : rcas.get(gt.rca_id);
    scored.push({ result, gt, rca });
  }
  return scored;
}

/** a/b, with an empty population (0/0, or any b of 0) scoring 1.0. */
function safeDiv(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

function metric(
  id: MetricId,
  name: string,
  threshold: number,
  value: number,
  detail: string,
): Metric {
  return {
    id,
    name,
    value,
    threshold,
    pass: passes(id, value, threshold),
    detail,
  };
}

/** A `correct/total` metric whose empty population scores 1.0. */
function ratio(
  id: MetricId,
  name: string,
  threshold: number,
  correct: number,
  total: number,
): Metric {
  return metric(
    id,
    name,
    threshold,
    safeDiv(correct, total),
    `${correct}/${total}`,
  );
}

/** A metric counting the cases of a population that satisfy a predicate. */
function countIn<T extends ScoredCase>(
  id: MetricId,
  name: string,
  threshold: number,
  population: readonly T[],
  isCorrect: (c: T) => boolean,
): Metric {
  const correct = population.filter(isCorrect).length;
  return ratio(id, name, threshold, correct, population.length);
}

/** A scored case that has a GT RCA. */
type CaseWithRca = ScoredCase & { readonly rca: GroundTruthRca };

function withRca(cases: readonly ScoredCase[]): CaseWithRca[] {
  return cases.filter((c): c is CaseWithRca => c.rca !== undefined);
}

// --- M1–M8: structured ---

function defectTypeAccuracy(cases: readonly ScoredCase[]): Metric {
  return countIn(
    "M1",
    "defect_type_accuracy",
    0.80,
    withRca(cases),
    (c) => c.result.actual_defect_type === c.rca.defect_type,
  );
}

function symptomCategoryAccuracy(cases: readonly ScoredCase[]): Metric {
  return countIn(
    "M2",
    "symptom_category_accuracy",
    0.75,
    cases.filter((c) => c.gt.expected_triage !== undefined),
    (c) => c.result.actual_category === c.gt.expected_triage?.symptom_category,
  );
}

function recallHitRate(cases: readonly ScoredCase[]): Metric {
  return countIn(
    "M3",
    "recall_hit_rate",
    0.70,
    cases.filter((c) => c.gt.expect_recall_hit),
    (c) => c.result.actual_recall_hit,
  );
}

function recallFalsePositiveRate(cases: readonly ScoredCase[]): Metric {
  const population = cases.filter((c) => !c.gt.expect_recall_hit);
  const hits = population.filter((c) => c.result.actual_recall_hit).length;
  // Lower is better: an empty population has no false positives.
  const value = population.length === 0 ? 0 : hits / population.length;
  return metric(
    "M4",
    "recall_false_positive_rate",
    0.10,
    value,
    `${hits}/${population.length}`,
  );
}

function serialKillerDetection(cases: readonly ScoredCase[]): Metric {
  const groups = new Map<string, ScoredCase[]>();
  for (const c of withRca(cases)) {
    const group = groups.get(c.rca.id);
    if (group === undefined) groups.set(c.rca.id, [c]);
    else group.push(c);
  }
  let correct = 0;
  let expected = 0;
  for (const [first, ...others] of groups.values()) {
    for (const other of others) {
      expected++;
      const linked = other.result.actual_rca_id;
      if (linked !== 0 && linked === first.result.actual_rca_id) correct++;
    }
  }
  return ratio("M5", "serial_killer_detection", 0.70, correct, expected);
}

function skipAccuracy(cases: readonly ScoredCase[]): Metric {
  return countIn(
    "M6",
    "skip_accuracy",
    0.80,
    cases.filter((c) => c.gt.expect_skip),
    (c) => c.result.actual_skip,
  );
}

function cascadeDetection(cases: readonly ScoredCase[]): Metric {
  return countIn(
    "M7",
    "cascade_detection",
    0.50,
    cases.filter((c) => c.gt.expect_cascade),
    (c) => c.result.actual_cascade,
  );
}

function convergenceCalibration(cases: readonly ScoredCase[]): Metric {
  const population = withRca(cases).filter((c) =>
    c.result.actual_convergence !== 0
  );
  const convergence = population.map((c) => c.result.actual_convergence);
  const correctness = population.map((c) =>
    c.result.actual_defect_type === c.rca.defect_type ? 1 : 0
  );
  const r = calibrationCorrelation(convergence, correctness);
  return metric(
    "M8",
    "convergence_calibration",
    0.40,
    r,
    `r=${r.toFixed(2)} (n=${population.length})`,
  );
}

/**
 * Pearson r of convergence against correctness: 0 with fewer than two
 * points; when either series has zero variance, 1.0 if every answer was
 * correct and 0 otherwise.
 */
function calibrationCorrelation(
  x: readonly number[],
  y: readonly number[],
): number {
  if (x.length < 2) return 0;
  const mx = mean(x);
  const my = mean(y);
  let num = 0;
  let dx2 = 0;
  let dy2 = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    num += dx * dy;
    dx2 += dx * dx;
    dy2 += dy * dy;
  }
  const denominator = Math.sqrt(dx2 * dy2);
  if (denominator === 0) return y.every((v) => v === 1) ? 1 : 0;
  return num / denominator;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

// --- M9–M11: workspace ---

function repoSelectionPrecision(cases: readonly ScoredCase[]): Metric {
  const population = withRca(cases).filter((c) =>
    c.result.actual_selected_repos.length > 0
  );
  let sum = 0;
  for (const c of population) {
    const relevant = new Set(c.rca.relevant_repos);
    const selected = c.result.actual_selected_repos;
    sum += selected.filter((repo) => relevant.has(repo)).length /
      selected.length;
  }
  return metric(
    "M9",
    "repo_selection_precision",
    0.70,
    safeDiv(sum, population.length),
    `avg over ${population.length} cases`,
  );
}

function repoSelectionRecall(cases: readonly ScoredCase[]): Metric {
  const population = withRca(cases).filter((c) =>
    c.gt.expected_resolve !== undefined
  );
  let sum = 0;
  for (const c of population) {
    const relevant = new Set(c.rca.relevant_repos);
    const selected = new Set(c.result.actual_selected_repos);
    const hit = [...selected].filter((repo) => relevant.has(repo)).length;
    sum += safeDiv(hit, relevant.size);
  }
  return metric(
    "M10",
    "repo_selection_recall",
    0.80,
    safeDiv(sum, population.length),
    `avg over ${population.length} cases`,
  );
}

function redHerringRejection(
  cases: readonly ScoredCase[],
  scenario: Scenario,
): Metric {
  const redHerrings = new Set(
    scenario.workspace.repos.filter((repo) => repo.is_red_herring)
      .map((repo) => repo.name),
  );
  const population = cases.filter((c) =>
    c.result.actual_selected_repos.length > 0
  );
  const fooled =
    population.filter((c) =>
      c.result.actual_selected_repos.some((repo) => redHerrings.has(repo))
    ).length;
  // 1 − fooled/k, with no selecting case scoring as fully correct (1.0).
  return metric(
    "M11",
    "red_herring_rejection",
    0.80,
    safeDiv(population.length - fooled, population.length),
    `${population.length} cases with F2, ${fooled} selected red herring`,
  );
}

// --- M12–M13: evidence ---

function evidenceRecall(cases: readonly ScoredCase[]): Metric {
  let found = 0;
  let total = 0;
  for (const c of cases) {
    const expected = c.gt.expected_invest?.evidence_refs ?? [];
    if (expected.length === 0) continue;
    const overlap = evidenceOverlap(c.result.actual_evidence_refs, expected);
    found += overlap.found;
    total += overlap.total;
  }
  return ratio("M12", "evidence_recall", 0.60, found, total);
}

function evidencePrecision(cases: readonly ScoredCase[]): Metric {
  let found = 0;
  let cited = 0;
  for (const c of cases) {
    const actual = c.result.actual_evidence_refs;
    if (actual.length === 0) continue;
    cited += actual.length;
    const expected = c.gt.expected_invest?.evidence_refs;
    if (expected !== undefined) {
      found += evidenceOverlap(actual, expected).found;
    }
  }
  return ratio("M13", "evidence_precision", 0.50, found, cited);
}

// --- M14–M15: semantic ---

function rcaMessageRelevance(cases: readonly ScoredCase[]): Metric {
  const population = withRca(cases).filter((c) =>
    c.result.actual_rca_message !== "" && c.rca.required_keywords.length > 0
  );
  let sum = 0;
  for (const c of population) {
    const message = c.result.actual_rca_message.toLowerCase();
    const matched = c.rca.required_keywords.filter((keyword) =>
      message.includes(keyword.toLowerCase())
    ).length;
    const threshold = c.rca.keyword_threshold;
    sum += threshold <= 0 ? 1 : Math.min(matched / threshold, 1);
  }
  return metric(
    "M14",
    "rca_message_relevance",
    0.60,
    safeDiv(sum, population.length),
    `avg over ${population.length} cases`,
  );
}

function componentIdentification(cases: readonly ScoredCase[]): Metric {
  return countIn(
    "M15",
    "component_identification",
    0.70,
    withRca(cases),
    ({ result, rca }) =>
      result.actual_component === rca.component ||
      (result.actual_rca_message !== "" &&
        result.actual_rca_message.toLowerCase().includes(
          rca.component.toLowerCase(),
        )),
  );
}

// --- M16–M18: pipeline ---

function pipelinePathAccuracy(cases: readonly ScoredCase[]): Metric {
  return countIn(
    "M16",
    "pipeline_path_accuracy",
    0.60,
    cases,
    ({ result, gt }) =>
      result.actual_path.length === gt.expected_path.length &&
      result.actual_path.every((step, i) => step === gt.expected_path[i]),
  );
}

function loopEfficiency(cases: readonly ScoredCase[]): Metric {
  let actual = 0;
  let expected = 0;
  for (const c of cases) {
    actual += c.result.actual_loops;
    expected += c.gt.expected_loops;
  }
  let value: number;
  if (expected === 0) value = actual === 0 ? 1 : actual + 1;
  else value = actual / expected;
  return metric(
    "M17",
    "loop_efficiency",
    1.0,
    value,
    `actual=${actual} expected=${expected}`,
  );
}

function totalPromptTokens(cases: readonly ScoredCase[]): Metric {
  let measured = 0;
  let steps = 0;
  for (const { result } of cases) {
    steps += result.actual_path.length;
    const tokens = result.prompt_tokens_total ?? 0;
    if (tokens > 0) measured += tokens;
  }
  if (measured > 0) {
    return metric(
      "M18",
      "total_prompt_tokens",
      60000,
      measured,
      `${measured} tokens (measured)`,
    );
  }
  const estimated = steps * ESTIMATED_TOKENS_PER_STEP;
  return metric(
    "M18",
    "total_prompt_tokens",
    60000,
    estimated,
    `~${estimated} tokens (${steps} steps, estimated)`,
  );
}

// --- M19: aggregate ---

function overallAccuracy(set: MetricSet): Metric {
  const values = new Map(allMetrics(set).map((m) => [m.id, m.value]));
  let sum = 0;
  let weights = 0;
  for (const [id, weight] of OVERALL_ACCURACY_WEIGHTS) {
    const value = values.get(id);
    if (value === undefined) continue;
    sum += weight * value;
    weights += weight;
  }
  return metric(
    "M19",
    "overall_accuracy",
    0.65,
    weights > 0 ? sum / weights : 0,
    "weighted avg of M1,M2,M5,M10,M12,M14",
  );
}
