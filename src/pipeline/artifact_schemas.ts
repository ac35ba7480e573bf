/**
 * Per-step artifact schemas (reference §1.2) and {@linkcode parseArtifact},
 * which validates every artifact whatever its source (stub, file, person).
 *
 * Parsing follows the Go version where it is safe to: unknown keys are
 * dropped, missing keys and `null` values take the zero value, and key names
 * match case-insensitively. A wrong type, an out-of-range confidence or an
 * unknown loop target is an {@linkcode ArtifactError} naming the field. A
 * review decision other than approve/reassess/overturn is accepted and
 * routes by the fallback rule to F6 (reference §2.2).
 *
 * Our extension: F0 and F4 may carry `same_as_case_id`, a reference to
 * another case of the same run whose root cause this failure shares while that
 * case is still being investigated (see `docs/architecture.md`, "Deferred
 * references").
 *
 * @module
 */
import { z } from "zod";
import { ArtifactError } from "./artifact_error.ts";
import type { PipelineStep } from "./step.ts";
import { describeIssue } from "../util/describe_issue.ts";

const unit = z.number().min(0, "must be a number between 0 and 1").max(
  1,
  "must be a number between 0 and 1",
);
const storeId = z.number().int().min(0, "must be a non-negative integer");
const text = z.string().default("");
const strings = z.array(z.string()).default([]);

/** F0 `recall-result.json`. */
export const RecallResultSchema = z.object({
  match: z.boolean().default(false),
  prior_rca_id: storeId.default(0),
  symptom_id: storeId.default(0),
  confidence: unit.default(0),
  reasoning: text,
  is_regression: z.boolean().default(false),
  same_as_case_id: storeId.default(0),
});

/** F1 `triage-result.json`. */
export const TriageResultSchema = z.object({
  symptom_category: text,
  severity: text,
  defect_type_hypothesis: text,
  candidate_repos: strings,
  skip_investigation: z.boolean().default(false),
  clock_skew_suspected: z.boolean().default(false),
  cascade_suspected: z.boolean().default(false),
  data_quality_notes: text,
});

/** One repository chosen at F2. */
export const SelectedRepoSchema = z.object({
  name: z.string().min(1, "must be a non-empty string"),
  path: text,
  focus_paths: strings,
  branch: text,
  reason: text,
});

/** F2 `resolve-result.json`. */
export const ResolveResultSchema = z.object({
  selected_repos: z.array(SelectedRepoSchema).default([]),
  cross_ref_strategy: text,
});

/** F3 `artifact.json`. */
export const InvestigateResultSchema = z.object({
  launch_id: text,
  case_ids: z.array(z.number().int()).default([]),
  rca_message: text,
  defect_type: text,
  component: text,
  convergence_score: unit.default(0),
  evidence_refs: strings,
});

/** F4 `correlate-result.json`. */
export const CorrelateResultSchema = z.object({
  is_duplicate: z.boolean().default(false),
  linked_rca_id: storeId.default(0),
  confidence: unit.default(0),
  reasoning: text,
  cross_version_match: z.boolean().default(false),
  affected_versions: strings,
  same_as_case_id: storeId.default(0),
});

/** Steps a review may send a case back to. */
export const LOOP_TARGETS = [
  "F1_TRIAGE",
  "F2_RESOLVE",
  "F3_INVESTIGATE",
] as const;

/** F5 `review-decision.json`. */
export const ReviewDecisionSchema = z.object({
  /**
   * `approve`, `reassess` or `overturn` fire H12–H14; any other string (e.g.
   * `defer`) fires no rule and falls back to F6, as in the Go version.
   */
  decision: z.string({
    error: "must be a string such as 'approve', 'reassess' or 'overturn'",
  }),
  human_override: z.object({ defect_type: text, rca_message: text })
    .optional(),
  // Go writes no key for "not given"; an empty string means the same.
  loop_target: z.preprocess(
    (v) => v === "" ? undefined : v,
    z.enum(LOOP_TARGETS).optional(),
  ),
});

/** F6 `jira-draft.json`: a free-form object. */
export const JiraDraftSchema = z.record(z.string(), z.unknown());

/** F0 artifact. */
export type RecallResult = z.infer<typeof RecallResultSchema>;
/** F1 artifact. */
export type TriageResult = z.infer<typeof TriageResultSchema>;
/** F2 artifact. */
export type ResolveResult = z.infer<typeof ResolveResultSchema>;
/** F3 artifact. */
export type InvestigateResult = z.infer<typeof InvestigateResultSchema>;
/** F4 artifact. */
export type CorrelateResult = z.infer<typeof CorrelateResultSchema>;
/** F5 artifact. */
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;
/** F6 artifact. */
export type JiraDraft = z.infer<typeof JiraDraftSchema>;

/** Artifact type per step. */
export interface ArtifactByStep {
  F0_RECALL: RecallResult;
  F1_TRIAGE: TriageResult;
  F2_RESOLVE: ResolveResult;
  F3_INVESTIGATE: InvestigateResult;
  F4_CORRELATE: CorrelateResult;
  F5_REVIEW: ReviewDecision;
  F6_REPORT: JiraDraft;
}

/** Any validated artifact, tagged with its step. */
export type StepArtifact = {
  [S in PipelineStep]: { readonly step: S; readonly data: ArtifactByStep[S] };
}[PipelineStep];

/** Schema per step. */
export const ARTIFACT_SCHEMAS: {
  readonly [S in PipelineStep]: z.ZodType<ArtifactByStep[S]>;
} = {
  F0_RECALL: RecallResultSchema,
  F1_TRIAGE: TriageResultSchema,
  F2_RESOLVE: ResolveResultSchema,
  F3_INVESTIGATE: InvestigateResultSchema,
  F4_CORRELATE: CorrelateResultSchema,
  F5_REVIEW: ReviewDecisionSchema,
  F6_REPORT: JiraDraftSchema,
};

/** Known top-level keys per step, for case-insensitive matching. */
const TOP_LEVEL_KEYS: Readonly<Record<PipelineStep, readonly string[]>> = {
  F0_RECALL: Object.keys(RecallResultSchema.shape),
  F1_TRIAGE: Object.keys(TriageResultSchema.shape),
  F2_RESOLVE: Object.keys(ResolveResultSchema.shape),
  F3_INVESTIGATE: Object.keys(InvestigateResultSchema.shape),
  F4_CORRELATE: Object.keys(CorrelateResultSchema.shape),
  F5_REVIEW: Object.keys(ReviewDecisionSchema.shape),
  F6_REPORT: [],
};

/** Known keys of nested objects, for case-insensitive matching. */
const NESTED_KEYS: Record<string, readonly string[]> = {
  selected_repos: Object.keys(SelectedRepoSchema.shape),
  human_override: ["defect_type", "rca_message"],
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Go-style key folding: renames keys that match a known key case-insensitively
 * and drops `null` values so that the key's zero value applies.
 */
function foldKeys(
  value: Record<string, unknown>,
  known: readonly string[],
): Record<string, unknown> {
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const name = byLower.get(key.toLowerCase()) ?? key;
    if (raw === null) continue;
    if (name !== key && Object.hasOwn(value, name)) continue; // exact spelling wins
    const nested = Object.hasOwn(NESTED_KEYS, name)
      ? NESTED_KEYS[name]
      : undefined;
    if (nested && Array.isArray(raw)) {
      out[name] = raw.map((item) =>
        isPlainObject(item) ? foldKeys(item, nested) : item
      );
    } else if (nested && isPlainObject(raw)) {
      out[name] = foldKeys(raw, nested);
    } else {
      out[name] = raw;
    }
  }
  return out;
}

/** Where an artifact came from, for error messages. */
export interface ArtifactSource {
  /** Artifact name, e.g. a file path or `stub answer for C1 F0_RECALL`. */
  readonly name: string;
  /** Prefix for field paths, e.g. `data` for a wrapped artifact. */
  readonly fieldPrefix?: string;
}

/**
 * Validates `value` as the artifact of `step`.
 *
 * @throws {ArtifactError} naming the source and every bad field.
 */
export function parseArtifact<S extends PipelineStep>(
  step: S,
  value: unknown,
  source: ArtifactSource,
): ArtifactByStep[S] {
  const prefix = source.fieldPrefix ?? "";
  if (!isPlainObject(value)) {
    const where = prefix === "" ? "the artifact" : `field '${prefix}'`;
    throw new ArtifactError(
      `Cannot accept artifact '${source.name}': ${where} must be a JSON object`,
    );
  }
  const input = step === "F6_REPORT"
    ? value
    : foldKeys(value, TOP_LEVEL_KEYS[step]);
  const result = ARTIFACT_SCHEMAS[step].safeParse(input, { reportInput: true });
  if (result.success) return result.data as ArtifactByStep[S];
  const problems = result.error.issues.map((issue) => {
    const { path, problem } = describeIssue(issue, prefix);
    return `field '${path}' ${problem}`;
  });
  throw new ArtifactError(
    `Cannot accept artifact '${source.name}': ${problems.join("; ")}`,
    { cause: result.error },
  );
}
