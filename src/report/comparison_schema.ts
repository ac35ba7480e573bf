/**
 * The JSON comparison, format version 1: what `asterisk compare
 * --format=json` prints. Exported as `contracts/schemas/comparison.schema.json`.
 *
 * @module
 */
import { z } from "zod";

/** Format version of the JSON comparison. */
export const COMPARISON_SCHEMA_VERSION = 1;

const MetricSideSchema = z.object({ value: z.number(), pass: z.boolean() });

const ReportSideSchema = z.object({
  /** The file as named on the command line. */
  file: z.string(),
  scenario: z.string(),
  adapter: z.string(),
  dispatch: z.string(),
  result: z.enum(["pass", "fail"]),
  cases: z.number().int(),
});

/** One metric compared (every metric of either report is listed). */
export const MetricChangeSchema = z.object({
  id: z.string(),
  name: z.string(),
  direction: z.enum(["at_least", "at_most", "range"]),
  base: MetricSideSchema.optional(),
  new: MetricSideSchema.optional(),
  /** `new - base`, when both are finite numbers. */
  delta: z.number().optional(),
  flip: z.enum(["none", "pass-to-fail", "fail-to-pass"]),
  /** Worse than base beyond the tolerance, in the metric's direction. */
  regressed: z.boolean(),
  improved: z.boolean(),
});

/** A case with a flipped aspect, or in one report only. */
export const CaseChangeSchema = z.object({
  caseId: z.string(),
  testName: z.string(),
  presence: z.enum(["both", "only-base", "only-new"]),
  changes: z.array(z.object({
    aspect: z.enum(["defect", "component", "path"]),
    /** Whether the aspect was right in the base report. */
    base: z.boolean(),
    /** Whether it is right in the new report. */
    new: z.boolean(),
    baseValue: z.string(),
    newValue: z.string(),
  })),
});

/** The JSON comparison, version 1. */
export const JsonComparisonSchema = z.object({
  schema_version: z.literal(COMPARISON_SCHEMA_VERSION),
  /** `regressed` when a metric of `new` got worse beyond the tolerance (exit 1). */
  result: z.enum(["regressed", "ok"]),
  base: ReportSideSchema,
  new: ReportSideSchema,
  tolerance: z.number().min(0),
  /** Ids of the metrics that regressed. */
  regressions: z.array(z.string()),
  metrics: z.array(MetricChangeSchema),
  cases: z.array(CaseChangeSchema),
  notes: z.array(z.string()),
});

/** A JSON comparison as printed. */
export type JsonComparison = z.infer<typeof JsonComparisonSchema>;

/** JSON Schema (draft 2020-12) of the JSON comparison, for `contracts/schemas/`. */
export function jsonComparisonJsonSchema(): Readonly<Record<string, unknown>> {
  const { $schema, ...rest } = z.toJSONSchema(JsonComparisonSchema, {
    io: "output",
  });
  return {
    $schema,
    $id: `asterisk/comparison/v${COMPARISON_SCHEMA_VERSION}`,
    title: "asterisk compare --format=json",
    "x-asterisk-format-version": COMPARISON_SCHEMA_VERSION,
    ...rest,
  };
}
