/**
 * Zod schema of a calibration scenario: the ground truth a run is scored
 * against. Keys are the Go asterisk's snake_case keys, so a dataset written
 * for the Go version loads unchanged. Unknown keys are tolerated (stripped);
 * keys the Go version treats as optional get the Go zero value.
 *
 * Cross references (a case's `rca_id`, a symptom's `maps_to_rca`, repo names,
 * duplicate ids) are checked in {@linkcode loadScenario}, not here.
 *
 * @module
 */
import { z } from "zod";

/** Short step names used in `expected_path`. */
export const SHORT_STEP_NAMES = [
  "F0",
  "F1",
  "F2",
  "F3",
  "F4",
  "F5",
  "F6",
] as const;

const id = z.string().min(1, "must be a non-empty string");
const optionalRef = z.string().default("");
const text = z.string().default("");
const strings = z.array(z.string()).default([]);
const unit = z.number().min(0, "must be between 0 and 1").max(
  1,
  "must be between 0 and 1",
);

/** A root cause the scenario knows about. */
export const GroundTruthRcaSchema = z.object({
  id,
  title: z.string(),
  description: text,
  defect_type: z.string(),
  category: text,
  component: z.string(),
  affected_versions: strings,
  jira_id: text,
  required_keywords: strings,
  keyword_threshold: z.number().int().min(0).default(1),
  relevant_repos: strings,
});

/** A failure signature the scenario knows about. */
export const GroundTruthSymptomSchema = z.object({
  id,
  name: z.string(),
  error_pattern: text,
  component: text,
  maps_to_rca: optionalRef,
});

/** Expected F0 recall output. */
export const ExpectedRecallSchema = z.object({
  match: z.boolean().default(false),
  prior_rca_id: z.union([z.string(), z.number()]).optional(),
  symptom_id: z.union([z.string(), z.number()]).optional(),
  confidence: unit.default(0),
});

/** Expected F1 triage output. */
export const ExpectedTriageSchema = z.object({
  symptom_category: text,
  severity: text,
  defect_type_hypothesis: text,
  candidate_repos: strings,
  skip_investigation: z.boolean().default(false),
  cascade_suspected: z.boolean().default(false),
});

/** Expected F2 resolve output. */
export const ExpectedResolveSchema = z.object({
  selected_repos: z.array(z.object({ name: z.string(), reason: text }))
    .default([]),
});

/** Expected F3 investigation output. */
export const ExpectedInvestSchema = z.object({
  rca_message: text,
  defect_type: text,
  component: text,
  convergence_score: unit.default(0),
  evidence_refs: strings,
});

/** Expected F4 correlation output. */
export const ExpectedCorrelateSchema = z.object({
  is_duplicate: z.boolean().default(false),
  linked_rca_id: z.union([z.string(), z.number()]).optional(),
  confidence: unit.default(0),
  cross_version_match: z.boolean().default(false),
});

/** Expected F5 review output. */
export const ExpectedReviewSchema = z.object({
  // Any string, as in the Go version: approve/reassess/overturn fire H12–H14,
  // anything else (e.g. "defer") falls back to F6.
  decision: z.string(),
});

/** One failed test case with its expected pipeline behaviour. */
export const GroundTruthCaseSchema = z.object({
  id,
  version: z.string(),
  job: z.string(),
  test_name: z.string(),
  test_id: text,
  error_message: text,
  log_snippet: text,
  symptom_id: optionalRef,
  rca_id: optionalRef,
  expected_path: z.array(z.enum(SHORT_STEP_NAMES)).min(
    1,
    "must list at least one step",
  ),
  expected_recall: ExpectedRecallSchema.optional(),
  expected_triage: ExpectedTriageSchema.optional(),
  expected_resolve: ExpectedResolveSchema.optional(),
  expected_invest: ExpectedInvestSchema.optional(),
  expected_correlate: ExpectedCorrelateSchema.optional(),
  expected_review: ExpectedReviewSchema.optional(),
  expect_recall_hit: z.boolean().default(false),
  expect_skip: z.boolean().default(false),
  expect_cascade: z.boolean().default(false),
  expected_loops: z.number().int().min(0).default(0),
});

/** A repository the agent may be pointed at. */
export const RepoConfigSchema = z.object({
  name: z.string().min(1, "must be a non-empty string"),
  path: text,
  purpose: text,
  branch: text,
  relevant_to_rcas: strings,
  is_red_herring: z.boolean().default(false),
});

/** The whole scenario file. */
export const ScenarioSchema = z.object({
  name: z.string().min(1, "must be a non-empty string"),
  description: text,
  rcas: z.array(GroundTruthRcaSchema).default([]),
  symptoms: z.array(GroundTruthSymptomSchema).default([]),
  cases: z.array(GroundTruthCaseSchema).min(1, "must list at least one case"),
  workspace: z.object({ repos: z.array(RepoConfigSchema).default([]) })
    .default({ repos: [] }),
});

/** A validated scenario. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A validated ground-truth case. */
export type GroundTruthCase = z.infer<typeof GroundTruthCaseSchema>;
/** A validated ground-truth RCA. */
export type GroundTruthRca = z.infer<typeof GroundTruthRcaSchema>;
/** A validated ground-truth symptom. */
export type GroundTruthSymptom = z.infer<typeof GroundTruthSymptomSchema>;
/** A validated workspace repository. */
export type RepoConfig = z.infer<typeof RepoConfigSchema>;
/** A short step name as used in `expected_path`. */
export type ShortStepName = typeof SHORT_STEP_NAMES[number];
