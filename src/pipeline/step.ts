/**
 * The pipeline's steps F0–F6 with their short names, prompt families and
 * artifact file names (reference §1.1).
 *
 * @module
 */
import type { ShortStepName } from "../scenario/scenario_schema.ts";

/** Every step a case's state can be in. */
export type Step =
  | "INIT"
  | "F0_RECALL"
  | "F1_TRIAGE"
  | "F2_RESOLVE"
  | "F3_INVESTIGATE"
  | "F4_CORRELATE"
  | "F5_REVIEW"
  | "F6_REPORT"
  | "DONE";

/** A step that produces an artifact. */
export type PipelineStep = Exclude<Step, "INIT" | "DONE">;

/** Prompt family of a pipeline step. */
export type StepFamily =
  | "recall"
  | "triage"
  | "resolve"
  | "investigate"
  | "correlate"
  | "review"
  | "report";

/** Static facts about one pipeline step. */
export interface StepInfo {
  /** Short name used in paths, e.g. `F0`. */
  readonly short: ShortStepName;
  /** Prompt family, e.g. `recall`. */
  readonly family: StepFamily;
  /** Artifact file name inside the case directory. */
  readonly artifactFile: string;
}

/** Pipeline steps in execution order. */
export const PIPELINE_STEPS: readonly PipelineStep[] = [
  "F0_RECALL",
  "F1_TRIAGE",
  "F2_RESOLVE",
  "F3_INVESTIGATE",
  "F4_CORRELATE",
  "F5_REVIEW",
  "F6_REPORT",
];

/** Step facts keyed by step. */
export const STEP_INFO: Readonly<Record<PipelineStep, StepInfo>> = {
  F0_RECALL: {
    short: "F0",
    family: "recall",
    artifactFile: "recall-result.json",
  },
  F1_TRIAGE: {
    short: "F1",
    family: "triage",
    artifactFile: "triage-result.json",
  },
  F2_RESOLVE: {
    short: "F2",
    family: "resolve",
    artifactFile: "resolve-result.json",
  },
  F3_INVESTIGATE: {
    short: "F3",
    family: "investigate",
    artifactFile: "artifact.json",
  },
  F4_CORRELATE: {
    short: "F4",
    family: "correlate",
    artifactFile: "correlate-result.json",
  },
  F5_REVIEW: {
    short: "F5",
    family: "review",
    artifactFile: "review-decision.json",
  },
  F6_REPORT: {
    short: "F6",
    family: "report",
    artifactFile: "jira-draft.json",
  },
};

/** Returns true when `value` names a pipeline step (`F0_RECALL` … `F6_REPORT`). */
export function isPipelineStep(value: string): value is PipelineStep {
  return Object.hasOwn(STEP_INFO, value);
}

/** Returns the pipeline step whose short name is `short` (`F3` → `F3_INVESTIGATE`). */
export function stepFromShortName(short: ShortStepName): PipelineStep {
  const step = PIPELINE_STEPS.find((s) => STEP_INFO[s].short === short);
  if (step === undefined) throw new RangeError(`Unknown step '${short}'`);
  return step;
}

/** File names of one execution of a step inside the case directory. */
export interface StepFiles {
  /** Prompt file, e.g. `prompt-investigate.md`. */
  readonly prompt: string;
  /** Artifact file, e.g. `artifact.json`. */
  readonly artifact: string;
}

/**
 * File names of the `attempt`-th execution of `step` (0 for the first). A
 * repeated step (an investigation loop, a reassessment) gets its own files,
 * `prompt-investigate-loop-1.md` and `artifact-loop-1.json`, so earlier
 * prompts and artifacts are kept.
 */
export function stepFiles(step: PipelineStep, attempt = 0): StepFiles {
  const { family, artifactFile } = STEP_INFO[step];
  if (attempt === 0) {
    return { prompt: `prompt-${family}.md`, artifact: artifactFile };
  }
  const suffix = `-loop-${attempt}`;
  return {
    prompt: `prompt-${family}${suffix}.md`,
    artifact: artifactFile.replace(/\.json$/, `${suffix}.json`),
  };
}
