/**
 * The metrics M1–M20 as one table (reference §8.2–§8.3): a metric is one
 * entry — id, name, report section, threshold, direction, formula, the
 * population it counts, and its scorer. The computation, the pass verdict,
 * the text report and every other output read from this table.
 *
 * @module
 */
import type { MetricId, MetricSet, PassDirection } from "../core/metric.ts";
import type { Scorer } from "./score_input.ts";
import {
  cascadeDetection,
  convergenceCalibration,
  defectTypeAccuracy,
  recallFalsePositiveRate,
  recallHitRate,
  serialKillerDetection,
  skipAccuracy,
  symptomCategoryAccuracy,
} from "./structured_scorers.ts";
import {
  componentIdentification,
  evidencePrecision,
  evidenceRecall,
  rcaMessageRelevance,
  redHerringRejection,
  repoSelectionPrecision,
  repoSelectionRecall,
} from "./selection_scorers.ts";
import {
  loopEfficiency,
  overallAccuracy,
  pipelinePathAccuracy,
  runVariance,
  totalPromptTokens,
} from "./pipeline_scorers.ts";

/** One metric's definition. */
export interface MetricDefinition {
  readonly id: MetricId;
  /** Snake-case name, as in the Go report. */
  readonly name: string;
  /** Report section (and JSON key) the metric belongs to. */
  readonly section: keyof MetricSet;
  /** The threshold; for a `range` metric the ideal value (not the verdict). */
  readonly threshold: number;
  /** How the value is compared with the threshold. */
  readonly direction: PassDirection;
  /** Inclusive band of a `range` metric. */
  readonly range?: { readonly min: number; readonly max: number };
  /** How values print: ratios with two decimals, tokens as integers. */
  readonly unit: "ratio" | "tokens";
  /** The formula in words. */
  readonly formula: string;
  /** The population the metric counts, in words. */
  readonly population: string;
  /** Computes the value and detail of one run. */
  readonly score: Scorer;
}

/** Every metric in report order (M1 … M20). */
export const METRIC_TABLE: readonly MetricDefinition[] = Object.freeze(
  [
    {
      id: "M1",
      name: "defect_type_accuracy",
      section: "structured",
      threshold: 0.80,
      direction: "at_least",
      unit: "ratio",
      formula: "cases whose defect type equals the GT RCA's / cases",
      population: "cases with a GT RCA",
      score: defectTypeAccuracy,
    },
    {
      id: "M2",
      name: "symptom_category_accuracy",
      section: "structured",
      threshold: 0.75,
      direction: "at_least",
      unit: "ratio",
      formula: "cases whose F1 category equals the expected one / cases",
      population: "cases with an expected triage",
      score: symptomCategoryAccuracy,
    },
    {
      id: "M3",
      name: "recall_hit_rate",
      section: "structured",
      threshold: 0.70,
      direction: "at_least",
      unit: "ratio",
      formula: "recall hits / cases",
      population: "cases expected to hit recall",
      score: recallHitRate,
    },
    {
      id: "M4",
      name: "recall_false_positive_rate",
      section: "structured",
      threshold: 0.10,
      direction: "at_most",
      unit: "ratio",
      formula: "recall hits / cases (empty population: 0)",
      population: "cases not expected to hit recall",
      score: recallFalsePositiveRate,
    },
    {
      id: "M5",
      name: "serial_killer_detection",
      section: "structured",
      threshold: 0.70,
      direction: "at_least",
      unit: "ratio",
      formula:
        "later cases of a GT RCA linked to the first case's store RCA / later cases",
      population: "later cases of GT RCAs with two or more cases",
      score: serialKillerDetection,
    },
    {
      id: "M6",
      name: "skip_accuracy",
      section: "structured",
      threshold: 0.80,
      direction: "at_least",
      unit: "ratio",
      formula: "cases that skipped investigation / cases",
      population: "cases expected to skip",
      score: skipAccuracy,
    },
    {
      id: "M7",
      name: "cascade_detection",
      section: "structured",
      threshold: 0.50,
      direction: "at_least",
      unit: "ratio",
      formula: "cases flagged as cascade / cases",
      population: "cases expected to cascade",
      score: cascadeDetection,
    },
    {
      id: "M8",
      name: "convergence_calibration",
      section: "structured",
      threshold: 0.40,
      direction: "at_least",
      unit: "ratio",
      formula: "Pearson r of convergence against defect-type correctness",
      population: "cases with a GT RCA and a non-zero convergence",
      score: convergenceCalibration,
    },
    {
      id: "M9",
      name: "repo_selection_precision",
      section: "workspace",
      threshold: 0.70,
      direction: "at_least",
      unit: "ratio",
      formula: "mean of relevant selected repos / selected repos",
      population: "cases with a GT RCA and a selected repo",
      score: repoSelectionPrecision,
    },
    {
      id: "M10",
      name: "repo_selection_recall",
      section: "workspace",
      threshold: 0.80,
      direction: "at_least",
      unit: "ratio",
      formula: "mean of relevant selected repos / relevant repos of the GT RCA",
      population: "cases with a GT RCA and an expected resolve",
      score: repoSelectionRecall,
    },
    {
      id: "M11",
      name: "red_herring_rejection",
      section: "workspace",
      threshold: 0.80,
      direction: "at_least",
      unit: "ratio",
      formula: "1 − cases selecting a red-herring repo / cases",
      population: "cases with a selected repo",
      score: redHerringRejection,
    },
    {
      id: "M12",
      name: "evidence_recall",
      section: "evidence",
      threshold: 0.60,
      direction: "at_least",
      unit: "ratio",
      formula: "expected evidence refs found / expected evidence refs",
      population: "expected evidence refs",
      score: evidenceRecall,
    },
    {
      id: "M13",
      name: "evidence_precision",
      section: "evidence",
      threshold: 0.50,
      direction: "at_least",
      unit: "ratio",
      formula: "expected evidence refs found / evidence refs cited",
      population: "evidence refs cited",
      score: evidencePrecision,
    },
    {
      id: "M14",
      name: "rca_message_relevance",
      section: "semantic",
      threshold: 0.60,
      direction: "at_least",
      unit: "ratio",
      formula:
        "mean of min(required keywords in the message / keyword threshold, 1)",
      population: "cases with an RCA message and a GT RCA with keywords",
      score: rcaMessageRelevance,
    },
    {
      id: "M15",
      name: "component_identification",
      section: "semantic",
      threshold: 0.70,
      direction: "at_least",
      unit: "ratio",
      formula:
        "cases whose component equals, or whose message names, the GT RCA's component / cases",
      population: "cases with a GT RCA",
      score: componentIdentification,
    },
    {
      id: "M16",
      name: "pipeline_path_accuracy",
      section: "pipeline",
      threshold: 0.60,
      direction: "at_least",
      unit: "ratio",
      formula: "cases whose path equals the expected path / cases",
      population: "all cases",
      score: pipelinePathAccuracy,
    },
    {
      id: "M17",
      name: "loop_efficiency",
      section: "pipeline",
      threshold: 1.0,
      direction: "range",
      range: Object.freeze({ min: 0.5, max: 2.0 }),
      unit: "ratio",
      formula:
        "loops taken / loops expected (both 0: 1; none expected: taken + 1)",
      population: "all cases",
      score: loopEfficiency,
    },
    {
      id: "M18",
      name: "total_prompt_tokens",
      section: "pipeline",
      threshold: 60000,
      direction: "at_most",
      unit: "tokens",
      formula: "measured prompt tokens, else 1000 per executed step",
      population: "all cases",
      score: totalPromptTokens,
    },
    {
      id: "M19",
      name: "overall_accuracy",
      section: "aggregate",
      threshold: 0.65,
      direction: "at_least",
      unit: "ratio",
      formula:
        "0.20·M1 + 0.15·M2 + 0.20·M5 + 0.15·M10 + 0.15·M12 + 0.15·M14 (weights normalised)",
      population: "metrics M1, M2, M5, M10, M12, M14",
      score: overallAccuracy,
    },
    {
      id: "M20",
      name: "run_variance",
      section: "aggregate",
      threshold: 0.15,
      direction: "at_most",
      unit: "ratio",
      formula: "sample standard deviation of M19 over runs (single run: 0)",
      population: "runs",
      score: runVariance,
    },
  ] satisfies MetricDefinition[],
);

const BY_ID: ReadonlyMap<MetricId, MetricDefinition> = new Map(
  METRIC_TABLE.map((d) => [d.id, d]),
);

/**
 * The definition of a metric.
 *
 * @throws {RangeError} When no metric has the id.
 */
export function metricDefinition(id: MetricId): MetricDefinition {
  const found = BY_ID.get(id);
  if (found === undefined) {
    throw new RangeError(`Unknown metric id "${id}": expected M1 … M20`);
  }
  return found;
}
