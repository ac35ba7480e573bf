/**
 * The JSON report, format version 1: what `--report FILE` and `--json`
 * write, and what `asterisk report` and `asterisk compare` read back. The
 * reference's §8.6 keys, plus the format version, the overall verdict, and
 * for every metric its direction, band, population and formula (from the
 * metric table). Exported as `contracts/schemas/report.schema.json`.
 *
 * Unknown keys are kept when read (`looseObject`), so a report written by a
 * later version with added keys still loads.
 *
 * @module
 */
import { z } from "zod";
import { METRIC_GROUPS } from "../core/metric.ts";
import { SHORT_STEP_NAMES } from "../scenario/scenario_schema.ts";

/** Format version of the JSON report. */
export const REPORT_SCHEMA_VERSION = 1;

const METRIC_IDS = Array.from({ length: 20 }, (_, i) => `M${i + 1}`) as [
  string,
  ...string[],
];

/** One metric of the JSON report. */
export const JsonMetricSchema = z.looseObject({
  id: z.enum(METRIC_IDS),
  name: z.string(),
  value: z.number(),
  threshold: z.number(),
  pass: z.boolean(),
  detail: z.string(),
  direction: z.enum(["at_least", "at_most", "range"]),
  range: z.object({ min: z.number(), max: z.number() }).optional(),
  population: z.string(),
  formula: z.string(),
});

/** Metrics grouped by report section. */
export const JsonMetricSetSchema = z.object(
  Object.fromEntries(
    METRIC_GROUPS.map((group) => [group, z.array(JsonMetricSchema)]),
  ) as Record<
    (typeof METRIC_GROUPS)[number],
    z.ZodArray<typeof JsonMetricSchema>
  >,
);

/** One case's outcome (reference §8.6 keys). */
export const JsonCaseResultSchema = z.looseObject({
  case_id: z.string(),
  test_name: z.string(),
  version: z.string(),
  job: z.string(),
  store_case_id: z.number().int(),
  actual_defect_type: z.string(),
  actual_category: z.string(),
  actual_rca_message: z.string(),
  actual_component: z.string(),
  actual_path: z.array(z.enum(SHORT_STEP_NAMES)),
  actual_recall_hit: z.boolean(),
  actual_skip: z.boolean(),
  actual_cascade: z.boolean(),
  actual_loops: z.number().int(),
  actual_evidence_refs: z.array(z.string()),
  actual_selected_repos: z.array(z.string()),
  actual_rca_id: z.number().int(),
  actual_convergence: z.number(),
  prompt_tokens_total: z.number().optional(),
  artifact_tokens_total: z.number().optional(),
  step_count: z.number().optional(),
  wall_clock_ms: z.number().optional(),
  defect_type_correct: z.boolean(),
  path_correct: z.boolean(),
  component_correct: z.boolean(),
  answer_notes: z.array(z.string()).optional(),
  error: z.string().optional(),
});

/** The JSON report, version 1. */
export const JsonReportSchema = z.looseObject({
  schema_version: z.literal(REPORT_SCHEMA_VERSION),
  /** `pass` when every metric is within its threshold and no case failed. */
  result: z.enum(["pass", "fail"]),
  scenario: z.string(),
  adapter: z.string(),
  dispatch: z.string(),
  runs: z.number().int().min(1),
  metrics: JsonMetricSetSchema,
  case_results: z.array(JsonCaseResultSchema),
  run_metrics: z.array(JsonMetricSetSchema).optional(),
  tokens: z.looseObject({
    total_prompt_tokens: z.number(),
    total_artifact_tokens: z.number(),
    total_tokens: z.number(),
    total_cost_usd: z.number(),
    input_price_per_million: z.number(),
    output_price_per_million: z.number(),
    per_case: z.record(z.string(), z.looseObject({})),
    per_step: z.record(z.string(), z.looseObject({})),
    total_steps: z.number(),
    total_wall_clock_ms: z.number(),
    run_wall_clock_ms: z.number().optional(),
  }).optional(),
  /** Accepted steps: restored from an earlier invocation, answered in this one. */
  steps: z.object({ restored: z.number(), answered: z.number() }).optional(),
  /** How the last run's answers were received. */
  answers: z.looseObject({
    as_written: z.number(),
    repaired: z.number(),
    flagged: z.number(),
    rejected: z.number(),
  }).optional(),
});

/** A JSON report as written. */
export type JsonReport = z.infer<typeof JsonReportSchema>;
/** One metric of a JSON report. */
export type JsonMetric = z.infer<typeof JsonMetricSchema>;

/** JSON Schema (draft 2020-12) of the JSON report, for `contracts/schemas/`. */
export function jsonReportJsonSchema(): Readonly<Record<string, unknown>> {
  const { $schema, ...rest } = z.toJSONSchema(JsonReportSchema, {
    io: "output",
  });
  return {
    $schema,
    $id: `asterisk/report/v${REPORT_SCHEMA_VERSION}`,
    title: "asterisk calibration report (--report, --json, report.json)",
    "x-asterisk-format-version": REPORT_SCHEMA_VERSION,
    ...rest,
  };
}
