/**
 * Metric result types and report groups (reference §8.2–§8.3).
 *
 * @module
 */

/** Metric ids M1–M20. */
export type MetricId =
  | "M1"
  | "M2"
  | "M3"
  | "M4"
  | "M5"
  | "M6"
  | "M7"
  | "M8"
  | "M9"
  | "M10"
  | "M11"
  | "M12"
  | "M13"
  | "M14"
  | "M15"
  | "M16"
  | "M17"
  | "M18"
  | "M19"
  | "M20";

/** How a metric's value is compared with its threshold. */
export type PassDirection = "at_least" | "at_most" | "range";

/** One scored metric. */
export interface Metric {
  id: MetricId;
  name: string;
  value: number;
  threshold: number;
  pass: boolean;
  detail: string;
}

/** Metrics grouped as in the report: keys are the JSON report's keys. */
export interface MetricSet {
  structured: Metric[];
  workspace: Metric[];
  evidence: Metric[];
  semantic: Metric[];
  pipeline: Metric[];
  aggregate: Metric[];
}

/** Report group keys in report order. */
export const METRIC_GROUPS = [
  "structured",
  "workspace",
  "evidence",
  "semantic",
  "pipeline",
  "aggregate",
] as const satisfies readonly (keyof MetricSet)[];

/** Section titles of the text report per group. */
export const METRIC_GROUP_TITLES: Record<keyof MetricSet, string> = {
  structured: "Structured Metrics",
  workspace: "Workspace / Repo Selection",
  evidence: "Evidence Metrics",
  semantic: "Semantic Metrics",
  pipeline: "Pipeline Metrics",
  aggregate: "Aggregate",
};

/** Returns every metric of a set in report order (M1 … M20). */
export function allMetrics(set: MetricSet): Metric[] {
  return METRIC_GROUPS.flatMap((group) => set[group]);
}
